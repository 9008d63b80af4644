import ArgumentParser
import Export
import Fleet
import Foundation

/// `--alertmanager URL`: where a headless run also pushes its alerts (Alertmanager's v2 API).
struct AlertmanagerOptions: ParsableArguments {
    @Option(name: .long, help: "Also push alerts to this Alertmanager (v2 API), e.g. http://127.0.0.1:9093.")
    var alertmanager: String?

    func validate() throws {
        if let alertmanager, Self.url(alertmanager) == nil {
            throw ValidationError("--alertmanager needs an http(s):// URL, e.g. http://127.0.0.1:9093")
        }
    }

    /// The sink for the alerts of a run watching `targets`, `nil` without `--alertmanager`.
    func sink(targets: [NodeTarget]) -> AlertmanagerSink? {
        // validate() has refused a URL that is not http(s).
        guard let alertmanager, let url = Self.url(alertmanager) else { return nil }
        return AlertmanagerSink(
            baseURL: url, generatorURL: "cachewatch://\(targets.map(\.name).joined(separator: ","))")
    }

    private static func url(_ text: String) -> URL? {
        guard let url = URL(string: text), url.scheme == "http" || url.scheme == "https", url.host != nil else {
            return nil
        }
        return url
    }
}
