/// What the advisor concluded about one candidate statement.
public enum IndexAdviceVerdict: Sendable, Equatable {
    /// How an index proposal is backed.
    public enum Proof: Sendable, Equatable {
        /// HypoPG made the index hypothetically and the planner's cost dropped from `before` to `after`
        /// (to at most half), using it.
        case hypothetical(costBefore: Double, costAfter: Double)
        /// Read from the plan alone (HypoPG cannot be used: `why`): a selective filter on a large table.
        case planOnly(costBefore: Double, why: String)
    }

    /// Create this index.
    case propose(IndexProposal, Proof)
    /// An index on the filtered columns exists, and the plan does not use it: `reason` says why when it can
    /// be told.
    case existingIndexNotUsed(index: String, table: String, columns: [String], reason: String)
    /// HypoPG made the index and the cost did not drop by half: no advice.
    case notWorthIt(IndexProposal, costBefore: Double, costAfter: Double)
    /// Nothing to propose (the plan uses indexes, or scans only small tables).
    case nothingToPropose(String)
    /// The plan could not be taken (an error from the server, an unreadable answer).
    case failed(String)
}
