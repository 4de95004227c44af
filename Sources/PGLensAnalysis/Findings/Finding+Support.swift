extension Finding {
    /// The most bytes of one parameter value a report shows.
    static let parameterValueLimit = 200

    /// A stable id for a finding of `kind` about one statement in one database and application: the same
    /// inputs give the same id in every process.
    static func stableID(
        kind: FindingKind, fingerprint: StatementFingerprint, database: String, applicationName: String,
        qualifier: String = ""
    ) -> String {
        var hasher = FNV1a64()
        for part in [kind.rawValue, fingerprint.hex, database, applicationName, qualifier] {
            hasher.combine(part.utf8)
            hasher.combine(0)
        }
        return "\(kind.rawValue)-\(StatementFingerprint(hasher.value).hex)"
    }

    /// Parameter values as report evidence: each value cut to ``parameterValueLimit`` bytes (on a UTF-8
    /// character boundary), SQL NULL as `null`.
    static func evidence(parameters: [String?]) -> JSONValue {
        .array(parameters.map { value in value.map { .string(truncated($0)) } ?? .null })
    }

    /// `value` cut to ``parameterValueLimit`` bytes on a UTF-8 character boundary.
    static func truncated(_ value: String) -> String {
        let utf8 = value.utf8
        guard utf8.count > parameterValueLimit else { return value }
        var end = utf8.index(utf8.startIndex, offsetBy: parameterValueLimit)
        while end > utf8.startIndex, UTF8.isContinuation(utf8[end]) { end = utf8.index(before: end) }
        return String(value[..<end])
    }
}
