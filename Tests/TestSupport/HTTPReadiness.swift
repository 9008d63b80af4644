import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Polls `url` until it answers 200 (a Prometheus or Alertmanager `/-/ready`); whether it did
/// within `timeout`.
public func waitUntilReady(_ url: URL, timeout: Duration) async throws -> Bool {
    try await eventually(timeout: timeout) {
        let probe = URLRequest(url: url)
        return ((try? await URLSession.shared.data(for: probe))?.1 as? HTTPURLResponse)?.statusCode == 200
    }
}
