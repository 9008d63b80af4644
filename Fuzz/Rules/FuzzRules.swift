import Alerts
import FuzzSupport

/// Any text as a rules file: rules, or one error line with a place in the file.
enum RulesHarness {
    static func run(_ bytes: [UInt8]) {
        let text = String(decoding: bytes.prefix(1 << 20), as: UTF8.self)
        do {
            let rules = try RuleFile.parse(text, source: "fuzz.yaml")
            for rule in rules { FuzzReplay.check(!rule.name.isEmpty, "a rule without a name") }
        } catch {
            FuzzReplay.check(!error.description.contains("\n"), "an error of more than one line")
            FuzzReplay.check(error.description.hasPrefix("fuzz.yaml"), "an error without its place")
        }
    }
}

#if FUZZING
@_cdecl("FuzzRules_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    FuzzDriver.run(argc, argv, RulesHarness.run)
}
#else
@main
enum Replay {
    static func main() { FuzzReplay.run(RulesHarness.run) }
}
#endif
