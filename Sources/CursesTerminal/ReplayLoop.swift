import Alerts
import Dashboard
import Engine
import Export
import Foundation
import Recording

/// `cachewatch replay DIR`: the dashboard on a recording, every view as it was at the moment
/// shown, with time travel — play and pause, a tick back and on, ±1 and ±10 minutes, a time
/// typed in, ×1 to ×60. The same renderer and views as the live dashboard; the one owner of the
/// terminal while it runs.
@MainActor
public struct ReplayLoop {
    /// The recording's session.
    public let session: ReplaySession
    /// Whether to draw in colour.
    public let colors: Bool
    /// Where the `e` key writes snapshots (of the moment shown).
    public let snapshots: SnapshotTarget
    /// Checked between keys: whether to leave (a signal arrived).
    public var shouldStop: () -> Bool = { false }

    /// Creates a replay's dashboard.
    public init(session: ReplaySession, colors: Bool, snapshots: SnapshotTarget) {
        self.session = session
        self.colors = colors
        self.snapshots = snapshots
    }

    /// Runs from `start` (paused, or playing when `play`) until the user quits or a signal
    /// arrives; the terminal is restored either way.
    public func run(from start: Double, play: Bool = false) {
        let terminal = CursesTerminal(colors: colors)
        defer { terminal.restore() }
        var position = ReplayPosition(time: start, span: session.span)
        position.isPlaying = play
        let first: EngineState
        do {
            first = try session.state(at: position.time, history: Double(DashboardState.windows[1]))
        } catch {
            terminal.restore()
            FileHandle.standardError.write(Data("cachewatch: \(error)\n".utf8))
            return
        }
        var state = DashboardState(
            engine: first, node: first.store.nodeNames.first ?? "", interval: session.interval,
            now: Date(timeIntervalSince1970: position.time))
        position.needsSeek = false
        state.replay = position
        let pacing = ContinuousClock()
        var lastFrame = pacing.now
        var shownWindow = DashboardState.windows[1]
        var dirty = true
        while !shouldStop() {
            switch terminal.readEvent() {
            case .key(let key):
                guard state.handle(key) else { return }
                if state.wantsSnapshot {
                    state.wantsSnapshot = false
                    state.message = snapshots.write(shown: state)
                }
                dirty = true
            case .resize:
                terminal.invalidate()
                dirty = true
            case .idle:
                break
            }
            let now = pacing.now
            let elapsed = (now - lastFrame).secondsDouble
            lastFrame = now
            guard var replay = state.replay else { return }
            do {
                try move(&replay, elapsed: elapsed)
                // The graphs' window is the history loaded: a wider one is read when chosen.
                if replay.needsSeek || replay.time != state.replay?.time || state.windowSeconds != shownWindow {
                    replay.needsSeek = false
                    shownWindow = state.windowSeconds
                    let engine = try session.state(at: replay.time, history: Double(state.windowSeconds))
                    state.engine = engine
                    state.now = Date(timeIntervalSince1970: replay.time)
                    if state.store[state.node] == nil, let node = state.store.nodeNames.first { state.node = node }
                    dirty = true
                }
            } catch {
                state.message = "\(error)"
                replay.isPlaying = false
                dirty = true
            }
            if replay != state.replay { dirty = true }
            state.replay = replay
            if dirty {
                let size = terminal.size
                terminal.draw(
                    DashboardRenderer.render(state, width: size.width, height: size.height, theme: terminal.theme))
                dirty = false
            }
        }
    }

    /// Moves the position: whole ticks asked for by a key, or on by the time played.
    private func move(_ replay: inout ReplayPosition, elapsed: Double) throws(RecordingError) {
        while replay.pendingSteps > 0 {
            replay.pendingSteps -= 1
            guard let next = try session.tick(after: replay.time) else {
                replay.pendingSteps = 0
                break
            }
            replay.time = next
        }
        while replay.pendingSteps < 0 {
            replay.pendingSteps += 1
            guard let previous = try session.tick(before: replay.time) else {
                replay.pendingSteps = 0
                break
            }
            replay.time = previous
        }
        guard replay.isPlaying else { return }
        let next = replay.time + elapsed * Double(replay.speed)
        if next >= replay.span.upperBound {
            replay.time = replay.span.upperBound
            replay.isPlaying = false
        } else {
            replay.time = next
        }
    }
}
