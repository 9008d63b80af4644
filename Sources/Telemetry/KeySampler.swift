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

    /// Creates a sampler over a connection (its endpoint's database is the one scanned).
    public init(connection: ManagedConnection, configuration: KeySamplerConfiguration = KeySamplerConfiguration()) {
        self.connection = connection
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
    /// - Returns: the keys that still exist, and whether this batch finished a pass.
    public func nextBatch() async throws -> (keys: [KeyMetadata], finishedPass: Bool) {
        try await prepareConnection()
        let scan = try await connection.pipeline([
            RESPCommand(bytes: [
                Array("SCAN".utf8), cursor, Array("COUNT".utf8), Array(String(configuration.scanCount).utf8),
            ])
        ])
        commandsSent += 1
        guard let reply = scan.first.map({ $0.value }), let parts = reply.elements, parts.count == 2,
            let next = parts[0].bytes, let names = parts[1].elements?.compactMap(\.bytes)
        else {
            throw RedisProtocolError(reason: "unexpected SCAN reply", endpoint: connection.endpoint.description)
        }
        cursor = next
        visitedInPass += names.count
        let finished = next == Array("0".utf8)
        var keys: [KeyMetadata] = []
        // Keep each pipeline under the command budget.
        let perKey = 2 + (memoryAllowed ? 1 : 0) + (objectMode == .none ? 0 : 1)
        let chunk = max(1, configuration.commandsPerPipeline / perKey)
        var start = 0
        while start < names.count {
            keys += try await metadata(for: Array(names[start..<min(names.count, start + chunk)]))
            start += chunk
        }
        if finished {
            completedPasses += 1
            visitedInPass = 0
        }
        return (keys, finished)
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
        commandsSent += 1
        noTouch = reply.first?.value.errorMessage == nil
        lastConnectCount = await connection.connectCount
        if !noTouch && configuration.lengths == .auto {
            unavailable["lengths"] =
                "element counts off: this server has no CLIENT NO-TOUCH (Redis 7.2+), and length commands would refresh LRU/LFU data"
        } else {
            unavailable["lengths"] = nil
        }
    }

    private func metadata(for names: [[UInt8]]) async throws -> [KeyMetadata] {
        var commands: [RESPCommand] = []
        let samples = Array(String(configuration.memorySamples).utf8)
        commands.reserveCapacity(names.count * 4)
        for name in names {
            commands.append(RESPCommand(bytes: [Self.typeWord, name]))
            commands.append(RESPCommand(bytes: [Self.pttlWord, name]))
            if memoryAllowed {
                commands.append(RESPCommand(bytes: [Self.memoryWord, Self.usageWord, name, Self.samplesWord, samples]))
            }
            switch objectMode {
            case .frequency: commands.append(RESPCommand(bytes: [Self.objectWord, Self.freqWord, name]))
            case .idleTime: commands.append(RESPCommand(bytes: [Self.objectWord, Self.idleWord, name]))
            case .none: break
            }
        }
        let perKey = commands.count / max(1, names.count)
        let sentAt = Date()
        let replies = try await connection.pipeline(commands, timeout: .seconds(10))
        commandsSent += commands.count
        var keys: [KeyMetadata] = []
        var objectFailed: RedisServerError?
        for (index, name) in names.enumerated() {
            let base = index * perKey
            guard let type = replies[base].value.stringValue, type != "none" else { continue }  // vanished
            var key = KeyMetadata(name: name, type: type)
            // The PTTL reply's arrival dates the TTL, whatever the batch's size or the client's load.
            key.observedAt = sentAt.addingTimeInterval(replies[base + 1].latency.seconds)
            if let ttl = replies[base + 1].value.intValue {
                if ttl == -2 { continue }  // expired in between
                key.ttlMilliseconds = ttl >= 0 ? ttl : nil
            }
            var next = base + 2
            if memoryAllowed {
                switch replies[next].result {
                case .success(let value): key.memoryBytes = value.intValue
                case .failure(let error): refuseMemory(error)
                }
                next += 1
            }
            if objectMode != .none {
                switch replies[next].result {
                case .success(let value):
                    if objectMode == .frequency {
                        key.frequency = value.intValue
                    } else {
                        key.idleSeconds = value.intValue
                    }
                case .failure(let error): objectFailed = error
                }
            }
            keys.append(key)
        }
        if let objectFailed { refuseObject(objectFailed) }
        if readsLengths { try await readLengths(into: &keys) }
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
        for (index, reply) in zip(indices, replies) { keys[index].length = reply.value.intValue }
    }

    private func refuseMemory(_ error: RedisServerError) {
        memoryAllowed = false
        unavailable["memory"] = "MEMORY USAGE refused (\(error)): key sizes unknown"
    }

    private func refuseObject(_ error: RedisServerError) {
        if objectMode == .frequency && !error.isPermissionDenied && !error.isUnknownCommand {
            objectMode = .idleTime  // not an LFU policy: idle time is what the server tracks
            return
        }
        objectMode = .none
        unavailable["object"] = "OBJECT refused (\(error)): access frequency and idle time unknown"
    }
}

extension Duration {
    fileprivate var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
