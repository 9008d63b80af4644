import Dashboard
import Testing

@Suite("Display width")
struct DisplayWidthTests {
    @Test("wide characters take two columns; a cut ends with …")
    func truncate() {
        #expect(DisplayWidth.of("ab") == 2)
        #expect(DisplayWidth.of("日本") == 4)
        #expect(DisplayWidth.truncate("abcdef", to: 4) == "abc…")
        #expect(DisplayWidth.truncate("abc", to: 4) == "abc")
    }

    @Test("wrap breaks at spaces, cuts the last allowed line and over-long words")
    func wrap() {
        let text = "key sampling off: SCAN/TYPE/PTTL unknown to the server (renamed or disabled)"
        let two = DisplayWidth.wrap(text, to: 40, maxLines: 2)
        #expect(two == ["key sampling off: SCAN/TYPE/PTTL unknown", "to the server (renamed or disabled)"])
        let one = DisplayWidth.wrap(text, to: 40, maxLines: 1)
        #expect(one.count == 1 && one[0].hasSuffix("…") && DisplayWidth.of(one[0]) == 40)
        let cut = DisplayWidth.wrap(text, to: 20, maxLines: 2)
        #expect(cut == ["key sampling off:", "SCAN/TYPE/PTTL unkn…"])
        #expect(DisplayWidth.wrap("averyveryverylongword next", to: 8, maxLines: 3) == ["averyve…", "next"])
        #expect(DisplayWidth.wrap("", to: 8, maxLines: 2).isEmpty)
        #expect(DisplayWidth.wrap("fits", to: 0, maxLines: 2).isEmpty)
    }
}
