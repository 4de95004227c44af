import Foundation

/// The Markdown and number formatting of the audit: code spans and fences that survive any query text,
/// table cells that cannot break a table, and numbers written the same way on every run.
enum MarkdownText {
    /// `text` as an inline code span, on one line (a span holding backticks gets a longer fence).
    static func code(_ text: String) -> String {
        let flat = oneLine(text)
        guard !flat.isEmpty else { return "` `" }
        var fence = "`"
        while flat.contains(fence) { fence += "`" }
        let padded = flat.hasPrefix("`") || flat.hasSuffix("`") ? " \(flat) " : flat
        return fence + padded + fence
    }

    /// A fenced code block with `language`, its fence longer than any run of backticks inside.
    static func codeBlock(_ text: String, language: String = "") -> [String] {
        var fence = "```"
        while text.contains(fence) { fence += "`" }
        let body = text.split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.hasSuffix("\r") ? String($0.dropLast()) : String($0)
        }
        return [fence + language] + body + [fence]
    }

    /// `text` made safe for a table cell: one line, pipes escaped.
    static func cell(_ text: String) -> String {
        oneLine(text).replacing("|", with: "\\|")
    }

    /// `text` on one line: line breaks and runs of white space become one space.
    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    /// `text` cut to `limit` characters, with `...` when cut.
    static func shortened(_ text: String, to limit: Int) -> String {
        let flat = oneLine(text)
        guard flat.count > limit, limit > 3 else { return flat }
        return flat.prefix(limit - 3) + "..."
    }

    /// A table: a header row, its alignment row (`true` for right-aligned numbers), then the rows.
    static func table(_ header: [String], rightAligned: [Bool], rows: [[String]]) -> [String] {
        var lines = ["| " + header.joined(separator: " | ") + " |"]
        lines.append("|" + rightAligned.map { $0 ? "---:|" : "---|" }.joined())
        for row in rows { lines.append("| " + row.joined(separator: " | ") + " |") }
        return lines
    }

    /// Milliseconds with a precision that suits their size: `0.42 ms`, `12.3 ms`, `4 512 ms`.
    static func milliseconds(_ value: Double) -> String {
        number(value) + " ms"
    }

    /// A measured number: two decimals under 10, one under 1000, none above (digits grouped by three).
    static func number(_ value: Double) -> String {
        guard value.isFinite else { return "n/a" }
        let magnitude = abs(value)
        if magnitude < 10 { return String(format: "%.2f", value) }
        if magnitude < 1000 { return String(format: "%.1f", value) }
        return count(Int(value.rounded()))
    }

    /// An integer with its digits grouped by three with spaces (`12 345`), the same in every locale.
    static func count<Integer: BinaryInteger>(_ value: Integer) -> String {
        let digits = String(value.magnitude)
        var groups: [Substring] = []
        var end = digits.endIndex
        while end > digits.startIndex {
            let start = digits.index(end, offsetBy: -3, limitedBy: digits.startIndex) ?? digits.startIndex
            groups.insert(digits[start..<end], at: 0)
            end = start
        }
        return (value < 0 ? "-" : "") + groups.joined(separator: " ")
    }

    /// `1 occurrence`, `2 occurrences`.
    static func plural<Integer: BinaryInteger>(_ value: Integer, _ singular: String, _ plural: String? = nil) -> String
    {
        "\(count(value)) \(value == 1 ? singular : (plural ?? singular + "s"))"
    }

    /// An RFC 3339 timestamp in UTC, to the second.
    static func timestamp(_ date: Date) -> String {
        date.formatted(.iso8601)
    }

    /// A length of time for people: `45 s`, `2 min 5 s`, `1 h 3 min`.
    static func duration(seconds: Double) -> String {
        let whole = Int(max(0, seconds).rounded())
        if whole < 60 { return "\(whole) s" }
        if whole < 3600 { return "\(whole / 60) min \(whole % 60) s" }
        return "\(whole / 3600) h \(whole % 3600 / 60) min"
    }

    /// A JSON value of a finding's evidence as text: integers without decimals, arrays joined with commas.
    static func evidenceValue(_ value: JSONValue) -> String {
        switch value {
        case .null: return "none"
        case .bool(let flag): return flag ? "yes" : "no"
        case .number(let number):
            if number.rounded() == number, abs(number) < 1e15 { return count(Int(number)) }
            return String(format: "%.2f", number)
        case .string(let text): return text
        case .array(let items): return items.map(evidenceValue).joined(separator: ", ")
        case .object(let fields):
            return fields.keys.sorted().map { "\($0): \(evidenceValue(fields[$0]!))" }.joined(separator: "; ")
        }
    }
}
