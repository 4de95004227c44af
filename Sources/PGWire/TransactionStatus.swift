/// The transaction status reported by ReadyForQuery (53.7 "Message Formats").
public enum TransactionStatus: UInt8, Sendable, CaseIterable {
    /// `I`: not in a transaction block.
    case idle = 0x49
    /// `T`: in a transaction block.
    case inTransaction = 0x54
    /// `E`: in a failed transaction block; queries are rejected until the block ends.
    case failed = 0x45
}
