import ArgumentParser

/// What the engine reads besides its polls — key sampling, keyspace events, key lives — with
/// the same flags and defaults in every command that runs it (`top`, `watch`, `exporter`,
/// `check`, `snapshot`). The one difference: `check` and `snapshot` sample faster by default,
/// to cover a small keyspace within their short window (``SamplingOptions/oneShotRate``).
struct SourceOptions: ParsableArguments {
    @OptionGroup var sampling: SamplingOptions

    @OptionGroup var events: EventOptions

    @OptionGroup var keyLife: KeyLifeOptions
}
