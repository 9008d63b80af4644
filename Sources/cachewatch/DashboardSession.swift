import Alerts
import CursesTerminal
import Dashboard
import Foundation
import Metrics
import Telemetry

/// The interactive dashboard: the one owner of the state and of the terminal. Its loop, on the
/// main thread, waits ≤ 50 ms for a key, takes the samples the poller task delivered, and
/// redraws when something changed. A stalled server only stalls the poller's task.
@MainActor
struct DashboardSession {
    let poller: Poller
    /// Continuous key sampling on its own connection; `nil` turns the keyspace view off.
    let sampler: KeySampler?
    /// The database sampled (for the exact key count from INFO keyspace).
    let database: Int
    let interval: Double
    let colors: Bool
    /// Rules evaluated after every poll (empty: the alerts view says so).
    var rules: [AlertRule] = DefaultRules.rules
    /// Where the `e` key writes snapshots.
    let snapshots: SnapshotTarget

    /// Runs until the user quits or a signal arrives; the terminal is restored either way.
    func run() async {
        let inbox = SampleInbox()
        let period = Duration.milliseconds(Int64(interval * 1000))
        let polling = Task.detached { [poller] in
            await poller.run(every: period) { inbox.push($0) }
        }
        let sampling = inbox.collect(from: sampler)
        loop(inbox: inbox)
        polling.cancel()
        sampling.cancel()
    }

    private func loop(inbox: SampleInbox) {
        let terminal = CursesTerminal(colors: colors)
        defer { terminal.restore() }
        var live = MetricStore()
        var engine = RuleEngine(rules: rules)
        var events: [AlertEvent] = []
        var feed = KeyspaceFeed(node: poller.node, database: database)
        var state = DashboardState(store: live, node: poller.node, interval: interval, now: Date())
        var dirty = true
        var shownSecond = Int(Date().timeIntervalSince1970)
        while SignalTrap.received == nil {
            switch terminal.readEvent() {
            case .key(let key):
                let wasPaused = state.isPaused
                guard state.handle(key) else { return }
                if state.wantsSnapshot {
                    state.wantsSnapshot = false
                    state.message = snapshots.write(state: state, events: events, engine: engine)
                }
                if wasPaused && !state.isPaused {
                    state.store = live
                    if sampler != nil { state.keyspace = feed.sampling }
                }
                dirty = true
            case .resize:
                terminal.invalidate()
                dirty = true
            case .idle:
                break
            }
            let arrived = inbox.drain()
            // Key figures first, so that the rules evaluated at the next sample read them.
            _ = feed.add(arrived.keys, to: &live, now: Date())
            for sample in arrived.samples {
                live.ingest(sample)
                events += engine.eval(now: sample.time, store: live)
                if events.count > 200 { events.removeFirst(events.count - 200) }
            }
            if !(arrived.samples.isEmpty && arrived.keys.isEmpty) && !state.isPaused {
                state.store = live
                state.alerts = rules.isEmpty ? nil : AlertsSnapshot(engine: engine, events: events)
                if sampler != nil { state.keyspace = feed.sampling }
                dirty = true
            }
            let now = Date()
            // Ages and uptime tick once a second even without new samples (not while paused).
            if Int(now.timeIntervalSince1970) != shownSecond && !state.isPaused {
                shownSecond = Int(now.timeIntervalSince1970)
                state.now = now
                dirty = true
            }
            if dirty {
                let size = terminal.size
                terminal.draw(
                    DashboardRenderer.render(state, width: size.width, height: size.height, theme: terminal.theme))
                dirty = false
            }
        }
    }
}
