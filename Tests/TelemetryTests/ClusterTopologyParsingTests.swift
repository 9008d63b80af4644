import RESP
import Telemetry
import TestSupport
import Testing

@Suite("Cluster topology replies", .sameOnEveryServer)
struct ClusterTopologyParsingTests {
    static let nodesText = """
        a1 127.0.0.1:7000@17000 myself,master - 0 0 1 connected 0-5460
        b2 127.0.0.1:7001@17001 master - 0 1700000000000 2 connected 5461-10922 [10923->-c3]
        c3 127.0.0.1:7002@17002,redis-c master,fail - 1700000000000 1700000000000 3 disconnected 10923-16383
        d4 127.0.0.1:7003@17003 slave a1 0 1700000000000 1 connected
        e5 127.0.0.1:7004@17004 slave,fail? b2 0 1700000000000 2 connected
        f6 :0@0 handshake,noaddr - 0 0 0 disconnected

        """

    @Test("CLUSTER NODES: roles, primaries of replicas, slot ranges, failure flags; handshakes left out")
    func nodesText() throws {
        let topology = try ClusterTopology(nodesText: Self.nodesText)
        #expect(topology.nodes.map(\.id) == ["a1", "b2", "c3", "d4", "e5"])
        #expect(topology.primaries.map(\.port) == [7000, 7001, 7002])
        #expect(topology.node(id: "b2")?.slots == [5461...10922])
        #expect(topology.node(id: "b2")?.slotText == "5461-10922")
        #expect(topology.node(id: "c3")?.isFailed == true)
        #expect(topology.node(id: "e5")?.isSuspected == true)
        #expect(topology.node(id: "d4")?.primaryID == "a1")
        // The failed primary's 5,461 slots are not served.
        #expect(topology.uncoveredSlots == 16384 - 5461 - 5462)
    }

    @Test("CLUSTER SHARDS, as RESP3 maps and as RESP2 flat arrays; a node without an address left out")
    func shards() throws {
        func node(_ id: String, _ port: Int, _ role: String, _ health: String, ip: String = "127.0.0.1")
            -> [(String, RESPValue)]
        {
            [
                ("id", .bulkString(.init(string: id))), ("port", .integer(Int64(port))),
                ("ip", .bulkString(.init(string: ip))), ("endpoint", .bulkString(.init(string: ip.isEmpty ? "?" : ip))),
                ("role", .bulkString(.init(string: role))), ("replication-offset", .integer(10)),
                ("health", .bulkString(.init(string: health))),
            ]
        }
        let shards: [([Int64], [[(String, RESPValue)]])] = [
            ([0, 5460, 6000, 6001], [node("a1", 7000, "master", "online"), node("d4", 7003, "replica", "online")]),
            ([5461, 5999, 6002, 16383], [node("b2", 7001, "master", "failed"), node("e5", 7004, "master", "online")]),
            // What the cluster says of a node that answered under another id (`noaddr`): the
            // address is gone, and a name `?:7005` would be watched as a node of its own.
            ([], [node("f6", 7005, "master", "online", ip: "")]),
        ]
        func resp3() -> RESPValue {
            .array(
                shards.map { slots, members in
                    .map([
                        RESPPair(key: .bulkString(.init(string: "slots")), value: .array(slots.map { .integer($0) })),
                        RESPPair(
                            key: .bulkString(.init(string: "nodes")),
                            value: .array(
                                members.map {
                                    .map($0.map { RESPPair(key: .bulkString(.init(string: $0.0)), value: $0.1) })
                                }
                            )),
                    ])
                })
        }
        func resp2() -> RESPValue {
            .array(
                shards.map { slots, members in
                    .array([
                        .bulkString(.init(string: "slots")), .array(slots.map { .integer($0) }),
                        .bulkString(.init(string: "nodes")),
                        .array(members.map { .array($0.flatMap { [.bulkString(.init(string: $0.0)), $0.1] }) }),
                    ])
                })
        }
        for reply in [resp3(), resp2()] {
            let topology = try ClusterTopology(shards: reply)
            #expect(topology.nodes.count == 4)
            #expect(topology.node(id: "f6") == nil)
            #expect(topology.node(id: "a1")?.slots == [0...5460, 6000...6001])
            #expect(topology.node(id: "a1")?.slotCount == 5463)
            #expect(topology.node(id: "d4")?.role == .replica)
            #expect(topology.node(id: "d4")?.primaryID == "a1")
            #expect(topology.node(id: "b2")?.isFailed == true)
            // The promoted node serves the shard's slots.
            #expect(topology.node(id: "e5")?.slotCount == 16384 - 5463)
            #expect(topology.uncoveredSlots == 0)
        }
    }

    @Test("changes between topologies: failover, failure, recovery, nodes added and removed")
    func changes() throws {
        let before = try ClusterTopology(nodesText: Self.nodesText)
        let after = try ClusterTopology(
            nodesText: """
                a1 127.0.0.1:7000@17000 slave d4 0 0 4 connected
                b2 127.0.0.1:7001@17001 master - 0 0 2 connected 5461-10922
                c3 127.0.0.1:7002@17002 master - 0 0 3 connected 10923-16383
                d4 127.0.0.1:7003@17003 myself,master - 0 0 4 connected 0-5460
                g7 127.0.0.1:7006@17006 slave b2 0 0 2 connected
                """)
        let changes = TopologyChange.between(before, after)
        #expect(changes.contains(.promoted(after.node(id: "d4")!, formerPrimary: "a1")))
        #expect(changes.contains(.demoted(after.node(id: "a1")!)))
        #expect(changes.contains(.recovered(after.node(id: "c3")!)))
        #expect(changes.contains(.added(after.node(id: "g7")!)))
        #expect(changes.contains(.removed(before.node(id: "e5")!)))
        let promoted = changes.first { if case .promoted = $0 { return true } else { return false } }
        #expect(
            promoted?.description == "failover: 127.0.0.1:7003 is now a primary (was a replica of a1), slots 0-5460")
    }
}
