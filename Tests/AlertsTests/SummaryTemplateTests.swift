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

    @Test("a count of one takes the singular of the word after it: 1 key, 1 key/s; other counts and words stay")
    func grammar() {
        func render(_ template: String, value: String) -> String {
            SummaryTemplate.render(template) { $0 == "value" ? value : $0 == "namespace" ? "keys:*" : nil }
        }
        #expect(render("{{value}} keys of {{namespace}}", value: "1") == "1 key of keys:*")
        #expect(render("~{{value}} keys expire", value: "1") == "~1 key expire")
        #expect(render("{{value}} keys/s evicted", value: "1") == "1 key/s evicted")
        #expect(render("{{value}} sentinels in TILT", value: "1") == "1 sentinel in TILT")
        #expect(render("{{value}} keys of {{namespace}}", value: "2") == "2 keys of keys:*")
        #expect(render("{{value}} keys", value: "1.5") == "1.5 keys")
        #expect(render("{{value}} keysets", value: "1") == "1 keysets", "a known word only, whole")
        #expect(render("{{value}} s stale", value: "1") == "1 s stale")
        #expect(render("{{namespace}} keys", value: "1") == "keys:* keys", "after a count only")
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
