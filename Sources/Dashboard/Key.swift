/// A key press as the dashboard sees it (the terminal layer translates its codes).
public enum Key: Sendable, Hashable {
    /// A printable character.
    case character(Character)
    /// Arrow keys.
    case up, down, left, right
    /// Page keys.
    case pageUp, pageDown, home, end
    /// F1…F12.
    case function(Int)
    /// Escape, Enter, Backspace, Tab.
    case escape, enter, backspace, tab
    /// The mouse wheel.
    case wheelUp, wheelDown
}
