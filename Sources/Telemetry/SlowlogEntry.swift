import Foundation
import RESP

/// One `SLOWLOG GET` entry. Arguments stay bytes (they can hold binary key names); Redis
/// itself truncates long arguments and argument lists.
public struct SlowlogEntry: Sendable, Hashable, Identifiable {
    /// The server's entry id: unique and increasing for the life of the server process.
    public var id: Int64
    /// When the command ran (server clock, whole seconds).
    public var timestamp: Date
    /// How long the command took to execute (not counting I/O).
    public var duration: Duration
    /// The command and its arguments as logged.
    public var arguments: [[UInt8]]
    /// `ip:port` of the client (Redis 4.0+).
    public var clientAddress: String?
    /// The client's name, if it set one (Redis 4.0+).
    public var clientName: String?

    /// Whether a monitoring connection of cachewatch's own logged it: those are named
    /// `cachewatch` with `CLIENT SETNAME` (the demo's workload, `cachewatch-workload`, plays the
    /// application and is not one of them).
    public var isOwn: Bool { clientName == "cachewatch" }

    /// Creates an entry.
    public init(
        id: Int64, timestamp: Date, duration: Duration, arguments: [[UInt8]], clientAddress: String? = nil,
        clientName: String? = nil
    ) {
        self.id = id
        self.timestamp = timestamp
        self.duration = duration
        self.arguments = arguments
        self.clientAddress = clientAddress
        self.clientName = clientName
    }

    /// Reads one element of a `SLOWLOG GET` reply; `nil` when its shape is not an entry's.
    public init?(reply: RESPValue) {
        guard let fields = reply.elements, fields.count >= 4,
            let id = fields[0].intValue, let seconds = fields[1].intValue, let micros = fields[2].intValue,
            let arguments = fields[3].elements
        else { return nil }
        self.init(
            id: id, timestamp: Date(timeIntervalSince1970: TimeInterval(seconds)), duration: .microseconds(micros),
            arguments: arguments.map { $0.bytes ?? Array(($0.stringValue ?? "").utf8) },
            clientAddress: fields.count > 4 ? fields[4].stringValue : nil,
            clientName: fields.count > 5 ? fields[5].stringValue.flatMap { $0.isEmpty ? nil : $0 } : nil)
    }

    /// The upper-cased command name.
    public var commandName: String {
        String(decoding: arguments.first ?? [], as: UTF8.self).uppercased()
    }

    /// The command line with each argument escaped for display (`\xNN` for bytes that are not
    /// printable UTF-8, quotes around arguments with spaces).
    public var commandLine: String {
        arguments.map(KeyName.escaped).joined(separator: " ")
    }
}
