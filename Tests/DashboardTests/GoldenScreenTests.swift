import Dashboard
import Foundation
import Testing

/// Screens rendered from fixed states, compared with checked-in text snapshots. A missing
/// snapshot is written and the test fails, so nothing is accepted unseen.
@Suite("Golden screens")
struct GoldenScreenTests {
    private static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
        "Golden")

    static func check(_ screen: Screen, _ name: String) throws {
        let file = directory.appendingPathComponent(name + ".txt")
        let actual = screen.text + "\n"
        guard let expected = try? String(contentsOf: file, encoding: .utf8) else {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try actual.write(to: file, atomically: true, encoding: .utf8)
            Issue.record("golden \(name).txt was missing: recorded it; review it and commit it")
            return
        }
        #expect(actual == expected, "screen \(name) changed; delete Golden/\(name).txt to re-record after review")
    }

    @Test("every view at 80×24 and 120×40", arguments: DashboardView.allCases)
    func views(view: DashboardView) throws {
        let state = DashboardFixture.state(view: view)
        for (width, height) in [(80, 24), (120, 40)] {
            let screen = DashboardRenderer.render(state, width: width, height: height)
            #expect(screen.width == width && screen.height == height)
            try Self.check(screen, "\(view.rawValue)-\(String(describing: view))-\(width)x\(height)")
        }
    }

    @Test("help, ASCII fallback and the too-small screen")
    func specialScreens() throws {
        var state = DashboardFixture.state()
        state.showsHelp = true
        try Self.check(DashboardRenderer.render(state, width: 80, height: 24), "help-80x24")
        state.showsHelp = false
        try Self.check(
            DashboardRenderer.render(state, width: 80, height: 24, theme: Theme(glyphs: .ascii, usesColor: false)),
            "overview-ascii-80x24")
        try Self.check(DashboardRenderer.render(state, width: 60, height: 20), "too-small-60x20")
    }
}
