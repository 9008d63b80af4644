import CNCurses
import Dashboard

/// ncurses key codes and characters to ``Key``s.
enum KeyTranslation {
    static func key(forCode code: Int32) -> Key? {
        switch code {
        case KEY_UP: return .up
        case KEY_DOWN: return .down
        case KEY_LEFT: return .left
        case KEY_RIGHT: return .right
        case KEY_NPAGE: return .pageDown
        case KEY_PPAGE: return .pageUp
        case KEY_HOME: return .home
        case KEY_END: return .end
        case KEY_BACKSPACE, KEY_DC: return .backspace
        case KEY_ENTER: return .enter
        default:
            for number in 1...12 where code == cw_key_f(Int32(number)) { return .function(number) }
            return nil
        }
    }

    static func key(forCharacter value: UInt32) -> Key? {
        switch value {
        case 27: return .escape
        case 10, 13: return .enter
        case 9: return .tab
        case 8, 127: return .backspace
        case 3: return .character("q")  // Ctrl-C in case the terminal delivers it as a byte
        default:
            guard value >= 32, let scalar = Unicode.Scalar(value) else { return nil }
            return .character(Character(scalar))
        }
    }
}
