import Foundation

/// What the findings about statements that could share one round trip (`repeated_aggregates`,
/// `sequential_queries`) have in common: placeholders renumbered for a combined statement, aliases, the
/// evidence and the finding itself.
enum RoundTripAdvice {
    /// Below this estimated saving per unit of work, a finding is `info` rather than `warning`.
    static let smallSavingNanoseconds: UInt64 = 500_000
    /// Member queries listed in a finding's evidence.
    static let maximumQueriesInEvidence = 10

    /// Renumbers the `$n` placeholders of the statements combined into one, in order: the first statement's
    /// `$1` stays `$1`, the next statement's `$1` becomes the next free number, and so on; within one member
    /// (``startMember()``) the same `$n` keeps one new number.
    struct PlaceholderRenumbering {
        private(set) var next = 1
        private var mapping: [Int: Int] = [:]

        /// The following fragments belong to the next statement.
        mutating func startMember() {
            mapping.removeAll()
        }

        /// `fragment` (normalized SQL) with its placeholders renumbered.
        mutating func apply(_ fragment: String) -> String {
            let lexer = SQLLexer(fragment)
            var output: [UInt8] = []
            var copied = 0
            for token in lexer {
                guard let number = lexer.parameterNumber(of: token) else { continue }
                output.append(contentsOf: lexer.bytes[copied..<token.range.lowerBound])
                let renumbered = mapping[number] ?? next
                if mapping[number] == nil {
                    mapping[number] = renumbered
                    next += 1
                }
                output.append(contentsOf: Array("$\(renumbered)".utf8))
                copied = token.range.upperBound
            }
            output.append(contentsOf: lexer.bytes[copied...])
            return String(decoding: output, as: UTF8.self)
        }
    }

    /// `words` made into a lower-case SQL identifier not in `taken` (a suffix `_2`, `_3`, ... when needed),
    /// and added to it.
    static func alias(_ words: [String], taken: inout Set<String>) -> String {
        let joined = words.joined(separator: "_").lowercased()
        var base = String(
            joined.unicodeScalars.map { scalar in
                ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) ? Character(scalar) : "_"
            })
        while base.contains("__") { base = base.replacing("__", with: "_") }
        base = String(base.trimmingPrefix("_"))
        while base.hasSuffix("_") { base.removeLast() }
        if base.isEmpty || base.first?.isNumber == true { base = "value_" + base }
        var name = base
        var suffix = 2
        while taken.contains(name) {
            name = "\(base)_\(suffix)"
            suffix += 1
        }
        taken.insert(name)
        return name
    }

    /// The ORM or driver that most likely sent `queries`: the first one whose shape, sqlcommenter tags or
    /// application name tell, else SQLAlchemy when its anonymous labels show (`AS anon_1`, `AS count_1`).
    static func framework(
        of queries: [String], tags: [String: String], applicationName: String
    ) -> RepeatedStatementAdvice.Framework {
        for query in queries {
            let framework = RepeatedStatementAdvice.framework(of: query, tags: tags, applicationName: applicationName)
            if framework != .unknown { return framework }
        }
        let labels = #"\bas (anon|count|sum|avg|min|max)_[0-9]+\b"#
        if queries.contains(where: { $0.range(of: labels, options: [.regularExpression, .caseInsensitive]) != nil }) {
            return .sqlalchemy
        }
        return .unknown
    }

    /// `1 round trip`, `3 round trips`.
    static func roundTrips(_ count: Int) -> String {
        count == 1 ? "1 round trip" : "\(count) round trips"
    }

    /// Milliseconds as a report shows them (`12.3 ms`, `0.42 ms`).
    static func milliseconds(_ nanoseconds: UInt64) -> String {
        let value = Double(nanoseconds) / 1e6
        return value >= 10 ? String(format: "%.0f ms", value) : String(format: "%.2g ms", value)
    }

    /// The finding for `aggregate` of `kind`, with the evidence both kinds share and `extraEvidence`.
    static func finding(
        kind: FindingKind, key: RoundTripPatternAggregates.Key, aggregate: RoundTripPatternAggregates.Aggregate,
        table: String?, columns: [String], suggestion: String, extraEvidence: [String: JSONValue] = [:]
    ) -> Finding {
        let largest = aggregate.largest
        let first = largest.members.first { $0.fingerprint == aggregate.fingerprint } ?? largest.members.first
        var evidence: [String: JSONValue] = [
            "queries": .array(largest.members.prefix(maximumQueriesInEvidence).map { .string($0.query) }),
            "members": .number(Double(largest.memberCount)),
            "units": .number(Double(aggregate.units)),
            "statements": .number(Double(largest.statements)),
            "total_ms": .number(Double(largest.nanoseconds) / 1e6),
            "longest_ms": .number(Double(largest.longestNanoseconds) / 1e6),
            "span_ms": .number(Double(largest.spanNanoseconds) / 1e6),
            "round_trips_saved": .number(Double(largest.roundTripsSaved)),
            "time_saved_ms": .number(Double(largest.savedNanoseconds) / 1e6),
            "total_round_trips_saved": .number(Double(aggregate.roundTripsSaved)),
            "total_time_saved_ms": .number(Double(aggregate.savedNanoseconds) / 1e6),
            "connections": .number(Double(aggregate.clients.count)),
        ]
        for (tag, value) in aggregate.requestTags where tag != "traceparent" { evidence[tag] = .string(value) }
        evidence.merge(extraEvidence) { _, new in new }
        let meanSaved = aggregate.savedNanoseconds / UInt64(max(aggregate.units, 1))
        return Finding(
            id: Finding.stableID(
                kind: kind, fingerprint: aggregate.fingerprint, database: key.database,
                applicationName: key.applicationName, qualifier: StatementFingerprint(key.memberSet).hex),
            kind: kind, severity: meanSaved < smallSavingNanoseconds ? .info : .warning,
            fingerprint: aggregate.fingerprint.hex, query: first?.query ?? "", database: key.database,
            applicationName: key.applicationName, occurrences: aggregate.units, repetitions: largest.memberCount,
            timeMilliseconds: Double(aggregate.nanoseconds) / 1e6, table: table, columns: columns,
            suggestion: suggestion, evidence: evidence, firstSeen: aggregate.firstSeen, lastSeen: aggregate.lastSeen)
    }
}
