import ArgumentParser

/// `--listen ADDR:PORT`: where `watch` serves Prometheus. `:9180` listens on every address (as
/// Prometheus exporters' `--web.listen-address` does), `[::1]:9180` on an IPv6 one.
struct ListenAddress: ExpressibleByArgument, Sendable, Hashable {
    /// The host to bind (`0.0.0.0` for every IPv4 address when none was given).
    let host: String
    /// The port (0: any free port, printed at start).
    let port: Int

    init?(argument: String) {
        guard let colon = argument.lastIndex(of: ":"), let port = Int(argument[argument.index(after: colon)...]),
            (0...65535).contains(port)
        else { return nil }
        var host = String(argument[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") {
            host = String(host.dropFirst().dropLast())
        } else if host.contains(":") {
            return nil  // an IPv6 address needs brackets
        }
        guard host.allSatisfy({ $0.isLetter || $0.isNumber || ".-:".contains($0) }) else { return nil }
        self.host = host.isEmpty ? "0.0.0.0" : host
        self.port = port
    }

    /// How a default address is shown in help: `:9180` for every address, as it is written.
    var defaultValueDescription: String {
        host == "0.0.0.0" ? ":\(port)" : host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}
