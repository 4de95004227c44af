import Foundation

/// What a CI run allows of a report's findings (`pglens check`): the kinds that fail it, the least
/// severity that counts, and the repetitions a repeated-statement finding may reach.
///
/// A finding exceeds the budget when its kind is checked, its severity is at least ``minimumSeverity``,
/// and, when ``maximumRepetitions`` is set, its `repetitions` are more than that (a finding without
/// repetitions, such as a `slow_query`, exceeds it whatever the limit).
public struct FindingBudget: Sendable, Equatable, CustomStringConvertible {
    /// The name that checks every kind the report holds (`--fail-on all`).
    public static let allKinds = "all"

    /// The kinds checked, in the order given, without repeats; ``allKinds`` checks every kind present.
    public var kinds: [FindingKind]
    /// Findings less severe than this pass.
    public var minimumSeverity: FindingSeverity
    /// Repeated-statement findings with at most this many repetitions pass; nil: any repetition fails.
    public var maximumRepetitions: Int?

    /// Creates a budget; `kinds` defaults to `n_plus_one`.
    public init(
        kinds: [FindingKind] = [.nPlusOne], minimumSeverity: FindingSeverity = .info, maximumRepetitions: Int? = nil
    ) {
        var unique: [FindingKind] = []
        for kind in kinds where !unique.contains(kind) { unique.append(kind) }
        self.kinds = unique
        self.minimumSeverity = minimumSeverity
        self.maximumRepetitions = maximumRepetitions
    }

    /// Parses `--fail-on` values: kind names separated by commas, white space ignored, empty parts skipped.
    public static func kinds(fromList values: [String]) -> [FindingKind] {
        values.flatMap { $0.split(separator: ",") }
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
            .map { FindingKind(rawValue: $0) }
    }

    /// One checked kind: the report's findings of that kind and those over budget.
    public struct KindCheck: Sendable, Equatable {
        /// The kind.
        public var kind: FindingKind
        /// Every finding of the kind in the report.
        public var findings: [Finding]
        /// The findings that exceed the budget, most severe and most costly first.
        public var offending: [Finding]

        /// Whether the kind stays within the budget.
        public var passed: Bool { offending.isEmpty }
    }

    /// The outcome of a check.
    public struct Verdict: Sendable, Equatable {
        /// The budget applied.
        public var budget: FindingBudget
        /// One entry per kind checked, in the budget's order (with ``allKinds``: by kind name).
        public var checks: [KindCheck]
        /// Findings in the report in all (checked or not).
        public var findingsInReport: Int

        /// Whether no finding exceeds the budget.
        public var passed: Bool { checks.allSatisfy(\.passed) }
        /// Every offending finding, kind by kind.
        public var offending: [Finding] { checks.flatMap(\.offending) }
    }

    /// Whether `finding` exceeds the budget, its kind aside.
    public func exceeds(_ finding: Finding) -> Bool {
        guard finding.severity >= minimumSeverity else { return false }
        guard let maximumRepetitions, let repetitions = finding.repetitions else { return true }
        return repetitions > maximumRepetitions
    }

    /// Applies the budget to `report`'s findings.
    public func evaluate(_ report: Report) -> Verdict {
        var checked = kinds.filter { $0.rawValue != Self.allKinds }
        if kinds.contains(where: { $0.rawValue == Self.allKinds }) {
            let present = Set(report.findings.map(\.kind.rawValue)).subtracting(checked.map(\.rawValue))
            checked += present.sorted().map { FindingKind(rawValue: $0) }
        }
        let checks = checked.map { kind -> KindCheck in
            let findings = report.findings.filter { $0.kind == kind }
            let offending = findings.filter(exceeds).sorted { left, right in
                if left.severity != right.severity { return left.severity > right.severity }
                if left.timeMilliseconds != right.timeMilliseconds {
                    return left.timeMilliseconds > right.timeMilliseconds
                }
                return left.id < right.id
            }
            return KindCheck(kind: kind, findings: findings, offending: offending)
        }
        return Verdict(budget: self, checks: checks, findingsInReport: report.findings.count)
    }

    /// The budget in words: `n_plus_one at info or above`, with the repetitions allowed.
    public var description: String {
        var text = kinds.map(\.rawValue).joined(separator: ", ") + " at \(minimumSeverity.rawValue) or above"
        if let maximumRepetitions { text += ", more than \(maximumRepetitions) repetitions" }
        return text
    }
}
