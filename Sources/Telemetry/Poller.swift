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
    /// What the server has and has refused: the poll plan follows it.
    private var capabilities = PollCapabilities()
    private var lastConnectCount = 0
    private var countedHandshakeCommands = 0
    /// Commands of the last poll sent after its `INFO`: the server ran them after it, so they
    /// belong to the next interval's count.
    private var commandsAfterLastInfo = 0
    private var commandLogTracker = CommandLogTracker()
    private var slotActivity = SlotActivity()
    /// The server's mean CPU of the commands we send on keys, from its latest `commandstats`.
    private var ownCommandMicroseconds = SlotActivity.defaultOwnCommandMicroseconds
    /// The key commands' totals at the `commandstats` the cost was last taken from.
    private var keyCommandTotals: (calls: Int64, microseconds: Int64)?
    /// Hot slots whose keys' names the next poll asks for (`CLUSTER GETKEYSINSLOT`), and when
    /// each slot was last asked.
    private var slotsToName: [Int] = []
    private var slotsNamedAt: [Int: Date] = [:]
    /// Polls so far: every ``commandStatsEvery``-th one reads `INFO everything`, the others the
    /// default sections only.
    private var polls = 0
    private let commandStatsEvery: Int
    private let ownTraffic: OwnTraffic?
    private let clock: any WallClock
    /// Valkey 9.2+'s hot-key settings as last read, when they were read, and whether
    /// `CONFIG GET` was refused (then `HOTKEYS GET` is read without them).
    private var hotkeySettings: ValkeyHotkeySettings?
    private var hotkeySettingsReadAt: Date?
    private var hotkeySettingsRefused = false

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
    ///   - clock: stamps each sample.
    public init(
        connection: ManagedConnection, slowlogCount: Int = 128, ownTraffic: OwnTraffic? = nil, node: String? = nil,
        commandStatsEvery: Int = 10, clock: any WallClock = .system
    ) {
        self.clock = clock
        self.commandStatsEvery = max(1, commandStatsEvery)
        self.connection = connection
        self.ownTraffic = ownTraffic
        self.node = node ?? connection.endpoint.description
        self.slowlogCount = max(1, slowlogCount)
    }

    /// Polls once.
    ///
    /// - Parameter time: the wall-clock time stamped on the sample (the poller's clock's now by
    ///   default); the sample's ``Sample/finished`` is that time plus how long the poll took.
    public func poll(at time: Date? = nil) async -> Sample {
        let time = time ?? clock.now
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
        let pacing = ContinuousClock()
        var next = pacing.now
        while !Task.isCancelled {
            let sample = await poll(at: clock.now)
            await deliver(sample)
            next += interval
            let now = pacing.now
            while next <= now { next += interval }
            do { try await pacing.sleep(until: next) } catch { return }
        }
    }

    private func read(at time: Date) async throws -> Reading {
        // The costly sections (commandstats: a line per command ever called; latencystats) at a
        // slower pace: `INFO` alone has everything the per-tick figures need.
        let everything = polls % commandStatsEvery == 0
        polls += 1
        var plan = PollPlan(
            capabilities: capabilities, everything: everything, slowlogCount: slowlogCount,
            slotRange: slotActivity.nextRange, hotSlots: slotsToName)
        addHotkeyRequests(to: &plan, everything: everything, at: time)
        slotsToName = []
        let replies = plan.replies(try await connection.pipeline(plan.commands))
        // Our error replies are not the application's (a refused part is asked once).
        let errors = replies.errors
        ownTraffic?.add(commands: 0, errors: errors.refused + errors.failed)
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
        // Refused commands never ran: the server did not count them.
        var sent =
            plan.requests.count - plan.countAfterInfo + commandsAfterLastInfo + handshake
            - countedHandshakeCommands - errors.refused
        commandsAfterLastInfo = plan.countAfterInfo
        countedHandshakeCommands = handshake

        var pingRTT: Duration?
        if let reply = replies[.ping] {
            switch reply.result {
            case .success: pingRTT = reply.latency
            case .failure(let error): capabilities.refused[.ping] = "PING refused: \(error)"
            }
        }
        let info = try await readInfo(plan, replies, everything: everything, sent: &sent)
        let slowlog = readSlowlog(plan, replies, runID: info?.server.runID)
        let commandLog = readCommandLog(plan, replies)
        if let info { capabilities.learn(from: info) }
        if let info, !info.commandStats.isEmpty { updateKeyCommandCost(info.commandStats) }
        let (hotSlots, slotKeys) = readSlotStats(plan, replies, at: time)
        let serverHotKeys = readHotkeys(plan, replies)

        var cluster: ClusterInfo?
        if plan.contains(.clusterInfo), let reply = replies[.clusterInfo] { cluster = readCluster(reply.result) }
        if let info, info.isClusterEnabled != capabilities.isCluster {
            capabilities.isCluster = info.isClusterEnabled
            // The first poll of a cluster node learns it here: ask at once rather than a tick late.
            if capabilities.isCluster, capabilities.asks(.cluster) {
                cluster = readCluster(try await connection.pipeline([PollRequest.clusterInfo.command])[0].result)
                commandsAfterLastInfo += 1
            }
        }

        var reading = Reading(
            info: info, slowlog: slowlog, pingRTT: pingRTT, unavailable: capabilities.refused, commandsSent: sent,
            isNewConnection: isNewConnection, ownTraffic: own, cluster: cluster)
        reading.commandLog = commandLog.sorted { $0.time < $1.time }
        reading.hotSlots = hotSlots
        reading.slotKeys = slotKeys
        reading.serverHotKeys = serverHotKeys
        return reading
    }

    /// How long Valkey's hot-key settings are trusted before they are read again: someone
    /// turning tracking on shows within a minute.
    static let hotkeySettingsLifetime: TimeInterval = 60

    /// The `HOTKEYS` reads of this poll. Valkey 9.2+: its settings once a minute, and while
    /// tracking is on (or the settings are unknown) the last window's keys and `INFO hotkeys`
    /// at every poll — a reply of at most `hotkeys-top-k` entries. Redis 8.6+: a session's
    /// result at the polls that read every section (a session is minutes long; reading it
    /// costs O(K)). Nothing once `HOTKEYS GET` was refused.
    private func addHotkeyRequests(to plan: inout PollPlan, everything: Bool, at time: Date) {
        guard capabilities.asks(.hotkeys), let dialect = capabilities.hotkeyDialect else { return }
        switch dialect {
        case .valkeyWindow:
            let due = hotkeySettingsReadAt.map {
                time.timeIntervalSince($0) >= Self.hotkeySettingsLifetime || $0 > time
            }
            if !hotkeySettingsRefused && (due ?? true) {
                plan.add(.hotkeysSettings)
                hotkeySettingsReadAt = time
            }
            if hotkeySettings?.isEnabled ?? true {
                plan.add(.hotkeys)
                plan.add(.hotkeysInfo)
            }
        case .redisSession:
            if everything { plan.add(.hotkeys) }
        }
    }

    /// The hot keys the server measured, when this poll asked (Valkey with tracking off: no
    /// keys, the settings that say so); `nil` when it did not ask or `HOTKEYS GET` was refused
    /// (noted, and not asked again).
    private func readHotkeys(_ plan: PollPlan, _ replies: PollReplies) -> ServerHotKeys? {
        if let reply = replies[.hotkeysSettings] {
            switch reply.result {
            case .success(let value): hotkeySettings = ValkeyHotkeySettings(reply: value)
            case .failure: hotkeySettingsRefused = true
            }
        }
        guard let dialect = capabilities.hotkeyDialect else { return nil }
        guard let reply = replies[.hotkeys] else {
            guard dialect == .valkeyWindow, let settings = hotkeySettings, !settings.isEnabled else { return nil }
            return ServerHotKeys(source: .valkeyWindow, entries: [], isTracking: false, settings: settings)
        }
        switch reply.result {
        case .success(let value):
            switch dialect {
            case .valkeyWindow:
                let info = replies[.hotkeysInfo].flatMap { try? $0.result.get().stringValue }
                return ServerHotKeys(window: value, info: info, settings: hotkeySettings)
            case .redisSession:
                // No session (a null reply): nothing measured, said as such.
                return HotkeysReport(reply: value).map(ServerHotKeys.init(session:))
                    ?? ServerHotKeys(source: .redisSession, entries: [], isTracking: false)
            }
        case .failure(let error):
            capabilities.refused[.hotkeys] = Self.refusal("HOTKEYS GET", error)
            return nil
        }
    }

    /// The commands we send on keys, as `commandstats` names them.
    static let keyCommandNames = [
        "type", "pttl", "memory|usage", "object|freq", "object|idletime", "strlen", "llen", "hlen", "scard",
        "zcard", "xlen",
    ]

    /// The server's mean microseconds per call of the commands we send on keys (its own and
    /// the application's calls alike: the same commands); `nil` before any was counted.
    static func keyCommandMicroseconds(_ stats: [String: CommandStat]) -> Double? {
        let totals = keyCommandTotals(stats)
        return totals.calls > 0 ? Double(totals.microseconds) / Double(totals.calls) : nil
    }

    /// The calls and microseconds of the commands we send on keys, summed.
    static func keyCommandTotals(_ stats: [String: CommandStat]) -> (calls: Int64, microseconds: Int64) {
        var (calls, microseconds): (Int64, Int64) = (0, 0)
        for name in keyCommandNames {
            guard let stat = stats[name] else { continue }
            calls += stat.calls
            microseconds += stat.microseconds
        }
        return (calls, microseconds)
    }

    /// The mean cost of our key commands lately: between the last two `commandstats` (1,000
    /// calls at least between them), else since the server started — a server under load times
    /// its commands slower, and a mean since start would lag behind.
    private func updateKeyCommandCost(_ stats: [String: CommandStat]) {
        let totals = Self.keyCommandTotals(stats)
        guard totals.calls > 0 else { return }
        if let previous = keyCommandTotals, totals.calls - previous.calls >= 1_000,
            totals.microseconds >= previous.microseconds
        {
            ownCommandMicroseconds =
                Double(totals.microseconds - previous.microseconds) / Double(totals.calls - previous.calls)
            keyCommandTotals = totals
        } else if keyCommandTotals == nil || totals.calls < (keyCommandTotals?.calls ?? 0) {
            // The first reading, or the counters started over (a restart, CONFIG RESETSTAT).
            ownCommandMicroseconds = Double(totals.microseconds) / Double(totals.calls)
            keyCommandTotals = totals
        }
    }

    /// The `INFO` reply parsed; an old server that does not know the section argument steps
    /// down to the next one in this same poll (each step counted in `sent`).
    private func readInfo(
        _ plan: PollPlan, _ replies: PollReplies, everything: Bool, sent: inout Int
    ) async throws
        -> InfoSnapshot?
    {
        guard let request = plan.requests.first(where: { $0.part == .info }), var reply = replies[request]?.result
        else { return nil }
        while everything, Self.isUnknownVariant(reply), capabilities.infoSections.count > 1 {
            capabilities.infoSections.removeFirst()
            let command = PollRequest.info(section: capabilities.infoSection).command
            reply = try await connection.pipeline([command])[0].result
            sent += 1
        }
        switch reply {
        case .success(let value): return value.stringValue.map(InfoSnapshot.init(parsing:))
        case .failure(let error):
            capabilities.refused[.info] = Self.refusal("INFO", error)
            return nil
        }
    }

    /// The slow-log entries new since the last poll.
    private func readSlowlog(_ plan: PollPlan, _ replies: PollReplies, runID: String?) -> SlowlogDelta? {
        guard let request = plan.requests.first(where: { $0.part == .slowlog }), let reply = replies[request] else {
            return nil
        }
        switch reply.result {
        case .success(let value):
            let entries = (value.elements ?? []).compactMap(SlowlogEntry.init(reply:))
            return slowlogTracker.newEntries(in: entries, runID: runID)
        case .failure(let error):
            capabilities.refused[.slowlog] = Self.refusal("SLOWLOG", error)
            return nil
        }
    }

    /// The command-log entries new since the last read, of both logs.
    private func readCommandLog(_ plan: PollPlan, _ replies: PollReplies) -> [CommandLogEntry] {
        var found: [CommandLogEntry] = []
        for request in plan.requests {
            guard case .commandLog(let kind, _) = request, let reply = replies[request] else { continue }
            capabilities.commandLogRead = true
            switch reply.result {
            case .success(let value):
                let entries = (value.elements ?? []).compactMap { CommandLogEntry(reply: $0, kind: kind) }
                found += commandLogTracker.newEntries(in: entries, of: kind)
            case .failure(let error): capabilities.refused[.commandLog] = Self.refusal("COMMANDLOG", error)
            }
        }
        return found
    }

    /// The page of slot statistics taken in (the ranking of hot slots), and the key names of the
    /// hot slots looked up.
    private func readSlotStats(
        _ plan: PollPlan, _ replies: PollReplies, at time: Date
    )
        -> (SlotActivity.Ranking?, [Int: [[UInt8]]])
    {
        var ranking: SlotActivity.Ranking?
        var slotKeys: [Int: [[UInt8]]] = [:]
        for request in plan.requests {
            guard let reply = replies[request] else { continue }
            switch request {
            case .slotStats(let range):
                switch reply.result {
                case .success(let value):
                    let entries = (value.elements ?? []).compactMap(SlotStatsEntry.init(reply:))
                    // Our own commands on these slots so far: read after the page, so the
                    // server counted every one of them (at most a few not yet run are ours
                    // twice, taken out of this interval rather than the next).
                    let slotWork = ownTraffic?.slotWork
                    slotWork?.startTracking()
                    slotActivity.record(
                        entries, for: range, at: time, own: slotWork?.counts(in: range) ?? [:],
                        ownCommandMicroseconds: ownCommandMicroseconds)
                    let ranked = slotActivity.ranking()
                    ranking = ranked
                    slotsToName = namesWanted(for: ranked, at: time)
                case .failure(let error): capabilities.refused[.slotStats] = Self.refusal("CLUSTER SLOT-STATS", error)
                }
            case .slotKeys(let slot, _):
                if case .success(let value) = reply.result {
                    slotKeys[slot] = (value.elements ?? []).compactMap(\.bytes)
                }
            default: continue
            }
        }
        return (ranking, slotKeys)
    }

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

    /// `CLUSTER INFO` parsed, or `nil` with the refusal noted.
    private func readCluster(_ reply: Result<RESPValue, RedisServerError>) -> ClusterInfo? {
        switch reply {
        case .success(let value): return value.stringValue.map(ClusterInfo.init(parsing:))
        case .failure(let error):
            capabilities.refused[.cluster] = Self.refusal("CLUSTER INFO", error)
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
