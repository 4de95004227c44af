/// One occurrence, in a closed unit of work, of statements that could have been one round trip (several
/// aggregates of one table, a run of independent queries), with its measured time.
struct RoundTripPattern {
    /// The member statements in the unit's order (a repeated statement counts once, unless its values differ
    /// and the pattern is about values, as for aggregates).
    var members: [UnitStatement]
    /// How many members the occurrence had (``members`` may be cut short when kept).
    var memberCount: Int
    /// The executions, members and their repeats, in order (may be cut short when kept).
    var executions: [UnitStatement]
    /// How many executions the pattern spans.
    var statements: Int
    /// Sum of the executions' durations.
    var nanoseconds: UInt64
    /// The longest execution: about what the pattern costs when its statements run at once.
    var longestNanoseconds: UInt64
    /// From the first execution's start to the last one's end (client time between them included).
    var spanNanoseconds: UInt64
    /// The estimated time the fix saves in this occurrence.
    var savedNanoseconds: UInt64
    /// Round trips the fix saves in this occurrence.
    var roundTripsSaved: Int

    /// The pattern's statements with their measured time; `saved` estimates what the fix saves given the
    /// sum of durations and the longest one.
    init(members: [UnitStatement], executions: [UnitStatement], saved: (UInt64, UInt64) -> UInt64) {
        self.members = members
        memberCount = members.count
        self.executions = executions
        statements = executions.count
        nanoseconds = executions.reduce(0) { $0 &+ $1.durationNanoseconds }
        longestNanoseconds = executions.map(\.durationNanoseconds).max() ?? 0
        let start = executions.map(\.startNanoseconds).min() ?? 0
        spanNanoseconds = (executions.map(\.endNanoseconds).max() ?? start) &- start
        savedNanoseconds = saved(nanoseconds, longestNanoseconds)
        roundTripsSaved = max(executions.count - 1, 0)
    }

    /// The hash of the members' distinct fingerprints, in no order: one pattern keeps it across units.
    var memberSet: UInt64 {
        var hasher = FNV1a64()
        for fingerprint in Set(members.map(\.fingerprint)).sorted() { hasher.combine(word: fingerprint.value) }
        return hasher.value
    }
}
