import Foundation

/// Round-trip patterns of closed units of work, summed per (member set, database, application), bounded:
/// at most ``maximumAggregates`` patterns, ``maximumClients`` client ids and ``maximumMembersKept`` members each.
struct RoundTripPatternAggregates {
    struct Key: Hashable {
        var memberSet: UInt64
        var database: String
        var applicationName: String
    }

    struct Aggregate {
        /// The first member of the first occurrence: the finding's statement.
        var fingerprint: StatementFingerprint
        /// The occurrence with the most members (members cut to ``maximumMembersKept``).
        var largest: RoundTripPattern
        /// Units of work the pattern was seen in.
        var units = 0
        var nanoseconds: UInt64 = 0
        var savedNanoseconds: UInt64 = 0
        var roundTripsSaved = 0
        var clients: Set<UInt64> = []
        var requestTags: [String: String]
        var firstSeen: Date
        var lastSeen: Date
    }

    static let maximumAggregates = 2000
    static let maximumClients = 64
    static let maximumMembersKept = 32

    private(set) var aggregates: [Key: Aggregate] = [:]

    /// Counts `pattern`, seen in `unit`.
    mutating func record(_ pattern: RoundTripPattern, of unit: UnitOfWork) {
        guard let first = pattern.members.first else { return }
        let key = Key(memberSet: pattern.memberSet, database: unit.database, applicationName: unit.applicationName)
        guard aggregates[key] != nil || aggregates.count < Self.maximumAggregates else { return }
        var kept = pattern
        kept.members = Array(pattern.members.prefix(Self.maximumMembersKept))
        kept.executions = Array(pattern.executions.prefix(Self.maximumMembersKept))
        var aggregate =
            aggregates[key]
            ?? Aggregate(
                fingerprint: first.fingerprint, largest: kept, requestTags: unit.requestTags,
                firstSeen: unit.firstSeen, lastSeen: unit.lastSeen)
        if pattern.memberCount > aggregate.largest.memberCount { aggregate.largest = kept }
        aggregate.units += 1
        aggregate.nanoseconds &+= pattern.nanoseconds
        aggregate.savedNanoseconds &+= pattern.savedNanoseconds
        aggregate.roundTripsSaved += pattern.roundTripsSaved
        if aggregate.clients.count < Self.maximumClients { aggregate.clients.insert(unit.clientConnectionID) }
        if aggregate.requestTags.isEmpty { aggregate.requestTags = unit.requestTags }
        aggregate.firstSeen = min(aggregate.firstSeen, unit.firstSeen)
        aggregate.lastSeen = max(aggregate.lastSeen, unit.lastSeen)
        aggregates[key] = aggregate
    }

    mutating func removeAll() {
        aggregates.removeAll()
    }
}
