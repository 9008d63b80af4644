import Foundation
import NIOCore
import RESP

/// The reply to one command of a pipeline and when it arrived.
public struct PipelineReply: Sendable {
    /// The value; a server error is a value too (see ``RESPValue/errorMessage``).
    public let value: RESPValue
    /// Time from writing the pipeline to decoding this reply.
    public let latency: Duration
    /// The wall-clock time the pipeline was sent, when the caller recorded it.
    public let sentAt: Date?

    /// Creates a reply.
    public init(value: RESPValue, latency: Duration, sentAt: Date? = nil) {
        self.value = value
        self.latency = latency
        self.sentAt = sentAt
    }

    /// The wall-clock time this reply arrived, when the send time is known.
    public var arrivedAt: Date? {
        sentAt?.addingTimeInterval(latency.secondsDouble)
    }

    /// The reply as a result: server errors become ``RedisServerError``.
    public var result: Result<RESPValue, RedisServerError> {
        if let message = value.errorMessage { return .failure(RedisServerError(message: message)) }
        return .success(value)
    }
}
