import Dashboard

/// What reading the terminal produced.
public enum TerminalEvent: Sendable, Equatable {
    /// A key.
    case key(Key)
    /// The terminal changed size: redraw everything.
    case resize
    /// Nothing within the read timeout.
    case idle
}
