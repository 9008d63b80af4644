import ArgumentParser

/// The `-i/--interval` rule shared by the commands that poll: at least 50 ms, a finite number.
enum PollInterval {
    /// The shortest interval accepted, in seconds.
    static let minimum = 0.05

    /// Refuses an interval below ``minimum`` (or not finite) with one line.
    static func validate(_ seconds: Double) throws {
        guard seconds >= minimum, seconds.isFinite else {
            throw ValidationError("--interval must be at least 0.05 seconds")
        }
    }
}
