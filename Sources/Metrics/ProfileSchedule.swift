/// When a profile has `MONITOR` on: one window, or short bursts at a steady pace so that a
/// long profile costs the server a small share of the time.
public struct ProfileSchedule: Sendable, Hashable, CustomStringConvertible {
    /// How long the profile lasts, in seconds.
    public let seconds: Double
    /// How long each burst of `MONITOR` lasts; equal to ``seconds`` for one window.
    public let burstSeconds: Double
    /// Seconds from one burst's start to the next.
    public let everySeconds: Double

    /// One window of `seconds`.
    public static func window(_ seconds: Double) -> ProfileSchedule {
        ProfileSchedule(seconds: seconds, burstSeconds: seconds, everySeconds: seconds)
    }

    /// Bursts of `burst` seconds every `every` seconds for `seconds` in all (at least one burst).
    public static func bursts(_ burst: Double, every: Double, for seconds: Double) -> ProfileSchedule {
        ProfileSchedule(seconds: max(seconds, burst), burstSeconds: burst, everySeconds: max(every, burst))
    }

    private init(seconds: Double, burstSeconds: Double, everySeconds: Double) {
        self.seconds = max(0.1, seconds)
        self.burstSeconds = max(0.05, min(burstSeconds, self.seconds))
        self.everySeconds = max(self.burstSeconds, everySeconds)
    }

    /// Whether it is one window.
    public var isOneWindow: Bool { burstSeconds >= seconds }

    /// The share of the time `MONITOR` is on (1 for one window).
    public var dutyCycle: Double { isOneWindow ? 1 : burstSeconds / everySeconds }

    /// The bursts' start offsets from the profile's start, in seconds.
    public var burstStarts: [Double] {
        guard !isOneWindow else { return [0] }
        return Array(stride(from: 0, to: seconds - 0.001, by: everySeconds))
    }

    /// `10 s` or `0.25 s every 15 s for 120 s`.
    public var description: String {
        isOneWindow
            ? "\(Self.text(seconds)) s"
            : "\(Self.text(burstSeconds)) s every \(Self.text(everySeconds)) s for \(Self.text(seconds)) s"
    }

    private static func text(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }
}
