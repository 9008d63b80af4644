import Telemetry
import TestSupport
import Testing

/// The Sentinel group's judgements: which primary most sentinels name, who disagrees, whether a
/// failover could be agreed, and what changed between two reads.
@Suite("Sentinel groups", .sameOnEveryServer)
struct SentinelGroupTests {
    func view(
        _ name: String, _ primary: String?, quorum: Bool? = true, tilt: Bool = false, up: Bool = true
    )
        -> SentinelGroup.View
    {
        SentinelGroup.View(
            sentinel: name, isReachable: up, primary: up ? primary : nil, hasQuorum: up ? quorum : nil,
            isTilted: up ? tilt : nil)
    }

    @Test("the majority's primary; on a tie the first sentinel's; unreachable sentinels do not vote")
    func majority() {
        #expect(SentinelGroup.majorityPrimary([view("s1", "a"), view("s2", "b"), view("s3", "b")]) == "b")
        #expect(SentinelGroup.majorityPrimary([view("s1", "a"), view("s2", "b")]) == "a")
        #expect(SentinelGroup.majorityPrimary([view("s1", "a", up: false), view("s2", "b")]) == "b")
        #expect(SentinelGroup.majorityPrimary([view("s1", nil)]) == nil)
    }

    @Test("disagreeing, tilted, quorum: from the reachable sentinels only")
    func judgements() {
        let group = SentinelGroup(
            masterName: "m", primary: "b", replicas: ["a"],
            views: [view("s1", "a", tilt: true), view("s2", "b", quorum: false), view("s3", "b", up: false)])
        #expect(group.disagreeing.map(\.sentinel) == ["s1"])
        #expect(group.tilted.map(\.sentinel) == ["s1"])
        #expect(group.reachable.count == 2 && group.hasQuorum)
        let lost = SentinelGroup(masterName: "m", primary: "b", replicas: [], views: [view("s2", "b", quorum: false)])
        #expect(!lost.hasQuorum)
        let none = SentinelGroup(masterName: "m", primary: "b", replicas: [], views: [view("s1", "b", up: false)])
        #expect(!none.hasQuorum && none.reachable.isEmpty)
    }

    @Test("a failover, replicas joining and leaving, sentinels lost and found, in one line each")
    func changes() {
        let before = SentinelGroup(
            masterName: "m", primary: "10.0.0.1:6379", replicas: ["10.0.0.2:6379"],
            views: [view("s1", "10.0.0.1:6379"), view("s2", "10.0.0.1:6379", up: false)])
        let after = SentinelGroup(
            masterName: "m", primary: "10.0.0.2:6379", replicas: ["10.0.0.1:6379", "10.0.0.3:6379"],
            views: [view("s1", "10.0.0.2:6379", up: false), view("s2", "10.0.0.2:6379")])
        let changes = SentinelChange.between(before, after)
        #expect(
            changes.map(\.description) == [
                "failover: m: 10.0.0.2:6379 is now the primary (was 10.0.0.1:6379)",
                "sentinel: m: 10.0.0.3:6379 joined as a replica",
                "sentinel: s1 does not answer", "sentinel: s2 answers",
            ])
        #expect(SentinelChange.between(after, after).isEmpty)
    }
}
