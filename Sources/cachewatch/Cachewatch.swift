import ArgumentParser
import Foundation

/// The `cachewatch` command: a thin root that dispatches to subcommands and prints errors on
/// one line.
@main
struct Cachewatch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cachewatch",
        abstract: "Watch a Redis or Valkey cache: hit ratio, evictions, memory, latency, slow commands.",
        version: CachewatchVersion.current,
        subcommands: [
            Top.self, Watch.self, Exporter.self, Check.self, SnapshotCommand.self, Replay.self, Report.self, Scan.self,
            Profile.self,
            Rules.self, Demo.self,
            WorkloadCommand.self,
        ],
        defaultSubcommand: Top.self,
        helpNames: [.long]
    )

    static func main() async {
        do {
            ConsoleOutput.ignoreBrokenPipe()
            var command = try parseAsRoot()
            ArgumentScrubber.scrubSecrets()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exitOnError(error)
        }
    }

    /// The help to point to: the subcommand's when one was given (`cachewatch rules --help`).
    private static var helpCommand: String {
        let names = Set(configuration.subcommands.map { $0._commandName })
        let given = CommandLine.arguments.dropFirst().first { names.contains($0) }
        return given.map { "cachewatch \($0) --help" } ?? "cachewatch --help"
    }

    /// Help and version go to stdout as usual; errors become one `cachewatch: …` line on stderr.
    private static func exitOnError(_ error: any Error) -> Never {
        let code = exitCode(for: error)
        if code == .success {
            print(fullMessage(for: error))
            Foundation.exit(0)
        }
        // A password given on the command line is masked whatever the message quotes (an
        // argument the parser did not understand, a malformed URL).
        if let failure = error as? CLIFailure {
            ConsoleOutput.error("cachewatch: \(ArgumentScrubber.redacted(failure.message))")
            Foundation.exit(failure.exitCode)
        }
        let message = ArgumentScrubber.redacted(
            Self.message(for: error).split(whereSeparator: \.isNewline).joined(separator: " "))
        // A bare exit code (check's 1/2/3) has already said everything on stdout.
        if !message.isEmpty { ConsoleOutput.error("cachewatch: \(message) (see '\(helpCommand)')") }
        Foundation.exit(code.rawValue)
    }
}

/// The version printed by `--version`.
enum CachewatchVersion {
    static let current = "0.1.0"
}
