/// The hashes that let the analysis tell whether a statement's parameter values came from the rows of the
/// statement before it, without keeping either: a value hash that is the same for a key however it was
/// sent (text or binary, in a DataRow, a Bind or a SQL literal), and a shape hash that names a statement
/// across executions whatever its literal values.
public enum LineageHash {
    /// Values longer than this are not keys worth following (and are not hashed).
    public static let maximumValueLength = 64

    /// The hash of one value as the server or the client sent it: text values by their bytes; binary values
    /// of 2, 4 or 8 bytes read as a big-endian integer and hashed as its decimal text (so an `int4` in a
    /// binary DataRow and the same key as a text Bind value or a SQL literal hash alike); 16 binary bytes as
    /// a UUID's text. Nil for values too long to be keys.
    public static func value(_ bytes: UnsafeRawBufferPointer, binary: Bool) -> UInt64? {
        guard bytes.count <= maximumValueLength else { return nil }
        var hasher = FNV1a64()
        if binary {
            switch bytes.count {
            case 2, 4, 8:
                var integer: Int64 = 0
                for byte in bytes { integer = integer << 8 | Int64(byte) }
                if bytes.count == 2 { integer = Int64(Int16(truncatingIfNeeded: integer)) }
                if bytes.count == 4 { integer = Int64(Int32(truncatingIfNeeded: integer)) }
                return decimalHash(integer)
            case 16:
                hasher.combine(uuidText(bytes))
                return hasher.value
            default:
                break
            }
        }
        hasher.combine(
            UnsafeBufferPointer(start: bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), count: bytes.count))
        return hasher.value
    }

    /// The hash of `integer`'s decimal text (what a text-format value of it hashes to), without making the
    /// text.
    static func decimalHash(_ integer: Int64) -> UInt64 {
        var hasher = FNV1a64()
        if integer < 0 { hasher.combine(UInt8(ascii: "-")) }
        var magnitude = integer.magnitude
        var divisor: UInt64 = 1
        while magnitude / divisor >= 10 { divisor *= 10 }
        while divisor > 0 {
            hasher.combine(UInt8(ascii: "0") + UInt8(magnitude / divisor))
            magnitude %= divisor
            divisor /= 10
        }
        return hasher.value
    }

    /// The hash of a value written as text (a SQL literal's value, without its quotes).
    public static func value(text: Substring) -> UInt64? {
        guard text.utf8.count <= maximumValueLength else { return nil }
        var hasher = FNV1a64()
        hasher.combine(text.utf8)
        return hasher.value
    }

    /// A statement's name across executions: the hash of its text with digits and the contents of quoted
    /// strings left out, and of which statement of the text it is. Two executions of one statement with
    /// other literal values (`WHERE user_id = 7`, `= 9`) share it; the analysis arms result sampling by it,
    /// and the event loops compute it only while something is armed.
    public static func shape(of text: String, statementIndex: Int) -> UInt64 {
        var hasher = FNV1a64()
        var text = text
        text.withUTF8 { bytes in
            var inString = false
            for byte in bytes.prefix(8192) {
                if byte == UInt8(ascii: "'") {
                    inString.toggle()
                    hasher.combine(byte)
                } else if !inString, byte < UInt8(ascii: "0") || byte > UInt8(ascii: "9") {
                    hasher.combine(byte)
                }
            }
        }
        hasher.combine(word: UInt64(statementIndex))
        return hasher.value
    }

    private static func uuidText(_ bytes: UnsafeRawBufferPointer) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(36)
        for (index, byte) in bytes.enumerated() {
            if index == 4 || index == 6 || index == 8 || index == 10 { text.append(UInt8(ascii: "-")) }
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
