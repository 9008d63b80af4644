import Foundation
import RESP
import RedisClient
import Telemetry

/// The server's own hot-key measurement, on request (`cachewatch profile --hotkeys`, the
/// dashboard's profile key): on **Redis 8.6+** a `HOTKEYS` collection session of CPU time and
/// network bytes per key, started for the time asked and stopped and reset afterwards (so the
/// server's tracking memory is freed and its state is as it was); on **Valkey 9.2+** the
/// always-on tracker's last window, read at once.
///
/// A session someone else started is read, never stopped or reset. `HOTKEYS START` needs
/// `@admin`: a refusal is one line. The session carries a `DURATION`, so the server ends it on
/// its own even if cachewatch is killed; its cost on the server is unmeasured here (no Redis 8.6
/// is packaged on these machines) — `SAMPLE` lowers it.
public struct HotkeySession: Sendable {
    /// Why the server's hot keys could not be read, in one line.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        /// One line.
        public let description: String

        init(_ description: String) { self.description = description }
    }

    /// The node.
    public let endpoint: Endpoint
    /// Its connection settings (the policy is replaced by ``CommandPolicy/hotkeySession``).
    public let configuration: ConnectionConfiguration
    /// How long a Redis session collects, in seconds (1 at least; the session's `DURATION`).
    public let seconds: Int
    /// The keys each ranking keeps (`COUNT`, 1–64).
    public var keys = 32
    /// Each key is tracked with probability 1/`sampleRatio` (`SAMPLE`; 1 tracks every access).
    public var sampleRatio = 1

    /// Creates a session of `seconds` on `endpoint`.
    public init(endpoint: Endpoint, configuration: ConnectionConfiguration, seconds: Double) {
        self.endpoint = endpoint
        var configuration = configuration
        configuration.policy = .hotkeySession
        configuration.clientName = "cachewatch-hotkeys"
        self.configuration = configuration
        self.seconds = max(1, Int(seconds.rounded(.up)))
    }

    /// What a run found, and whether it was a session someone else had started.
    public struct Outcome: Sendable {
        /// The hot keys.
        public var hotKeys: ServerHotKeys
        /// Whether the session read was already running (someone else's: left as it was).
        public var readOthersSession: Bool
    }

    /// Runs the session (or reads Valkey's window) and returns what the server measured.
    ///
    /// - Parameters:
    ///   - clock: paces the wait for the session's end.
    ///   - shouldStop: checked while a session collects: `true` reads it early.
    /// - Throws: ``Failure`` when the server has no `HOTKEYS`, refuses it, or has tracking off
    ///   (Valkey, with how to turn it on); connection errors as they come.
    public func run<C: Clock<Duration>>(
        clock: C = ContinuousClock(), shouldStop: @Sendable () -> Bool = { false }
    ) async throws -> Outcome {
        let connection = try await RedisConnection.connect(to: endpoint, configuration: configuration)
        do {
            let outcome = try await run(on: connection, clock: clock, shouldStop: shouldStop)
            await connection.close()
            return outcome
        } catch {
            await connection.close()
            throw error
        }
    }

    private func run<C: Clock<Duration>>(
        on connection: RedisConnection, clock: C, shouldStop: @Sendable () -> Bool
    ) async throws -> Outcome {
        let info = InfoSnapshot(parsing: try await connection.send(RESPCommand("INFO", "server")).stringValue ?? "")
        let server = "\(info.server.serverName == "valkey" ? "Valkey" : "Redis") \(info.server.version ?? "?")"
        guard let dialect = PollCapabilities.hotkeyDialect(info) else {
            throw Failure("\(endpoint) runs \(server): HOTKEYS needs Redis 8.6+ or Valkey 9.2+")
        }
        switch dialect {
        case .valkeyWindow: return Outcome(hotKeys: try await readWindow(on: connection), readOthersSession: false)
        case .redisSession: return try await collect(on: connection, clock: clock, shouldStop: shouldStop)
        }
    }

    /// Valkey: the last completed window, with its settings; tracking off is a failure that
    /// says how to turn it on.
    private func readWindow(on connection: RedisConnection) async throws -> ServerHotKeys {
        let settingsReply = try? await connection.send(
            RESPCommand(["CONFIG", "GET"] + ValkeyHotkeySettings.parameters))
        let settings = settingsReply.flatMap(ValkeyHotkeySettings.init(reply:))
        if let settings, !settings.isEnabled { throw Failure("\(endpoint): \(ValkeyHotkeySettings.enablingHint)") }
        let reply = try await send(RESPCommand("HOTKEYS", "GET"), on: connection)
        let info = try? await connection.send(RESPCommand("INFO", "hotkeys")).stringValue
        guard let hotKeys = ServerHotKeys(window: reply, info: info, settings: settings) else {
            throw Failure("\(endpoint): HOTKEYS GET answered in an unknown shape")
        }
        return hotKeys
    }

    /// Redis: starts a session (or finds one running), waits for its end, reads it; stops and
    /// resets only its own.
    private func collect<C: Clock<Duration>>(
        on connection: RedisConnection, clock: C, shouldStop: @Sendable () -> Bool
    ) async throws -> Outcome {
        let start = RESPCommand([
            "HOTKEYS", "START", "METRICS", "2", "CPU", "NET", "COUNT", String(min(64, max(1, keys))), "DURATION",
            String(seconds), "SAMPLE", String(max(1, sampleRatio)),
        ])
        var ours = true
        do {
            _ = try await connection.send(start)
        } catch let error as RedisServerError {
            let text = error.message.lowercased()
            if error.isRefusal { throw Failure("HOTKEYS START refused by \(endpoint) (it needs @admin): \(error)") }
            // A session in progress (someone else's): read it at our time, leave it running.
            guard text.contains("already") || text.contains("progress") else {
                throw Failure("HOTKEYS START failed on \(endpoint): \(error)")
            }
            ours = false
        }
        let end = clock.now.advanced(by: .seconds(seconds))
        while clock.now < end && !shouldStop() && !Task.isCancelled {
            try? await clock.sleep(for: min(clock.now.duration(to: end), .milliseconds(100)), tolerance: nil)
        }
        let reply = try await send(RESPCommand("HOTKEYS", "GET"), on: connection)
        if ours {
            _ = try? await connection.send(RESPCommand("HOTKEYS", "STOP"))
            _ = try? await connection.send(RESPCommand("HOTKEYS", "RESET"))
        }
        guard let report = HotkeysReport(reply: reply) else {
            throw Failure("\(endpoint): the HOTKEYS session had no result (reset by someone else?)")
        }
        var hotKeys = ServerHotKeys(session: report)
        if ours { hotKeys.isTracking = false }
        return Outcome(hotKeys: hotKeys, readOthersSession: !ours)
    }

    /// Sends `command`, a refusal turned into one line.
    private func send(_ command: RESPCommand, on connection: RedisConnection) async throws -> RESPValue {
        do {
            return try await connection.send(command)
        } catch let error as RedisServerError {
            let name = command.arguments.prefix(2).map { String(decoding: $0, as: UTF8.self) }.joined(separator: " ")
            throw Failure(
                error.refusal(of: name).map { "\(endpoint): \($0)" } ?? "\(name) failed on \(endpoint): \(error)")
        }
    }
}
