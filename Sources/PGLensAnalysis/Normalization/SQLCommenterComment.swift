/// Parses sqlcommenter comments: `/*key='value',key2='value2'*/`, keys and values URL-encoded, values
/// single-quoted with `\'` escapes (https://google.github.io/sqlcommenter/spec/).
enum SQLCommenterComment {
    /// The decoded pairs of a block comment's bytes (`/*` and `*/` included), or nil when the comment is
    /// not entirely sqlcommenter pairs.
    static func parse(_ comment: ArraySlice<UInt8>) -> [String: String]? {
        guard comment.count >= 4 else { return nil }
        let body = trimmed(comment.dropFirst(2).dropLast(2))
        guard !body.isEmpty else { return nil }
        var pairs: [String: String] = [:]
        var index = body.startIndex
        while index < body.endIndex {
            guard let equals = body[index...].firstIndex(of: UInt8(ascii: "=")),
                let key = percentDecoded(trimmed(body[index..<equals])), !key.isEmpty
            else { return nil }
            var cursor = equals + 1
            guard cursor < body.endIndex, body[cursor] == UInt8(ascii: "'") else { return nil }
            cursor += 1
            var raw: [UInt8] = []
            var closed = false
            while cursor < body.endIndex {
                let byte = body[cursor]
                if byte == UInt8(ascii: "\\"), cursor + 1 < body.endIndex {
                    raw.append(body[cursor + 1])
                    cursor += 2
                } else if byte == UInt8(ascii: "'") {
                    closed = true
                    cursor += 1
                    break
                } else {
                    raw.append(byte)
                    cursor += 1
                }
            }
            guard closed, let value = percentDecoded(raw[...]) else { return nil }
            pairs[key] = value
            while cursor < body.endIndex, SQLLexer.isWhitespace(body[cursor]) { cursor += 1 }
            if cursor < body.endIndex {
                guard body[cursor] == UInt8(ascii: ",") else { return nil }
                cursor += 1
            }
            index = cursor
        }
        return pairs.isEmpty ? nil : pairs
    }

    private static func trimmed(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var slice = bytes
        while let first = slice.first, SQLLexer.isWhitespace(first) { slice = slice.dropFirst() }
        while let last = slice.last, SQLLexer.isWhitespace(last) { slice = slice.dropLast() }
        return slice
    }

    /// Decodes `%XX` escapes; nil for a malformed escape or invalid UTF-8.
    private static func percentDecoded(_ bytes: ArraySlice<UInt8>) -> String? {
        var decoded: [UInt8] = []
        decoded.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            if bytes[index] == UInt8(ascii: "%") {
                guard index + 2 < bytes.endIndex,
                    let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2])
                else { return nil }
                decoded.append(high << 4 | low)
                index += 3
            } else {
                decoded.append(bytes[index])
                index += 1
            }
        }
        let text = String(decoding: decoded, as: UTF8.self)
        return text.utf8.elementsEqual(decoded) ? text : nil
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        Character(Unicode.Scalar(byte)).hexDigitValue.map(UInt8.init)
    }
}
