import Alerts
import Dashboard
import Engine
import Export
import Foundation
import Metrics
import Synchronization
import Telemetry

/// The interactive dashboard: the one owner of the terminal, a consumer of the engine. Its loop,
/// on the main thread, waits ≤ 50 ms for a key, applies what the engine delivered, and redraws
/// when something changed. A stalled server only stalls its own node's task.
@MainActor
public struct DashboardLoop {
    /// Seconds between polls (the graphs' tick).
    public let interval: Double
    /// Whether to draw in colour.
    public let colors: Bool
    /// Rules evaluated as samples arrive (empty: the alerts view says so).
    public var rules: RuleSet = DefaultRules.ruleSet
    /// Where the `e` key writes snapshots.
    public let snapshots: SnapshotTarget
    /// Checked between keys: whether to leave (a signal arrived).
    public var shouldStop: () -> Bool = { false }
    /// Called after each step of the engine with its outcome and the live state it left (the
    /// recorder of `--record`; paused or not).
    public var onStep: ((EngineOutcome, EngineState) -> Void)?

    /// Creates a dashboard.
    public init(
        interval: Double, colors: Bool, rules: RuleSet = DefaultRules.ruleSet, snapshots: SnapshotTarget
    ) {
        self.interval = interval
        self.colors = colors
        self.rules = rules
        self.snapshots = snapshots
    }

    /// How the `P` key profiles a node: one window of 10 s.
    public static let profileSchedule = ProfileSchedule.window(10)

    /// Ticks of history kept per node: an hour for up to 16 nodes, then 16 node-hours shared
    /// out (50 nodes: 19 minutes each, never under 5), so memory stays bounded as fleets grow.
    public static func historyTicks(nodes: Int) -> Int {
        max(300, min(3600, 16 * 3600 / max(1, nodes)))
    }

    /// Runs on `engine` until the user quits or a signal arrives; the terminal is restored
    /// either way.
    public func run(on engine: MonitoringEngine) {
        let terminal = CursesTerminal(colors: colors)
        defer { terminal.restore() }
        let first = engine.makeState(
            historyTicks: Self.historyTicks(nodes: engine.nodes.count), rules: rules.rules,
            inhibitions: rules.inhibitions)
        let clock = engine.clock
        var state = DashboardState(engine: first, node: engine.nodes.first ?? "", interval: interval, now: clock.now)
        // While paused the screen shows the state as it was, and the engine's events go on into
        // the live one, kept here; resuming shows it. Otherwise the shown state is the live one,
        // stepped in place (no copy of its series is ever kept).
        var liveWhilePaused: EngineState?
        func step(_ body: (inout EngineState) -> EngineOutcome) -> EngineOutcome {
            guard state.isPaused else { return body(&state.engine) }
            var live = liveWhilePaused ?? state.engine
            liveWhilePaused = nil
            defer { liveWhilePaused = live }
            return body(&live)
        }
        var dirty = true
        var shownSecond = Int(clock.now.timeIntervalSince1970)
        // A profile started with P runs in a task of its own; its outcome is picked up here.
        let profileOutcome = ProfileOutcome()
        var profileTask: Task<Void, Never>?
        defer { profileTask?.cancel() }
        while !shouldStop() {
            switch terminal.readEvent() {
            case .key(let key):
                guard state.handle(key) else { return }
                if !state.isPaused, let live = liveWhilePaused {
                    state.engine = live
                    liveWhilePaused = nil
                }
                if state.wantsSnapshot {
                    state.wantsSnapshot = false
                    state.message = snapshots.write(shown: state)
                }
                if state.wantsProfile {
                    state.wantsProfile = false
                    if let endpoint = engine.fleet.endpoint(of: state.node) {
                        let profiler = NamespaceProfiler(
                            endpoint: endpoint, configuration: engine.fleet.connectionConfiguration,
                            schedule: Self.profileSchedule)
                        let node = state.node
                        state.runningProfile = (node, clock.now, Self.profileSchedule.seconds)
                        // Redis 8.6+ measures hot keys itself: a HOTKEYS session runs beside MONITOR.
                        let session =
                            state.store[node]?.lastInfo.flatMap(PollCapabilities.hotkeyDialect)
                                == .redisSession
                            ? HotkeySession(
                                endpoint: endpoint, configuration: engine.fleet.connectionConfiguration,
                                seconds: Self.profileSchedule.seconds) : nil
                        state.message =
                            "profiling \(node) with MONITOR\(session == nil ? "" : " and HOTKEYS") for \(Self.profileSchedule)"
                        profileTask = Task.detached {
                            async let hotKeys: Result<ServerHotKeys, any Error>? = {
                                guard let session else { return nil }
                                do { return .success(try await session.run().hotKeys) } catch { return .failure(error) }
                            }()
                            let result: Result<ProfileReport, any Error>
                            do { result = .success(try await profiler.run(node: node)) } catch {
                                result = .failure(error)
                            }
                            let measured = await hotKeys
                            profileOutcome.hotKeys.withLock { $0 = measured }
                            profileOutcome.result.withLock { $0 = result }
                        }
                    }
                }
                dirty = true
            case .resize:
                terminal.invalidate()
                dirty = true
            case .idle:
                break
            }
            if let finished = profileOutcome.result.withLock({ outcome in
                defer { outcome = nil }; return outcome
            }) {
                let hotKeys = profileOutcome.hotKeys.withLock { outcome in
                    defer { outcome = nil }; return outcome
                }
                switch finished {
                case .success(let report):
                    _ = step { live in
                        live.apply(profile: report)
                        if case .success(let measured)? = hotKeys {
                            live.apply(serverHotKeys: measured, node: report.node)
                        }
                        return EngineOutcome()
                    }
                    state.message =
                        "profile of \(report.node): \(report.namespaces.count) namespaces, misses from \(report.missSource.rawValue)"
                case .failure(let error):
                    state.message = "profile failed: \(error)"
                }
                if case .failure(let error)? = hotKeys { state.message = (state.message ?? "") + "; HOTKEYS: \(error)" }
                state.runningProfile = nil
                profileTask = nil
                dirty = true
            }
            let batch = engine.events.drain()
            let outcome = step { live in
                let outcome = live.apply(batch, now: clock.now)
                onStep?(outcome, live)
                return outcome
            }
            if let notice = outcome.notices.last { state.message = notice }
            if outcome.changedAnything && !state.isPaused {
                // A node that left is no longer shown.
                if state.store[state.node] == nil, let first = state.store.nodeNames.first { state.node = first }
                dirty = true
            }
            let now = clock.now
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

/// Where a profile's task leaves its outcome for the dashboard's loop.
private final class ProfileOutcome: Sendable {
    let result = Mutex<Result<ProfileReport, any Error>?>(nil)
    /// The HOTKEYS session's result, on Redis 8.6+ (set before ``result``).
    let hotKeys = Mutex<Result<ServerHotKeys, any Error>?>(nil)
}
