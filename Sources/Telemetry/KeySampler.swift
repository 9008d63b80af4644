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
    private var memoryAllowed = true
    /// Parts the server refused, with the reason shown to the user.
    public private(set) var unavailable: [String: String] = [:]
    /// Completed passes over the whole keyspace.
    public private(set) var completedPasses = 0
    /// Keys visited in the current pass (including vanished ones).
    public private(set) var visitedInPass = 0
    /// Commands sent so far.
    public private(set) var commandsSent = 0

    private enum ObjectMode { case frequency, idleTime, none }

    // Command words as bytes once, not per key.
    private static let typeWord = Array("TYPE".utf8), pttlWord = Array("PTTL".utf8)
    private static let memoryWord = Array("MEMORY".utf8), usageWord = Array("USAGE".utf8)
    private static let samplesWord = Array("SAMPLES".utf8), objectWord = Array("OBJECT".utf8)
    private static let freqWord = Array("FREQ".utf8), idleWord = Array("IDLETIME".utf8)
    private static let scanWord = Array("SCAN".utf8), countWord = Array("COUNT".utf8)
    private var inFlight: Request?
    private let ownTraffic: OwnTraffic?
    private var countedHandshakeCommands = 0

    /// Creates a sampler over a connection (its endpoint's database is the one scanned).
    ///
    /// - Parameter ownTraffic: where to count the commands and key lookups sent, so that a
    ///   poller of the same server can leave them out of its rates and hit ratio.
    public init(
        connection: ManagedConnection, configuration: KeySamplerConfiguration = KeySamplerConfiguration(),
        ownTraffic: OwnTraffic? = nil
    ) {
        self.connection = connection
        self.ownTraffic = ownTraffic
        self.configuration = configuration
    }

    /// Whether lengths are being read.
    public var readsLengths: Bool {
        switch configuration.lengths {
        case .always: return true
        case .never: return false
        case .auto: return noTouch
        }
    }

    /// Scans one `SCAN` batch and reads its keys' metadata.
    ///
    /// Requests overlap: the metadata of the next batch (and the SCAN after it) is already on its
    /// way while this batch's replies are turned into ``KeyMetadata``, so the client's work and
    /// the server's run side by side.
    ///
    /// - Returns: the keys that still exist, and whether this batch finished a pass.
    public func nextBatch() async throws -> (keys: [KeyMetadata], finishedPass: Bool) {
        try await prepareConnection()
        let request = inFlight ?? launch(names: [], scan: true)
        inFlight = nil
        let replies = try await request.task.value
        let metadataReplies = replies.prefix(request.names.count * request.layout.perKey)
        var finishedPass = false
        if request.scans {
            guard let reply = replies.last?.value, let parts = reply.elements, parts.count == 2,
                let next = parts[0].bytes, let names = parts[1].elements?.compactMap(\.bytes)
            else {
                throw RedisProtocolError(reason: "unexpected SCAN reply", endpoint: connection.endpoint.description)
            }
            cursor = next
            visitedInPass += names.count
            ownTraffic?.add(commands: 1)  // the SCAN; the metadata replies are counted in parse
            // The next batch's request goes out before this one is parsed; after the last SCAN
            // of a pass it carries metadata only, and its arrival ends the pass.
            inFlight = launch(names: names, scan: next != Self.cursorStart)
        } else {
            finishedPass = true
            completedPasses += 1
            visitedInPass = 0
        }
        var keys = parse(names: request.names, replies: Array(metadataReplies), layout: request.layout)
        if readsLengths { try await readLengths(into: &keys) }
        return (keys, finishedPass)
    }

    private static let cursorStart = Array("0".utf8)

    /// What one request asked for, so its replies can be read back.
    private struct Layout {
        let memory: Bool
        let object: ObjectMode
        var perKey: Int { 2 + (memory ? 1 : 0) + (object == .none ? 0 : 1) }
    }

    private struct Request {
        let names: [[UInt8]]
        let layout: Layout
        let scans: Bool
        let task: Task<[PipelineReply], any Error>
    }

    /// Sends metadata commands for `names`, then `SCAN` from the current cursor when `scan`.
    private func launch(names: [[UInt8]], scan: Bool) -> Request {
        let layout = Layout(memory: memoryAllowed, object: objectMode)
        var commands: [RESPCommand] = []
        commands.reserveCapacity(names.count * layout.perKey + 1)
        let samples = Array(String(configuration.memorySamples).utf8)
        for name in names {
            commands.append(RESPCommand(bytes: [Self.typeWord, name]))
            commands.append(RESPCommand(bytes: [Self.pttlWord, name]))
            if layout.memory {
                commands.append(RESPCommand(bytes: [Self.memoryWord, Self.usageWord, name, Self.samplesWord, samples]))
            }
            switch layout.object {
            case .frequency: commands.append(RESPCommand(bytes: [Self.objectWord, Self.freqWord, name]))
            case .idleTime: commands.append(RESPCommand(bytes: [Self.objectWord, Self.idleWord, name]))
            case .none: break
            }
        }
        if scan {
            let count = min(configuration.scanCount, max(1, configuration.commandsPerPipeline / layout.perKey))
            commands.append(RESPCommand(bytes: [Self.scanWord, cursor, Self.countWord, Array(String(count).utf8)]))
        }
        commandsSent += commands.count
        let connection = connection
        let sentAt = Date()
        let task = Task {
            let replies = try await connection.pipeline(commands, timeout: .seconds(30))
            // Date each reply by its arrival (PTTL replies date the TTLs).
            return replies.map { PipelineReply(value: $0.value, latency: $0.latency, sentAt: sentAt) }
        }
        return Request(names: names, layout: layout, scans: scan, task: task)
    }

    /// Samples continuously at `keysPerSecond` (the configuration's, else 100) until the task is
    /// cancelled, handing each batch to `deliver`. Failures wait a second and retry (the
    /// connection reconnects with backoff).
    public func run(deliver: @Sendable ([KeyMetadata], Bool, [String: String]) async -> Void) async {
        let clock = ContinuousClock()
        let rate = Double(configuration.keysPerSecond ?? 100)
        while !Task.isCancelled {
            let started = clock.now
            do {
                let batch = try await nextBatch()
                await deliver(batch.keys, batch.finishedPass, unavailable)
                // Pace by the batch size asked for, not the keys found: a small or empty keyspace
                // must not turn into a tight SCAN loop.
                let keys = max(batch.keys.count, configuration.scanCount)
                let budget = Duration.milliseconds(Int64(Double(keys) / rate * 1000))
                try await clock.sleep(until: started + budget)
            } catch is CancellationError {
                return
            } catch {
                try? await clock.sleep(until: clock.now + .seconds(1))
            }
        }
    }

    private func prepareConnection() async throws {
        let count = await connection.connectCount
        guard count != lastConnectCount || lastConnectCount == 0 else { return }
        // A new connection: ask for NO-TOUCH (7.2+) so that reading keys leaves LRU/LFU alone.
        let reply = try await connection.pipeline([RESPCommand("CLIENT", "NO-TOUCH", "ON")])
        // The handshake's commands count on the server too.
        let handshake = await connection.handshakeCommands
        commandsSent += 1 + handshake - countedHandshakeCommands
        ownTraffic?.add(commands: 1 + handshake - countedHandshakeCommands)
        countedHandshakeCommands = handshake
        noTouch = reply.first?.value.errorMessage == nil
        lastConnectCount = await connection.connectCount
        if !noTouch && configuration.lengths == .auto {
            unavailable["lengths"] =
                "element counts off: this server has no CLIENT NO-TOUCH (Redis 7.2+), and length commands would refresh LRU/LFU data"
        } else {
            unavailable["lengths"] = nil
        }
    }

    private func parse(names: [[UInt8]], replies: [PipelineReply], layout: Layout) -> [KeyMetadata] {
        var keys: [KeyMetadata] = []
        keys.reserveCapacity(names.count)
        var objectFailed: RedisServerError?
        var hits = 0
        var misses = 0
        defer { ownTraffic?.add(commands: replies.count, hits: hits, misses: misses) }
        for (index, name) in names.enumerated() {
            let base = index * layout.perKey
            guard base + layout.perKey <= replies.count else { break }
            // TYPE, PTTL and OBJECT are lookups the server counts (MEMORY USAGE is not).
            let type = replies[base].value.stringValue.flatMap { $0 == "none" ? nil : $0 }
            // A refused OBJECT never ran; one refused for the policy (FREQ without LFU) looked first.
            let lookups = layout.object != .none && !Self.isRefusal(replies[base + layout.perKey - 1]) ? 3 : 2
            if type != nil { hits += lookups } else { misses += lookups }
            guard let type else { continue }  // vanished
            var key = KeyMetadata(name: name, type: type)
            key.observedAt = replies[base + 1].arrivedAt
            if let ttl = replies[base + 1].value.intValue {
                if ttl == -2 { continue }  // expired in between
                key.ttlMilliseconds = ttl >= 0 ? ttl : nil
            }
            var next = base + 2
            if layout.memory {
                switch replies[next].result {
                case .success(let value): key.memoryBytes = value.intValue
                case .failure(let error): refuseMemory(error)
                }
                next += 1
            }
            if layout.object != .none {
                switch replies[next].result {
                case .success(let value):
                    if layout.object == .frequency {
                        key.frequency = value.intValue
                    } else {
                        key.idleSeconds = value.intValue
                    }
                case .failure(let error): objectFailed = error
                }
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
        let replies = try await connection.pipeline(commands, timeout: .seconds(10))
        commandsSent += commands.count
        ownTraffic?.add(commands: commands.count, hits: commands.count)
        for (index, reply) in zip(indices, replies) { keys[index].length = reply.value.intValue }
    }

    /// Whether the server refused to run the command at all (ACL, unknown command).
    private static func isRefusal(_ reply: PipelineReply) -> Bool {
        guard case .failure(let error) = reply.result else { return false }
        return error.isPermissionDenied || error.isUnknownCommand
    }

    private func refuseMemory(_ error: RedisServerError) {
        guard memoryAllowed else { return }
        memoryAllowed = false
        unavailable["memory"] = "MEMORY USAGE refused (\(error)): key sizes unknown"
    }

    private func refuseObject(_ error: RedisServerError) {
        guard objectMode != .none else { return }
        if objectMode == .frequency && !error.isPermissionDenied && !error.isUnknownCommand {
            objectMode = .idleTime  // not an LFU policy: idle time is what the server tracks
            return
        }
        objectMode = .none
        unavailable["object"] = "OBJECT refused (\(error)): access frequency and idle time unknown"
    }
}
