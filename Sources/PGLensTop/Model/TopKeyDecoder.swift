/// Turns the bytes a terminal in raw mode sends into ``TopKey``s. Escape sequences (arrow keys, function
/// keys, a paste's brackets) are skipped whole, so that their letters are not taken for keys.
public struct TopKeyDecoder: Sendable {
    private enum State: Sendable {
        /// Between keys.
        case ground
        /// After ESC.
        case escape
        /// Inside a control sequence (`ESC [` or `ESC O`), until its final byte.
        case controlSequence
    }

    private var state = State.ground

    /// A decoder between keys.
    public init() {}

    /// The keys in `bytes`, which may end in the middle of an escape sequence (the rest comes with the next
    /// read).
    public mutating func keys(in bytes: some Sequence<UInt8>) -> [TopKey] {
        var keys: [TopKey] = []
        for byte in bytes {
            switch state {
            case .ground:
                if byte == 0x1B {
                    state = .escape
                } else if let key = Self.key(for: byte) {
                    keys.append(key)
                }
            case .escape:
                // ESC [ and ESC O open a sequence; ESC and another byte is Alt and that key: ignored.
                state = byte == UInt8(ascii: "[") || byte == UInt8(ascii: "O") ? .controlSequence : .ground
                if byte == 0x1B { state = .escape }
            case .controlSequence:
                // Parameters and intermediates are 0x20-0x3F; the final byte is 0x40-0x7E (ECMA-48 5.4).
                if (0x40...0x7E).contains(byte) || !(0x20...0x7E).contains(byte) { state = .ground }
            }
        }
        return keys
    }

    private static func key(for byte: UInt8) -> TopKey? {
        switch byte {
        case UInt8(ascii: "t"), UInt8(ascii: "T"): return .sort(.totalTime)
        case UInt8(ascii: "m"), UInt8(ascii: "M"): return .sort(.meanTime)
        case UInt8(ascii: "c"), UInt8(ascii: "C"): return .sort(.calls)
        case UInt8(ascii: "q"), UInt8(ascii: "Q"), 0x03, 0x04: return .quit
        case 0x0C: return .redraw
        default: return nil
        }
    }
}
