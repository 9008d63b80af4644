import Foundation
import RESP
import RedisClient

/// Walks the keyspace with a resumable `SCAN` cursor and reads each key's metadata in
/// pipelined batches: `TYPE`, `PTTL`, `MEMORY USAGE`, `OBJECT FREQ` (LFU policies) or
/// `OBJECT IDLETIME`, and — when they leave no footprint — lengths. Never `KEYS`, never a value.
///
/// A command the server refuses (ACL, unknown) is dropped for the rest of the run and reported
/// in ``unavailable``; keys that vanish between `SCAN` and their metadata are skipped.
public actor KeySampler {
    private let connection: ManagedConnection
    private let configuration: KeySamplerConfiguration
    private var cursor: [UInt8] = Array("0".utf8)
    private var lastConnectCount = 0
    private var noTouch = false
    private var objectMode: ObjectMode = .frequency
    /// Whether OBJECT was refused (ACL, renamed): not asked again whatever the policy.
    private var objectRefused = false
    /// When the eviction policy was last read (`nil`: never, or a new connection since).
    private var policyReadAt: ContinuousClock.Instant?
    private var memoryAllowed = true
    /// Parts the server refused, with the reason shown to the user.
    public private(set) var unavailable: [SamplerPart: String] = [:]
    /// Completed passes over the whole keyspace.
    public private(set) var completedPasses = 0
    /// Keys visited in the current pass (including vanished ones).
    public private(set) var visitedInPass = 0
    /// Commands sent so far.
    public private(set) var commandsSent = 0
    /// The `SCAN … COUNT` in use: adapted so that one SCAN costs the server about
    /// ``scanBudget`` (``KeySamplerConfiguration/scanCount`` is the ceiling).
    public private(set) var scanCount: Int
    /// What one `SCAN` may cost the server: well under the 1 ms that no command cachewatch
    /// sends should reach, since single calls vary around the mean measured.
    public static let scanBudget: Duration = .microseconds(400)
    private var scanTiming = ScanTiming()

    private enum ObjectMode { case frequency, idleTime, none }

    // Command words as bytes once, not per key.
    private static let typeWord = Array("TYPE".utf8), pttlWord = Array("PTTL".utf8)
    private static let memoryWord = Array("MEMORY".utf8), usageWord = Array("USAGE".utf8)
    private static let samplesWord = Array("SAMPLES".utf8), objectWord = Array("OBJECT".utf8)
    private static let freqWord = Array("FREQ".utf8), idleWord = Array("IDLETIME".utf8)
    private static let scanWord = Array("SCAN".utf8), countWord = Array("COUNT".utf8)
    private var scanInFlight: Task<RawReplies, any Error>?
    private var metadataInFlight: [Request] = []
    /// Whether the SCAN of this pass has come back to cursor 0 (metadata may still be on its way).
    private var passScanned = false
    private let ownTraffic: OwnTraffic?
    private let clock: any WallClock
    private var countedHandshakeCommands = 0

    /// Creates a sampler over a connection (its endpoint's database is the one scanned).
    ///
    /// - Parameters:
    ///   - ownTraffic: where to count the commands and key lookups sent, so that a poller of the
    ///     same server can leave them out of its rates and hit ratio.
    ///   - clock: stamps each batch's sending (keys' TTLs are read relative to it).
    public init(
        connection: ManagedConnection, configuration: KeySamplerConfiguration = KeySamplerConfiguration(),
        ownTraffic: OwnTraffic? = nil, clock: any WallClock = .system
    ) {
        self.connection = connection
        self.clock = clock
        self.ownTraffic = ownTraffic
        self.configuration = configuration
        objectMode = configuration.object == .never ? .none : .frequency
        scanCount = min(configuration.scanCount, 200)
    }

    /// Whether lengths are being read.
    public var readsLengths: Bool {
        switch configuration.lengths {
        case .always: return true
        case .never: return false
        case .auto: return noTouch
        }
    }

    /// Scans one `SCAN` page and reads its keys' metadata.
    ///
    /// Requests overlap: each `SCAN` goes out on its own, ahead of the metadata of the page
    /// before it, and up to ``KeySamplerConfiguration/pipelineDepth`` metadata requests are on
    /// their way while a page's replies are turned into ``KeyMetadata`` — the server always has
    /// the next request queued, and the client's work runs beside it.
    ///
    /// - Returns: the keys that still exist, and whether this batch finished a pass.
    public func nextBatch() async throws -> (keys: [KeyMetadata], finishedPass: Bool) {
        try await prepareConnection()
        do {
            return try await advance()
        } catch {
            // What was in flight is lost with the connection: go on from the last cursor read.
            scanInFlight = nil
            metadataInFlight.removeAll()
            passScanned = false
            throw error
        }
    }

    private func advance() async throws -> (keys: [KeyMetadata], finishedPass: Bool) {
        if scanInFlight == nil && metadataInFlight.isEmpty && !passScanned {
            // A pass starts by asking which access data the server keeps (at most once a minute:
            // the policy seldom changes, and a small keyspace's passes are short).
            if cursor == Self.cursorStart,
                policyReadAt.map({ ContinuousClock.now - $0 >= configuration.policyRecheck }) ?? true
            {
                try await readPolicy()
                policyReadAt = .now
            }
            scanInFlight = launchScan()
        }
        while metadataInFlight.count < configuration.pipelineDepth, let scan = scanInFlight {
            scanInFlight = nil
            let replies = try await scan.value
            var reader = RawReplyReader(replies, endpoint: connection.endpoint.description)
            let page = try reader.scanPage()
            scanTiming.scans += 1
            try await adaptScanCount()
            cursor = page.cursor
            visitedInPass += page.names.count
            // The next SCAN first, then this page's metadata: the server reads them in that order.
            if page.cursor != Self.cursorStart { scanInFlight = launchScan() } else { passScanned = true }
            if !page.names.isEmpty { metadataInFlight.append(launchMetadata(names: page.names)) }
        }
        var keys: [KeyMetadata] = []
        if !metadataInFlight.isEmpty {
            let request = metadataInFlight.removeFirst()
            let replies: RawReplies
            do {
                replies = try await request.task.value
            } catch {
                // No replies to read: the misses expected as sent are not known to be ours.
                ownTraffic?.cancelMisses(Dictionary(request.names.map { ($0, 2) }, uniquingKeysWith: +))
                throw error
            }
            var reader = RawReplyReader(replies, endpoint: connection.endpoint.description)
            // Date the TTLs by the middle of the round trip: the server read them in between.
            let observedAt = request.sentAt.addingTimeInterval(replies.latency.secondsDouble / 2)
            keys = try parse(names: request.names, reader: &reader, layout: request.layout, observedAt: observedAt)
            if readsLengths { try await readLengths(into: &keys) }
        }
        let finishedPass = passScanned && scanInFlight == nil && metadataInFlight.isEmpty
        if finishedPass {
            passScanned = false
            completedPasses += 1
            visitedInPass = 0
        }
        return (keys, finishedPass)
    }

    private static let cursorStart = Array("0".utf8)

    /// What `INFO commandstats` said of SCAN at the last measurement.
    private struct ScanTiming {
        var scans = 0
        var calls: Int64?
        var microseconds: Int64 = 0
        var disabled = false
    }

    /// Every 16 SCANs, reads the server's own account of SCAN's cost
    /// (`INFO commandstats`: calls and microseconds, about 20 µs to produce) and scales COUNT so
    /// that the mean call costs ``scanBudget``: up at most ×2 a step, down at once.
    private func adaptScanCount() async throws {
        guard !scanTiming.disabled, scanTiming.calls == nil || scanTiming.scans >= 16 else { return }
        commandsSent += 1
        ownTraffic?.add(commands: 1)
        let reply = try await connection.pipeline([RESPCommand("INFO", "commandstats")])
        if case .failure(let error)? = reply.first?.result { ownTraffic?.add(errorReply: error) }
        guard let text = reply.first?.value.stringValue,
            let stat = InfoSnapshot(parsing: text).commandStats["scan"]
        else {
            // INFO refused (ACL) or silent: no measure, so a COUNT that is cheap on any keyspace.
            scanTiming.disabled = true
            scanCount = min(configuration.scanCount, 100)
            return
        }
        defer {
            scanTiming.calls = stat.calls
            scanTiming.microseconds = stat.microseconds
            scanTiming.scans = 0
        }
        guard let calls = scanTiming.calls, stat.calls > calls, stat.microseconds >= scanTiming.microseconds else {
            return
        }
        let mean = Double(stat.microseconds - scanTiming.microseconds) / Double(stat.calls - calls)
        let budget = Double(Self.scanBudget.components.attoseconds) / 1e12
        let factor = min(2, budget / max(1, mean))
        scanCount = max(10, min(configuration.scanCount, Int(Double(scanCount) * factor)))
    }

    /// What one request asked for, so its replies can be read back.
    private struct Layout {
        let memory: Bool
        let object: ObjectMode
        var perKey: Int { 2 + (memory ? 1 : 0) + (object == .none ? 0 : 1) }
    }

    private struct Request {
        let names: [[UInt8]]
        let layout: Layout
        let sentAt: Date
        let task: Task<RawReplies, any Error>
    }

    /// Sends `SCAN` from the current cursor, on its own.
    private func launchScan() -> Task<RawReplies, any Error> {
        let layout = Layout(memory: memoryAllowed, object: objectMode)
        let count = min(scanCount, max(1, configuration.commandsPerPipeline / layout.perKey))
        var batch = CommandBatch(reservingCapacity: 64)
        batch.append(words: [Self.scanWord, cursor, Self.countWord, Array(String(count).utf8)], hasSubcommand: false)
        commandsSent += 1
        // Counted as it is sent, not when its reply is read: a poll of the same server between
        // the two would see the server's count ahead of ours (a spike in ops/s).
        ownTraffic?.add(commands: 1)
        let connection = connection
        return Task { try await connection.pipeline(batch, timeout: .seconds(30)) }
    }

    /// Sends the metadata commands for `names`.
    private func launchMetadata(names: [[UInt8]]) -> Request {
        let layout = Layout(memory: memoryAllowed, object: objectMode)
        var batch = CommandBatch(reservingCapacity: names.reduce(0) { $0 + ($1.count + 40) * layout.perKey })
        let samples = Array(String(configuration.memorySamples).utf8)
        let slotWork = ownTraffic?.slotWork.isTracking == true ? ownTraffic?.slotWork : nil
        var work: [(key: [UInt8], commands: Int, bytes: Int)] = []
        for name in names {
            let (commandsBefore, bytesBefore) = (batch.count, batch.bytes.count)
            defer {
                if slotWork != nil {
                    work.append((name, batch.count - commandsBefore, batch.bytes.count - bytesBefore))
                }
            }
            batch.append(Self.typeWord, key: name)
            batch.append(Self.pttlWord, key: name)
            if layout.memory {
                batch.append(
                    words: [Self.memoryWord, Self.usageWord, name, Self.samplesWord, samples], hasSubcommand: true)
            }
            switch layout.object {
            case .frequency: batch.append(Self.objectWord, Self.freqWord, key: name)
            case .idleTime: batch.append(Self.objectWord, Self.idleWord, key: name)
            case .none: break
            }
        }
        commandsSent += batch.count
        ownTraffic?.add(commands: batch.count)  // as it is sent; the lookups' hits and misses when read
        slotWork?.add(work)
        // TYPE and PTTL each publish a keymiss if the key is gone: expected before they are sent.
        ownTraffic?.expectMisses(Dictionary(names.map { ($0, 2) }, uniquingKeysWith: +))
        let connection = connection
        let task = Task { try await connection.pipeline(batch, timeout: .seconds(30)) }
        return Request(names: names, layout: layout, sentAt: clock.now, task: task)
    }

    /// Closes the sampler's connection (a later batch would open it again).
    public func close() async { await connection.close() }

    /// Samples continuously at `keysPerSecond` (the configuration's, else 100) until the task is
    /// cancelled, handing each batch to `deliver`. Failures wait a second and retry (the
    /// connection reconnects with backoff).
    public func run(deliver: @Sendable ([KeyMetadata], Bool, [SamplerPart: String]) async -> Void) async {
        let clock = ContinuousClock()
        let rate = Double(configuration.keysPerSecond ?? 100)
        while !Task.isCancelled {
            let started = clock.now
            do {
                let batch = try await nextBatch()
                unavailable[.scan] = nil
                await deliver(batch.keys, batch.finishedPass, unavailable)
                // Pace by the batch size asked for, not the keys found: a small or empty keyspace
                // must not turn into a tight SCAN loop.
                let keys = max(batch.keys.count, scanCount)
                let budget = Duration.milliseconds(Int64(Double(keys) / rate * 1000))
                try await clock.sleep(until: started + budget)
            } catch is CancellationError {
                return
            } catch {
                guard let refusal = (error as? RedisServerError)?.refusal(of: "SCAN/TYPE/PTTL") else {
                    try? await clock.sleep(until: clock.now + .seconds(1))
                    continue
                }
                // Refused (an ACL without SCAN, a renamed command): said once as the sampler's
                // state, so a view shows why it has no keys, and asked again now and then.
                unavailable[.scan] = "key sampling off: \(refusal)"
                await deliver([], false, unavailable)
                try? await clock.sleep(until: clock.now + Self.refusalRecheck)
            }
        }
    }

    /// How long a refused sampler waits before it asks again (the ACL may have changed).
    public static let refusalRecheck: Duration = .seconds(30)

    private func prepareConnection() async throws {
        let count = await connection.connectCount
        guard count != lastConnectCount || lastConnectCount == 0 else { return }
        // The handshake's commands count on the server too: the connection's owner counts them
        // as our own traffic before they are written (ManagedConnection's onHandshake), and the
        // NO-TOUCH is counted before it is sent, so that a poll in between sees no traffic of
        // ours that it cannot account for.
        try await connection.connect()
        let handshake = await connection.handshakeCommands
        commandsSent += handshake - countedHandshakeCommands
        countedHandshakeCommands = handshake
        // A new connection: ask for NO-TOUCH (Redis 7.2+, Valkey) so that reading keys leaves
        // LRU/LFU alone — only where the server has it: an older one would count the refusal
        // among its error replies.
        if Self.hasNoTouch(await connection.hello) {
            commandsSent += 1
            ownTraffic?.add(commands: 1)
            let reply = try await connection.pipeline([RESPCommand("CLIENT", "NO-TOUCH", "ON")])
            noTouch = reply.first?.value.errorMessage == nil
            if case .failure(let error)? = reply.first?.result { ownTraffic?.add(errorReply: error) }
        } else {
            noTouch = false
        }
        lastConnectCount = await connection.connectCount
        policyReadAt = nil  // another server, maybe: read its policy again
        if !noTouch && configuration.lengths == .auto {
            unavailable[.lengths] =
                "element counts off: this server has no CLIENT NO-TOUCH (Redis 7.2+), and length commands would refresh LRU/LFU data"
        } else {
            unavailable[.lengths] = nil
        }
    }

    /// Whether the server the handshake describes has `CLIENT NO-TOUCH`: Valkey (7.2 on) and
    /// Redis 7.2 on; unknown servers are asked (a refusal is then counted as ours).
    static func hasNoTouch(_ hello: ServerHello?) -> Bool {
        guard let hello, let version = hello.version else { return true }
        if hello.server?.lowercased() == "valkey" { return true }
        let parts = version.split(separator: ".").compactMap { Int($0) }
        guard parts.count >= 2 else { return true }
        return parts[0] > 7 || (parts[0] == 7 && parts[1] >= 2)
    }

    private func parse(
        names: [[UInt8]], reader: inout RawReplyReader, layout: Layout, observedAt: Date
    ) throws -> [KeyMetadata] {
        var keys: [KeyMetadata] = []
        keys.reserveCapacity(names.count)
        var objectFailed: RedisServerError?
        var hits = 0
        var misses = 0
        // The expected keymiss events (two per key, noted as sent) of lookups that found their key.
        var found: [[UInt8]: Int] = [:]
        defer {
            ownTraffic?.add(commands: 0, hits: hits, misses: misses)
            ownTraffic?.cancelMisses(found)
        }
        for name in names {
            // TYPE, PTTL and OBJECT are lookups the server counts (MEMORY USAGE is not).
            let type = try reader.typeName()
            let ttlReply = try reader.next()
            let memoryReply = layout.memory ? try reader.next() : nil
            let objectReply = layout.object != .none ? try reader.next() : nil
            // A refused OBJECT never ran; one refused for the policy (FREQ without LFU) looked first.
            var lookups = 2
            if let objectReply, !Self.isRefusal(objectReply) { lookups = 3 }
            guard let type else {  // vanished: TYPE's and PTTL's keymiss events are ours
                misses += lookups
                continue
            }
            var key = KeyMetadata(name: name, type: type)
            key.observedAt = observedAt
            if case .integer(let ttl) = ttlReply {
                if ttl == -2 {  // expired in between: TYPE found it, the lookups after did not
                    hits += 1
                    misses += lookups - 1
                    found[name, default: 0] += 1  // TYPE's lookup found it
                    continue
                }
                key.ttlMilliseconds = ttl >= 0 ? ttl : nil
            }
            hits += lookups
            found[name, default: 0] += 2
            switch memoryReply {
            case .integer(let bytes): key.memoryBytes = bytes
            case .error(let error):
                ownTraffic?.add(errorReply: error)
                refuseMemory(error)
            default: break
            }
            switch objectReply {
            case .integer(let value):
                if layout.object == .frequency { key.frequency = value } else { key.idleSeconds = value }
            case .error(let error):
                ownTraffic?.add(errorReply: error)
                objectFailed = error
            default: break
            }
            keys.append(key)
        }
        // A request launched before an earlier refusal was handled fails the same way: ignore it.
        if let objectFailed, layout.object == objectMode { refuseObject(objectFailed) }
        return keys
    }

    private func readLengths(into keys: inout [KeyMetadata]) async throws {
        let lengthCommand = [
            "string": "STRLEN", "list": "LLEN", "hash": "HLEN", "set": "SCARD", "zset": "ZCARD",
            "stream": "XLEN",
        ]
        let indices = keys.indices.filter { lengthCommand[keys[$0].type] != nil }
        guard !indices.isEmpty else { return }
        let commands = indices.map { index in
            RESPCommand(bytes: [Array((lengthCommand[keys[index].type] ?? "STRLEN").utf8), keys[index].name])
        }
        commandsSent += commands.count
        ownTraffic?.add(commands: commands.count)
        if let slotWork = ownTraffic?.slotWork, slotWork.isTracking {
            slotWork.add(commands.map { ($0.arguments[1], 1, $0.encodedLength) })
        }
        // Each length command is a lookup: a key deleted since its TYPE publishes a keymiss.
        let expected = Dictionary(indices.map { (keys[$0].name, 1) }, uniquingKeysWith: +)
        ownTraffic?.expectMisses(expected)
        let replies: [PipelineReply]
        do {
            replies = try await connection.pipeline(commands, timeout: .seconds(10))
        } catch {
            ownTraffic?.cancelMisses(expected)
            throw error
        }
        var (hits, misses, errors) = (0, 0, 0)
        var found: [[UInt8]: Int] = [:]
        for (index, reply) in zip(indices, replies) {
            let name = keys[index].name
            switch reply.result {
            case .success(let value):
                // A collection is never empty, so 0 is a key gone since TYPE (its keymiss owed).
                // A string of 0 bytes may be an empty value too, but keys deleted as they are
                // read are far more common than empty values: 0 is taken as gone, and an empty
                // string's expectation (no event comes) is forgotten with the oldest notes.
                guard let length = value.intValue, length > 0 else {
                    misses += 1
                    if keys[index].type == "string" { keys[index].length = 0 }
                    continue
                }
                hits += 1
                found[name, default: 0] += 1
                keys[index].length = length
            case .failure(let error):
                // A refusal never ran (no lookup); WRONGTYPE found the key, replaced by another
                // type since TYPE — a hit, and an error reply the server counts.
                found[name, default: 0] += 1
                if error.isRefusal {
                    ownTraffic?.refused(1)
                } else {
                    hits += 1
                    errors += 1
                }
            }
        }
        ownTraffic?.add(commands: 0, hits: hits, misses: misses, errors: errors)
        ownTraffic?.cancelMisses(found)
    }

    /// Whether the server refused to run the command at all (ACL, unknown command).
    private static func isRefusal(_ reply: RawReplyReader.Reply) -> Bool {
        guard case .error(let error) = reply else { return false }
        return error.isRefusal
    }

    private func refuseMemory(_ error: RedisServerError) {
        guard memoryAllowed else { return }
        memoryAllowed = false
        unavailable[.memory] = "MEMORY USAGE refused (\(error)): key sizes unknown"
    }

    /// Reads the eviction policy (`INFO memory`'s `maxmemory_policy`): `OBJECT FREQ` is sent only
    /// under an LFU policy, where the server keeps the counter — elsewhere every call would be an
    /// error the server counts (`total_error_replies`, the `errorstats` teams alert on) — and
    /// `OBJECT IDLETIME` elsewhere only when asked for (`--object always`). A policy that cannot
    /// be read sends neither.
    private func readPolicy() async throws {
        guard configuration.object != .never, !objectRefused else {
            objectMode = .none
            return
        }
        commandsSent += 1
        ownTraffic?.add(commands: 1)
        let reply = try await connection.pipeline([RESPCommand("INFO", "memory")]).first?.result
        guard case .success(let info)? = reply, let text = info.stringValue,
            let policy = text.split(whereSeparator: \.isNewline).first(where: { $0.hasPrefix("maxmemory_policy:") })
        else {
            if case .failure(let error)? = reply { ownTraffic?.add(errorReply: error) }
            objectMode = .none
            return
        }
        let isLFU = policy.hasSuffix("lfu") || policy.contains("-lfu")
        objectMode = isLFU ? .frequency : configuration.object == .always ? .idleTime : .none
    }

    private func refuseObject(_ error: RedisServerError) {
        guard objectMode != .none else { return }
        if objectMode == .frequency && !error.isPermissionDenied && !error.isUnknownCommand {
            // Not an LFU policy: idle time is what the server tracks, read only when asked for.
            objectMode = configuration.object == .always ? .idleTime : .none
            return
        }
        objectMode = .none
        objectRefused = true
        unavailable[.object] = "OBJECT refused (\(error)): access frequency and idle time unknown"
    }
}
