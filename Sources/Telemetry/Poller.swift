import Foundation
import RESP
import RedisClient

/// Polls one node: every call to ``poll(at:)`` is one pipelined round trip of `PING`,
/// `INFO everything` and `SLOWLOG GET` (and `CLUSTER INFO` on a node in cluster mode, with a
/// page of `CLUSTER SLOT-STATS` where the server has it — see ``SlotActivity``), turned into a
/// ``Sample``.
///
/// A part the server refuses (ACL `NOPERM`, a renamed or unknown command) is marked
/// unavailable with its reason and no longer sent; the other parts go on. An `INFO` variant the
/// server does not know (`everything` before Redis 7, `all` on very old servers) falls back to the
/// next one.
public actor Poller {
    /// The node, as printed.
    public nonisolated let node: String
    private let connection: ManagedConnection
    private let slowlogCount: Int
    private var slowlogTracker = SlowlogTracker()
    private var infoVariants: [String?] = ["everything", "all", nil]
    private var refused: [PollPart: String] = [:]
    private var lastConnectCount = 0
    private var countedHandshakeCommands = 0
    /// Commands of the last poll sent after its `INFO`: the server ran them after it, so they
    /// belong to the next interval's count.
    private var commandsAfterLastInfo = 0
    /// Set by an INFO that says `cluster_enabled:1`: later polls add `CLUSTER INFO`.
    private var isCluster = false
    /// Set by an INFO of Valkey 8.1+: polls that read `INFO everything` also read the large
    /// requests and replies of `COMMANDLOG` (the first of them at once).
    private var hasCommandLog = false
    private var commandLogRead = false
    private var commandLogTracker = CommandLogTracker()
    /// Set by an INFO of Redis 8.2+ or Valkey 8.0+: cluster polls add a page of
    /// `CLUSTER SLOT-STATS`.
    private var hasSlotStats = false
    private var slotActivity = SlotActivity()
    /// Hot slots whose keys' names the next poll asks for (`CLUSTER GETKEYSINSLOT`), and when
    /// each slot was last asked.
    private var slotsToName: [Int] = []
    private var slotsNamedAt: [Int: Date] = [:]
    /// Polls so far: every ``commandStatsEvery``-th one reads `INFO everything`, the others the
    /// default sections only.
    private var polls = 0
    private let commandStatsEvery: Int
    private let ownTraffic: OwnTraffic?

    /// Creates a poller over a managed (self-reconnecting) connection.
    ///
    /// - Parameters:
    ///   - slowlogCount: how many newest entries each `SLOWLOG GET` asks for (128 = Redis's
    ///     default `slowlog-max-len`).
    ///   - ownTraffic: the load of cachewatch's other connections to this server (the key
    ///     sampler), read at each poll so that rates can leave it out.
    ///   - node: the name samples carry; the endpoint's `host:port` by default.
    ///   - commandStatsEvery: every how many polls `INFO everything` (with `commandstats` and
    ///     `latencystats`) is read; the others read `INFO`'s default sections, about half the cost.
    public init(
        connection: ManagedConnection, slowlogCount: Int = 128, ownTraffic: OwnTraffic? = nil, node: String? = nil,
        commandStatsEvery: Int = 10
    ) {
        self.commandStatsEvery = max(1, commandStatsEvery)
        self.connection = connection
        self.ownTraffic = ownTraffic
        self.node = node ?? connection.endpoint.description
        self.slowlogCount = max(1, slowlogCount)
    }

    /// Polls once.
    ///
    /// - Parameter time: the wall-clock time stamped on the sample (injected by tests); the
    ///   sample's ``Sample/finished`` is that time plus how long the poll took.
    public func poll(at time: Date = Date()) async -> Sample {
        let started = ContinuousClock.now
        func finished() -> Date { time.addingTimeInterval((ContinuousClock.now - started).secondsDouble) }
        do {
            let reading = try await read(at: time)
            return Sample(node: node, time: time, outcome: .reading(reading), finished: finished())
        } catch {
            return Sample(node: node, time: time, outcome: .failure(Self.failure(from: error)), finished: finished())
        }
    }

    /// Polls at every multiple of `interval` (by the continuous clock) until the task is
    /// cancelled, handing each sample to `deliver`. A poll that overruns skips the ticks it
    /// missed instead of bunching them up.
    public func run(every interval: Duration, deliver: @Sendable (Sample) async -> Void) async {
        let clock = ContinuousClock()
        var next = clock.now
        while !Task.isCancelled {
            let sample = await poll(at: Date())
            await deliver(sample)
            next += interval
            let now = clock.now
            while next <= now { next += interval }
            do { try await clock.sleep(until: next) } catch { return }
        }
    }

    private func read(at time: Date) async throws -> Reading {
        var commands = [RESPCommand("PING")]
        let infoIndex = commands.count
        // The costly sections (commandstats: a line per command ever called; latencystats) at a
        // slower pace: `INFO` alone has everything the per-tick figures need.
        let readsEverything = polls % commandStatsEvery == 0
        polls += 1
        let infoVariant = readsEverything ? infoVariants.first ?? nil : nil
        let sendsInfo = refused[.info] == nil
        if sendsInfo { commands.append(infoVariant.map { RESPCommand("INFO", $0) } ?? RESPCommand("INFO")) }
        let slowlogIndex = commands.count
        if refused[.slowlog] == nil { commands.append(RESPCommand("SLOWLOG", "GET", String(slowlogCount))) }
        let clusterIndex = commands.count
        let asksCluster = isCluster && refused[.cluster] == nil
        if asksCluster { commands.append(RESPCommand("CLUSTER", "INFO")) }
        let commandLogIndex = commands.count
        let asksCommandLog = hasCommandLog && refused[.commandLog] == nil && (readsEverything || !commandLogRead)
        if asksCommandLog {
            for kind in CommandLogEntry.Kind.allCases {
                commands.append(RESPCommand("COMMANDLOG", "GET", String(Self.commandLogCount), kind.rawValue))
            }
        }

        let slotStatsIndex = commands.count
        let slotRange = slotActivity.nextRange
        let asksSlotStats = isCluster && hasSlotStats && refused[.slotStats] == nil
        if asksSlotStats {
            commands.append(
                RESPCommand(
                    "CLUSTER", "SLOT-STATS", "SLOTSRANGE", String(slotRange.lowerBound), String(slotRange.upperBound)))
        }
        let slotNamesIndex = commands.count
        let namedSlots = asksSlotStats ? slotsToName : []
        slotsToName = []
        for slot in namedSlots {
            commands.append(RESPCommand("CLUSTER", "GETKEYSINSLOT", String(slot), String(Self.keysPerHotSlot)))
        }

        let replies = try await connection.pipeline(commands)
        // Read when INFO has run: the sampler's replies counted so far ran before it (roughly).
        let own = ownTraffic?.current
        let connectCount = await connection.connectCount
        let isNewConnection = connectCount != lastConnectCount
        lastConnectCount = connectCount
        // A handshake since the last poll (HELLO, PING…) is our traffic too.
        let handshake = await connection.handshakeCommands
        // The server counts a command in the interval it ran in: this poll's up to its INFO ran
        // in this one, with the last poll's after its INFO; this poll's after INFO (SLOWLOG,
        // COMMANDLOG, slot stats — not every poll sends the same) go to the next.
        let afterInfo = sendsInfo ? commands.count - infoIndex - 1 : 0
        var sent = commands.count - afterInfo + commandsAfterLastInfo + handshake - countedHandshakeCommands
        commandsAfterLastInfo = afterInfo
        countedHandshakeCommands = handshake

        var pingRTT: Duration?
        switch replies[0].result {
        case .success: pingRTT = replies[0].latency
        case .failure(let error): refused[.ping] = "PING refused: \(error)"
        }

        var info: InfoSnapshot?
        if refused[.info] == nil {
            var reply = replies[infoIndex].result
            // Step down through INFO variants the server does not know, in this same poll.
            while readsEverything, Self.isUnknownVariant(reply), infoVariants.count > 1 {
                infoVariants.removeFirst()
                let command = infoVariants[0].map { RESPCommand("INFO", $0) } ?? RESPCommand("INFO")
                reply = try await connection.pipeline([command])[0].result
                sent += 1
            }
            switch reply {
            case .success(let value): info = value.stringValue.map(InfoSnapshot.init(parsing:))
            case .failure(let error): refused[.info] = Self.refusal("INFO", error)
            }
        }

        var slowlog: SlowlogDelta?
        if refused[.slowlog] == nil {
            switch replies[slowlogIndex].result {
            case .success(let value):
                let entries = (value.elements ?? []).compactMap(SlowlogEntry.init(reply:))
                slowlog = slowlogTracker.newEntries(in: entries, runID: info?.server.runID)
            case .failure(let error): refused[.slowlog] = Self.refusal("SLOWLOG", error)
            }
        }

        var commandLog: [CommandLogEntry] = []
        if asksCommandLog {
            commandLogRead = true
            for (offset, kind) in CommandLogEntry.Kind.allCases.enumerated() {
                switch replies[commandLogIndex + offset].result {
                case .success(let value):
                    let entries = (value.elements ?? []).compactMap { CommandLogEntry(reply: $0, kind: kind) }
                    commandLog += commandLogTracker.newEntries(in: entries, of: kind)
                case .failure(let error): refused[.commandLog] = Self.refusal("COMMANDLOG", error)
                }
            }
        }
        if let info {
            hasCommandLog = Self.hasCommandLog(info)
            hasSlotStats = Self.hasSlotStats(info)
        }

        var hotSlots: SlotActivity.Ranking?
        var slotKeys: [Int: [[UInt8]]] = [:]
        if asksSlotStats {
            switch replies[slotStatsIndex].result {
            case .success(let value):
                let entries = (value.elements ?? []).compactMap(SlotStatsEntry.init(reply:))
                slotActivity.record(entries, for: slotRange, at: time)
                let ranking = slotActivity.ranking()
                hotSlots = ranking
                slotsToName = namesWanted(for: ranking, at: time)
            case .failure(let error): refused[.slotStats] = Self.refusal("CLUSTER SLOT-STATS", error)
            }
            for (offset, slot) in namedSlots.enumerated() {
                if case .success(let value) = replies[slotNamesIndex + offset].result {
                    slotKeys[slot] = (value.elements ?? []).compactMap(\.bytes)
                }
            }
        }

        var cluster: ClusterInfo?
        if asksCluster { cluster = readCluster(replies[clusterIndex].result) }
        if let info, info.isClusterEnabled != isCluster {
            isCluster = info.isClusterEnabled
            // The first poll of a cluster node learns it here: ask at once rather than a tick late.
            if isCluster, refused[.cluster] == nil {
                cluster = readCluster(try await connection.pipeline([RESPCommand("CLUSTER", "INFO")])[0].result)
                commandsAfterLastInfo += 1
            }
        }

        var reading = Reading(
            info: info, slowlog: slowlog, pingRTT: pingRTT, unavailable: refused, commandsSent: sent,
            isNewConnection: isNewConnection, ownTraffic: own, cluster: cluster)
        reading.commandLog = commandLog.sorted { $0.time < $1.time }
        reading.hotSlots = hotSlots
        reading.slotKeys = slotKeys
        return reading
    }

    /// Keys whose names `CLUSTER GETKEYSINSLOT` asks for per hot slot: every key of a slot of
    /// a million-key cluster (about 61 per slot), at a cost of a few microseconds.
    static let keysPerHotSlot = 128

    /// How many of the hottest slots have their namespaces looked up.
    static let namedSlotCount = 5

    /// How long a slot's namespaces are held before they are looked up again.
    static let slotNamesLifetime: TimeInterval = 300

    /// The hottest slots (by CPU where kept, else by keys) whose keys were not looked up in the
    /// last ``slotNamesLifetime``.
    private func namesWanted(for ranking: SlotActivity.Ranking, at time: Date) -> [Int] {
        let hottest = ranking.slots.filter { ranking.keepsTraffic ? ($0.cpuMicrosecondsPerSecond ?? 0) > 0 : true }
            .prefix(Self.namedSlotCount).map(\.slot)
        let wanted = hottest.filter { slot in
            slotsNamedAt[slot].map { time.timeIntervalSince($0) > Self.slotNamesLifetime } ?? true
        }
        for slot in wanted { slotsNamedAt[slot] = time }
        if slotsNamedAt.count > 4 * Self.namedSlotCount {
            slotsNamedAt = slotsNamedAt.filter { time.timeIntervalSince($0.value) <= Self.slotNamesLifetime }
        }
        return wanted
    }

    /// Whether the server has `CLUSTER SLOT-STATS` (Redis 8.2+, Valkey 8.0+).
    static func hasSlotStats(_ info: InfoSnapshot) -> Bool {
        let release = KeyEventKind.release(of: info.server.version)
        return info.server.serverName.lowercased() == "valkey" ? release >= (8, 0) : release >= (8, 2)
    }

    /// Entries asked of each `COMMANDLOG` (Valkey keeps 128 by default; the tracker reports
    /// each once).
    static let commandLogCount = 32

    /// Whether the server has `COMMANDLOG` (Valkey 8.1+).
    static func hasCommandLog(_ info: InfoSnapshot) -> Bool {
        guard info.server.serverName.lowercased() == "valkey" else { return false }
        return KeyEventKind.release(of: info.server.version) >= (8, 1)
    }

    /// `CLUSTER INFO` parsed, or `nil` with the refusal noted.
    private func readCluster(_ reply: Result<RESPValue, RedisServerError>) -> ClusterInfo? {
        switch reply {
        case .success(let value): return value.stringValue.map(ClusterInfo.init(parsing:))
        case .failure(let error):
            refused[.cluster] = Self.refusal("CLUSTER INFO", error)
            return nil
        }
    }

    /// An empty reply (old servers answer unknown sections with nothing) or a syntax error.
    private static func isUnknownVariant(_ reply: Result<RESPValue, RedisServerError>) -> Bool {
        switch reply {
        case .success(let value): return (value.stringValue ?? "").isEmpty
        case .failure(let error): return !error.isPermissionDenied && !error.isUnknownCommand
        }
    }

    private static func refusal(_ command: String, _ error: RedisServerError) -> String {
        error.refusal(of: command) ?? "\(command) failed: \(error)"
    }

    /// The failure a poll reports for `error` (a connection, protocol or server error).
    public static func failure(from error: any Error) -> PollFailure {
        switch error {
        case let connection as RedisConnectionError:
            if connection.isAuthentication {
                return PollFailure(kind: .authentication, message: connection.description)
            }
            return PollFailure(kind: connection.isTimeout ? .timeout : .connection, message: connection.description)
        case let wire as RedisProtocolError:
            return PollFailure(kind: .protocolError, message: wire.description)
        case let server as RedisServerError:
            return PollFailure(kind: .protocolError, message: "unexpected server error: \(server)")
        default:
            return PollFailure(kind: .connection, message: String(describing: error))
        }
    }
}
