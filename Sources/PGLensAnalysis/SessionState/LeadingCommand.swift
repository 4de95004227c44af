/// The command a SQL text starts with, for the commands a transaction pooler must react to.
public enum LeadingCommand: Sendable, Equatable {
    /// `BEGIN` or `START TRANSACTION`.
    case begin
    /// `COMMIT` or `END`; `andChain` when a new transaction starts at once (`COMMIT AND CHAIN`).
    case commit(andChain: Bool)
    /// `ROLLBACK` or `ABORT`; `andChain` for `ROLLBACK AND CHAIN`.
    case rollback(andChain: Bool)
    /// `SAVEPOINT name`.
    case savepoint
    /// `RELEASE [SAVEPOINT] name`.
    case releaseSavepoint
    /// `ROLLBACK TO [SAVEPOINT] name`: the transaction goes on.
    case rollbackToSavepoint
    /// `PREPARE TRANSACTION 'id'`: ends the transaction (two-phase commit).
    case prepareTransaction
    /// `DEALLOCATE [PREPARE] name`, name as PostgreSQL stores it (folded unless quoted).
    case deallocate(name: String)
    /// `DEALLOCATE [PREPARE] ALL`.
    case deallocateAll
    /// `DISCARD ALL`.
    case discardAll
    /// `DISCARD PLANS`.
    case discardPlans
    /// `DISCARD SEQUENCES`.
    case discardSequences
    /// `DISCARD TEMP` or `DISCARD TEMPORARY`.
    case discardTemporary
    /// Any other command.
    case other
    /// Nothing but white space, comments or `;`.
    case empty
}
