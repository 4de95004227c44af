/// Text made fit for one terminal cell per column: control characters (which could move the cursor or start
/// an escape sequence of their own) become spaces, and widths count wide characters as two columns.
public enum TerminalText {
    /// `text` on one line: every control character and run of white space becomes one space, and the ends
    /// are trimmed. A query's own escape characters cannot reach the terminal.
    public static func singleLine(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        var pendingSpace = false
        for character in text {
            if character.isWhitespace || isControl(character) {
                pendingSpace = !result.isEmpty
                continue
            }
            if pendingSpace {
                result.append(" ")
                pendingSpace = false
            }
            result.append(character)
        }
        return result
    }

    /// The columns `text` takes on a terminal.
    public static func width(_ text: String) -> Int {
        text.reduce(0) { $0 + width(of: $1) }
    }

    /// The longest start of `text` that takes at most `columns` columns.
    public static func prefix(_ text: String, columns: Int) -> String {
        guard columns > 0 else { return "" }
        var used = 0
        var end = text.startIndex
        for index in text.indices {
            let next = used + width(of: text[index])
            if next > columns { break }
            used = next
            end = text.index(after: index)
        }
        return String(text[..<end])
    }

    /// `text` cut to `columns` and padded with spaces to exactly `columns`, on the right (`.left` alignment)
    /// or on the left (`.right`).
    public static func fitted(_ text: String, columns: Int, alignment: TextTable.Alignment) -> String {
        let cut = prefix(text, columns: columns)
        let padding = String(repeating: " ", count: max(0, columns - width(cut)))
        switch alignment {
        case .left: return cut + padding
        case .right: return padding + cut
        }
    }

    /// The columns one character takes: 0 for a control character, 2 for East Asian wide and fullwidth
    /// characters and emoji (by the ranges of UAX #11 that matter for SQL text), 1 otherwise.
    static func width(of character: Character) -> Int {
        guard let scalar = character.unicodeScalars.first else { return 0 }
        if isControl(character) { return 0 }
        if scalar.value < 0x1100 { return 1 }
        switch scalar.value {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
            0xA000...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60,
            0xFFE0...0xFFE6, 0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x20000...0x2FFFD, 0x30000...0x3FFFD:
            return 2
        default:
            return 1
        }
    }

    private static func isControl(_ character: Character) -> Bool {
        character.unicodeScalars.contains { scalar in
            scalar.properties.generalCategory == .control
                || (scalar.properties.generalCategory == .format && scalar.value != 0x200D)
        }
    }
}
