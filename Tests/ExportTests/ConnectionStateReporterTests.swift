import Export
import Foundation
import Telemetry
import Testing

@Suite("Connection state messages")
struct ConnectionStateReporterTests {
    private func up(_ second: Double, runID: String = "a", unavailable: [PollPart: String] = [:]) -> Sample {
        let info = InfoSnapshot(sections: ["server": ["run_id": runID]])
        return Sample(
            node: "n1", time: Date(timeIntervalSince1970: second),
            outcome: .reading(
                Reading(info: info, slowlog: nil, pingRTT: nil, unavailable: unavailable)))
    }

    private func down(
        _ second: Double, _ kind: PollFailure.Kind = .connection,
        _ message: String = "cannot connect to n1: connection refused"
    ) -> Sample {
        Sample(
            node: "n1", time: Date(timeIntervalSince1970: second),
            outcome: .failure(PollFailure(kind: kind, message: message)))
    }

    @Test("one line per change, not per failed poll")
    func oneLinePerChange() {
        var reporter = ConnectionStateReporter()
        var lines: [String] = []
        lines += reporter.messages(for: up(0))
        lines += reporter.messages(for: up(1))
        lines += reporter.messages(for: down(2))
        lines += reporter.messages(
            for: down(3, .connection, "cannot connect to n1: connection refused (next attempt in 1s)"))
        lines += reporter.messages(
            for: down(4, .connection, "cannot connect to n1: connection refused (next attempt in 2s)"))
        lines += reporter.messages(for: down(5, .authentication, "authentication to n1 failed: WRONGPASS"))
        lines += reporter.messages(for: up(9, runID: "b"))
        lines += reporter.messages(for: up(10, runID: "b"))
        #expect(lines.count == 3)
        #expect(
            lines[0].hasSuffix("n1 connection lost: cannot connect to n1: connection refused; retrying with backoff"))
        #expect(lines[1].hasSuffix("n1 still down: authentication to n1 failed: WRONGPASS"))
        #expect(lines[2].hasSuffix("n1 back after 7s (the server restarted: counters reset)"))
    }

    @Test("a stalled server: the outage runs to when the answer came, not to when the waiting poll started")
    func stall() {
        var reporter = ConnectionStateReporter()
        _ = reporter.messages(for: up(0))
        _ = reporter.messages(for: down(0.5, .timeout, "no reply from n1 within 3s"))
        var answer = up(8)
        answer.finished = Date(timeIntervalSince1970: 10.5)
        #expect(reporter.messages(for: answer).first?.hasSuffix("n1 back after 10s") == true)
    }

    @Test("unreachable at start, and a disabled part, are each said once")
    func startAndParts() {
        var reporter = ConnectionStateReporter()
        #expect(reporter.messages(for: down(0)).count == 1)
        #expect(reporter.messages(for: down(1)).isEmpty)
        let denied: [PollPart: String] = [.slowlog: "SLOWLOG denied by ACL: NOPERM"]
        let back = reporter.messages(for: up(2, unavailable: denied))
        #expect(back.count == 2)
        #expect(back[1].hasSuffix("SLOWLOG denied by ACL: NOPERM; slowlog figures disabled"))
        #expect(reporter.messages(for: up(3, unavailable: denied)).isEmpty)
    }
}
