import RedisClient
import Telemetry

/// The tasks that watch one node: its poller on its own schedule and connection, and
/// optionally its key sampler on another connection. A slow or dead node stalls only these.
final class NodeWatch: Sendable {
    let target: NodeTarget
    let poller: Poller
    private let ownTraffic = OwnTraffic()
    private let configuration: FleetConfiguration
    private let deliver: @Sendable (FleetEvent) -> Void
    private let polling = MutexBox<Task<Void, Never>?>(nil)
    private let sampling = MutexBox<Task<Void, Never>?>(nil)

    /// Creates the poller; nothing runs until ``startPolling(after:)``.
    ///
    /// - Parameter connection: the polling connection, when one is already open to the node.
    init(
        target: NodeTarget, configuration: FleetConfiguration, connection: ManagedConnection? = nil,
        deliver: @escaping @Sendable (FleetEvent) -> Void
    ) {
        self.target = target
        self.configuration = configuration
        self.deliver = deliver
        let poller = Poller(
            connection: connection
                ?? ManagedConnection(endpoint: target.endpoint, configuration: configuration.connection),
            ownTraffic: ownTraffic, node: target.name)
        self.poller = poller
    }

    /// Polls every interval, the first time after `delay`.
    func startPolling(after delay: Duration) {
        let poller = poller
        let interval = configuration.interval
        let deliver = deliver
        polling.update { task in
            guard task == nil else { return }
            task = Task.detached {
                do { try await Task.sleep(for: delay) } catch { return }
                await poller.run(every: interval) { deliver(.sample($0)) }
            }
        }
    }

    /// Starts or stops key sampling (a cluster samples its primaries only) at `keysPerSecond`
    /// (a running sampler keeps its rate).
    func setSampling(_ enabled: Bool, keysPerSecond: Int? = nil) {
        sampling.update { task in
            if !enabled {
                task?.cancel()
                task = nil
                return
            }
            guard task == nil, var samplerConfiguration = configuration.sampling else { return }
            if let keysPerSecond { samplerConfiguration.keysPerSecond = keysPerSecond }
            let sampler = KeySampler(
                connection: ManagedConnection(endpoint: target.endpoint, configuration: configuration.connection),
                configuration: samplerConfiguration, ownTraffic: ownTraffic)
            let name = target.name
            let deliver = deliver
            task = Task.detached {
                await sampler.run { keys, finished, unavailable in
                    deliver(.keys(node: name, keys: keys, finishedPass: finished, unavailable: unavailable))
                }
            }
        }
    }

    /// Stops both tasks.
    func stop() {
        polling.update { task in
            task?.cancel()
            task = nil
        }
        setSampling(false)
    }
}
