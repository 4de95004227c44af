/// Where each key of a TOML document is written, by full dotted path.
///
/// TOMLKit gives no positions for parsed values, so this scans the text itself: table headers
/// (`[databases.app]`) and `key = value` lines. It is only a hint for messages; a key it cannot
/// place has no line.
struct SourceLineIndex {
    private var lines: [String: Int] = [:]

    init(toml: String) {
        var table: [String] = []
        var openMultilineQuote: String?
        var number = 0
        for rawLine in toml.split(separator: "\n", omittingEmptySubsequences: false) {
            number += 1
            let line = Substring(String(rawLine).trimmingWhitespace)
            if let quote = openMultilineQuote {
                if line.segmentCount(separatedBy: quote) % 2 == 0 {
                    openMultilineQuote = nil
                }
                continue
            }
            if line.isEmpty || line.hasPrefix("#") {
                continue
            }
            if line.hasPrefix("[") {
                let inner = line.drop(while: { $0 == "[" })
                if let path = Self.dottedKey(inner, terminator: "]") {
                    table = path
                    record(table, number)
                }
                continue
            }
            guard let keyPath = Self.dottedKey(line, terminator: "=") else { continue }
            record(table + keyPath, number)
            for quote in ["\"\"\"", "'''"] where line.segmentCount(separatedBy: quote) % 2 == 0 {
                openMultilineQuote = quote
            }
        }
    }

    private mutating func record(_ path: [String], _ line: Int) {
        let key = path.joined(separator: ".")
        if lines[key] == nil {
            lines[key] = line
        }
    }

    /// The line of `key`, else of the nearest enclosing table that has one.
    func line(for key: String) -> Int? {
        var path = key.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        while !path.isEmpty {
            if let line = lines[path.joined(separator: ".")] {
                return line
            }
            path.removeLast()
        }
        return nil
    }

    /// Parses `a.b."c d"` up to `terminator`; nil when the text is not a key followed by it.
    private static func dottedKey(_ text: Substring, terminator: Character) -> [String]? {
        var rest = text
        var parts: [String] = []
        while true {
            rest = rest.drop(while: { $0 == " " || $0 == "\t" })
            var part = ""
            if let quote = rest.first, quote == "\"" || quote == "'" {
                rest.removeFirst()
                while let character = rest.popFirst(), character != quote {
                    if character == "\\", quote == "\"", let escaped = rest.popFirst() {
                        part.append(escaped)
                    } else {
                        part.append(character)
                    }
                }
            } else {
                while let first = rest.first, first.isLetter || first.isNumber || first == "_" || first == "-" {
                    part.append(rest.removeFirst())
                }
                if part.isEmpty {
                    return nil
                }
            }
            parts.append(part)
            rest = rest.drop(while: { $0 == " " || $0 == "\t" })
            guard let next = rest.popFirst() else { return nil }
            if next == terminator {
                return parts
            }
            if next != "." {
                return nil
            }
        }
    }
}

extension Substring {
    /// How many times `separator` splits the text, plus one (1 when it does not occur).
    fileprivate func segmentCount(separatedBy separator: String) -> Int {
        var count = 1
        var rest = self[...]
        while let range = rest.firstRange(of: separator) {
            count += 1
            rest = rest[range.upperBound...]
        }
        return count
    }
}
