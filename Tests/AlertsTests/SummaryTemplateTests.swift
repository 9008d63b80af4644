import Alerts
import Testing

@Suite("Summary templates")
struct SummaryTemplateTests {
    private static let known = ["value": "42", "node": "10.0.0.1:6379", "namespace": "{{value}}:*", "empty": ""]

    private func render(_ template: String) -> String {
        SummaryTemplate.render(template) { Self.known[String($0)] }
    }

    @Test("placeholders are replaced; unknown ones, stray braces and unclosed ones stay as written")
    func replaces() {
        #expect(render("{{value}} clients on {{node}}") == "42 clients on 10.0.0.1:6379")
        #expect(render("{{value}}{{value}}") == "4242")
        #expect(render("no placeholder") == "no placeholder")
        #expect(render("") == "")
        #expect(render("{{unknown}} and {{value}}") == "{{unknown}} and 42")
        #expect(render("{{{value}}}") == "{42}")
        #expect(render("{value} {{value} {{value") == "{value} {{value} {{value")
        #expect(render("a{{empty}}b") == "ab")
        #expect(render("{{}}") == "{{}}")
    }

    @Test("what is put in is not read again: a namespace named like a placeholder stays its name")
    func noReexpansion() {
        #expect(render("{{namespace}} at {{value}}") == "{{value}}:* at 42")
    }

    @Test("text around placeholders keeps every character, wide and combined ones included")
    func unicode() {
        #expect(render("é{{value}}ü — 日本 {{node}} 👍🏽") == "é42ü — 日本 10.0.0.1:6379 👍🏽")
        #expect(render("{{value}}\u{301}") == "42\u{301}")
    }
}
