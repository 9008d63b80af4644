import Foundation
import Metrics
import RedisClient
import Telemetry

/// The tasks that watch one node: its poller on its own schedule and connection, and
/// optionally its key sampler on another connection. A slow or dead node stalls only these.
///
/// ``run()`` is the node's whole life, in structured concurrency: it returns once polling and
/// sampling have stopped (``stop()`` or cancellation) and both connections are closed.
final class NodeWatch: Sendable {
    /// What the fleet asks of a running node.
    private enum Control: Sendable {
        /// Sample keys at this rate (a running sampler keeps its rate).
        case sample(keysPerSecond: Int?)
        /// Stop sampling and close the sampler's connection.
        case stopSampling
    }

    let target: NodeTarget
    private let configuration: FleetConfiguration
    private let deliver: @Sendable (FleetEvent) -> Void
    private let pollingConnection: ManagedConnection
    private let controls: AsyncStream<Control>
    private let control: AsyncStream<Control>.Continuation

    /// Creates the node's watch; nothing runs until ``run()``.
    ///
    /// - Parameter connection: the polling connection, when one is already open to the node.
    init(
        target: NodeTarget, configuration: FleetConfiguration, connection: ManagedConnection? = nil,
        deliver: @escaping @Sendable (FleetEvent) -> Void
    ) {
        self.target = target
        self.configuration = configuration
        self.deliver = deliver
        pollingConnection =
            connection ?? ManagedConnection(endpoint: target.endpoint, configuration: configuration.connection)
        (controls, control) = AsyncStream.makeStream(of: Control.self)
    }

    /// Starts or stops key sampling (a cluster samples its primaries only) at `keysPerSecond`.
    func setSampling(_ enabled: Bool, keysPerSecond: Int? = nil) {
        control.yield(enabled ? .sample(keysPerSecond: keysPerSecond) : .stopSampling)
    }

    /// Ends ``run()``: polling and sampling stop, the connections close.
    func stop() { control.finish() }

    /// Polls every interval (the first poll at once) and samples keys when asked, until
    /// ``stop()`` or cancellation; then closes both connections and returns.
    func run() async {
        let ownTraffic = OwnTraffic()
        let poller = Poller(
            connection: pollingConnection, ownTraffic: ownTraffic, node: target.name, clock: configuration.clock)
        let interval = configuration.interval
        let deliver = deliver
        let pollingConnection = pollingConnection
        // Keyspace events are tallied at each poll, delivered just before its sample: the rules
        // evaluated on the sample see the namespaces' events of the same interval.
        let counter =
            configuration.keyEvents ? KeyEventCounter(now: configuration.clock.now, clock: configuration.clock) : nil
        let name = target.name
        // The sampler and the event subscriber start once the first poll is in: their first
        // commands then fall in the first interval, whose count of our own traffic they are in.
        // (Counted before they are sent but run after the first INFO, they would be in the first
        // reading of that count and in no interval's: a spike in the first rate.)
        let firstPoll = OneShotSignal()
        await withDiscardingTaskGroup { group in
            group.addTask {
                await Self.closingOnCancel(pollingConnection) {
                    await poller.run(every: interval) { sample in
                        if let tally = counter?.take(now: sample.time) { deliver(.keyEvents(node: name, tally: tally)) }
                        deliver(.sample(sample))
                        firstPoll.raise()
                    }
                }
            }
            var samplerStop: OneShotSignal?
            for await request in controls {
                switch request {
                case .sample(let keysPerSecond):
                    guard samplerStop == nil, var samplerConfiguration = configuration.sampling else { continue }
                    if let keysPerSecond { samplerConfiguration.keysPerSecond = keysPerSecond }
                    let stop = OneShotSignal()
                    samplerStop = stop
                    // Its handshakes count as our own traffic before they are sent.
                    let connection = ManagedConnection(
                        endpoint: target.endpoint, configuration: configuration.connection,
                        onHandshake: { commands in ownTraffic.add(commands: commands) })
                    let sampler = KeySampler(
                        connection: connection, configuration: samplerConfiguration, ownTraffic: ownTraffic,
                        clock: configuration.clock)
                    let name = target.name
                    // How keys end (stale-data risk): sampled keys with a TTL are tracked with
                    // PTTL, pipelined on the sampler's connection (no client more on the server).
                    var tracker: KeyLifeTracker?
                    if configuration.keyLifeChecksPerSecond > 0 {
                        let lives = KeyLifeTracker(
                            connection: connection, checksPerSecond: configuration.keyLifeChecksPerSecond,
                            ownTraffic: ownTraffic, clock: configuration.clock)
                        tracker = lives
                        group.addTask {
                            await Self.closingOnCancel(connection, until: stop) {
                                await firstPoll.wait()
                                await lives.run(
                                    report: { deliver(.keyLives(node: name, $0)) },
                                    refused: { deliver(.notice("\(name): \($0)")) })
                            }
                        }
                    }
                    group.addTask { [tracker] in
                        await Self.closingOnCancel(connection, until: stop) {
                            await firstPoll.wait()
                            await sampler.run { keys, finished, unavailable in
                                tracker?.offer(keys, namespace: NamespacePattern.of)
                                deliver(.keys(node: name, keys: keys, finishedPass: finished, unavailable: unavailable))
                            }
                        }
                    }
                    if let counter {
                        let target = target
                        let (connectionConfiguration, enabler, clock) = (
                            configuration.connection, configuration.eventsEnabler, configuration.clock
                        )
                        group.addTask {
                            await firstPoll.wait()
                            await Self.countKeyEvents(
                                of: target, into: counter, configuration: connectionConfiguration, enabler: enabler,
                                until: stop, ownTraffic: ownTraffic, clock: clock, deliver: deliver)
                        }
                    }
                case .stopSampling:
                    samplerStop?.raise()
                    samplerStop = nil
                }
            }
            group.cancelAll()
        }
    }

    /// Counts the node's keyspace events per namespace into `counter` (where the server
    /// publishes them; the poller takes a tally at each poll) until `stop` or cancellation.
    private static func countKeyEvents(
        of target: NodeTarget, into counter: KeyEventCounter, configuration: ConnectionConfiguration,
        enabler: KeyspaceEventsEnabler?, until stop: OneShotSignal, ownTraffic: OwnTraffic, clock: any WallClock,
        deliver: @escaping @Sendable (FleetEvent) -> Void
    ) async {
        let subscriber = KeyEventSubscriber(
            endpoint: target.endpoint, configuration: configuration, kinds: Set(KeyEventKind.allCases),
            ownTraffic: ownTraffic, enabler: enabler,
            record: { kind, key in
                // A miss our own lookup made (the sampler's, a key-life check's) is not the namespace's.
                if kind == .keymiss && ownTraffic.claimMiss(key) { return }
                counter.record(kind, key: key)
            },
            lossFound: { counter.recordLoss($0) }, wallClock: clock)
        let name = target.name
        await withDiscardingTaskGroup { group in
            group.addTask {
                await subscriber.run { state in
                    switch state {
                    case .subscribed(_, let since): counter.restart(now: since)
                    case .interrupted, .off, .refused: counter.stop()
                    case .settingChanged: break
                    }
                    deliver(.keyEventState(node: name, state))
                }
            }
            await stop.wait()
            group.cancelAll()
        }
        counter.stop()
    }

    /// Runs `work` until it returns, the task is cancelled or `stop` is raised; a request in
    /// flight is cut short by closing `connection` (a hung server would otherwise hold the stop
    /// for its whole timeout), and the connection is closed once `work` has returned.
    private static func closingOnCancel(
        _ connection: ManagedConnection, until stop: OneShotSignal? = nil, _ work: @escaping @Sendable () async -> Void
    ) async {
        await withDiscardingTaskGroup { group in
            group.addTask {
                await withTaskCancellationHandler {
                    await work()
                } onCancel: {
                    Task { await connection.close() }
                }
            }
            if let stop {
                await stop.wait()
                group.cancelAll()
            }
        }
        await connection.close()
    }
}
