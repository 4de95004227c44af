/// A 128-bit hash of a SQL text's shape: the text with its numeric constants and plain single-quoted
/// string constants left out, so that `... WHERE id = 1` and `... WHERE id = 2` share a shape. Two texts of
/// one shape normalize alike (constants are what normalization replaces), so the normalization of one can
/// be reused for the other without lexing: that is what lets the analysis keep up with drivers that put
/// their values into the SQL text (psycopg2, client-side interpolation, `pgbench -M simple`).
///
/// The scan is deliberately conservative: a text holding anything whose constants it does not follow
/// exactly (comments, dollar quotes, `E'...'`, `B'...'`, `X'...'`, `U&'...'` and other prefixed strings,
/// `::` casts, whose type modifiers keep their numbers, or a backslash in a string when
/// `standard_conforming_strings` is off) has no shape, and is cached by its whole text instead.
struct LiteralShape: Equatable {
    /// The two independent 64-bit halves of the hash.
    var first: UInt64
    var second: UInt64

    /// The shape of `text`, or nil when the quick scan cannot vouch for it.
    init?(_ text: String, standardConformingStrings: Bool) {
        var text = text
        guard
            let shape = text.withUTF8({ bytes in
                Self.scan(bytes, standardConformingStrings: standardConformingStrings)
            })
        else { return nil }
        self = shape
    }

    private init(first: UInt64, second: UInt64) {
        self.first = first
        self.second = second
    }

    /// Marks where a constant was left out.
    private static let numberMark: UInt8 = 0x01
    private static let stringMark: UInt8 = 0x02

    private static func scan(_ bytes: UnsafeBufferPointer<UInt8>, standardConformingStrings: Bool) -> LiteralShape? {
        var first = FNV1a64()
        var second: UInt64 = 0x9E37_79B9_7F4A_7C15
        func add(_ byte: UInt8) {
            first.combine(byte)
            second = (second ^ UInt64(byte)) &* 0xff51_afd7_ed55_8ccd
            second ^= second >> 29
        }
        let count = bytes.count
        var index = 0
        var previous: UInt8 = 0x20
        while index < count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "'"):
                // A prefixed string (E'', B'', X'', U&'', N'') or a typed one without a space is not followed.
                if SQLLexer.isIdentifierContinuation(previous) || previous == UInt8(ascii: "&") { return nil }
                index += 1
                var closed = false
                while index < count {
                    let inner = bytes[index]
                    if inner == UInt8(ascii: "\\") && !standardConformingStrings { return nil }
                    if inner == UInt8(ascii: "'") {
                        if index + 1 < count, bytes[index + 1] == UInt8(ascii: "'") {
                            index += 2
                            continue
                        }
                        closed = true
                        break
                    }
                    index += 1
                }
                guard closed else { return nil }
                add(stringMark)
                previous = UInt8(ascii: "'")
                index += 1
            case UInt8(ascii: "\""):
                // A quoted identifier: kept as written.
                add(byte)
                index += 1
                var closed = false
                while index < count {
                    let inner = bytes[index]
                    add(inner)
                    index += 1
                    if inner == UInt8(ascii: "\"") {
                        if index < count, bytes[index] == UInt8(ascii: "\"") {
                            add(bytes[index])
                            index += 1
                            continue
                        }
                        closed = true
                        break
                    }
                }
                guard closed else { return nil }
                previous = UInt8(ascii: "\"")
            case UInt8(ascii: "-") where index + 1 < count && bytes[index + 1] == UInt8(ascii: "-"),
                UInt8(ascii: "/") where index + 1 < count && bytes[index + 1] == UInt8(ascii: "*"),
                UInt8(ascii: ":") where index + 1 < count && bytes[index + 1] == UInt8(ascii: ":"),
                UInt8(ascii: "\\"):
                return nil
            case UInt8(ascii: "$"):
                guard index + 1 < count else { return nil }
                if SQLLexer.isIdentifierContinuation(previous) || SQLLexer.isDigit(bytes[index + 1]) {
                    // Part of an identifier, or a parameter `$n` (kept with its number).
                    add(byte)
                    previous = byte
                    index += 1
                } else {
                    return nil  // a dollar quote
                }
            default:
                let startsNumber =
                    SQLLexer.isDigit(byte)
                    || (byte == UInt8(ascii: ".") && index + 1 < count && SQLLexer.isDigit(bytes[index + 1]))
                if startsNumber, !SQLLexer.isIdentifierContinuation(previous), previous != UInt8(ascii: ".") {
                    index = endOfNumber(bytes, from: index)
                    add(numberMark)
                    previous = numberMark
                } else {
                    add(byte)
                    previous = byte
                    index += 1
                }
            }
        }
        return LiteralShape(first: first.value, second: second)
    }

    /// The index after a numeric constant starting at `start`, as PostgreSQL 16 lexes one: `0x`, `0o` and
    /// `0b` integers, or digits with an optional fraction and exponent, `_` between digits. Letters that
    /// follow are not part of it (and are kept in the shape).
    private static func endOfNumber(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        let count = bytes.count
        func isDigitOrSeparator(_ index: Int) -> Bool {
            index < count && (SQLLexer.isDigit(bytes[index]) || bytes[index] == UInt8(ascii: "_"))
        }
        var index = start
        if bytes[start] == UInt8(ascii: "0"), start + 1 < count {
            let prefix = bytes[start + 1] | 0x20
            if prefix == UInt8(ascii: "x") || prefix == UInt8(ascii: "o") || prefix == UInt8(ascii: "b") {
                index = start + 2
                while index < count {
                    let lower = bytes[index] | 0x20
                    let isHexLetter =
                        prefix == UInt8(ascii: "x") && lower >= UInt8(ascii: "a") && lower <= UInt8(ascii: "f")
                    guard isDigitOrSeparator(index) || isHexLetter else { break }
                    index += 1
                }
                return index
            }
        }
        while isDigitOrSeparator(index) { index += 1 }
        if index < count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            while isDigitOrSeparator(index) { index += 1 }
        }
        if index < count, bytes[index] | 0x20 == UInt8(ascii: "e") {
            var exponent = index + 1
            if exponent < count, bytes[exponent] == UInt8(ascii: "+") || bytes[exponent] == UInt8(ascii: "-") {
                exponent += 1
            }
            if exponent < count, SQLLexer.isDigit(bytes[exponent]) {
                index = exponent
                while isDigitOrSeparator(index) { index += 1 }
            }
        }
        return index
    }
}
