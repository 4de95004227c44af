/// The value hashes of the first rows a statement returned, by column: what the lineage evidence compares a
/// following loop's parameter values with. Collected only for statements armed as likely parents, bounded in
/// rows, columns and value length.
public struct ResultSample: Sendable, Equatable {
    /// Rows looked at per statement.
    public static let maximumRows = 64
    /// Columns looked at per row (a column past this is never a lineage source).
    public static let maximumColumns = 16

    /// Each value hash seen, with the columns it was seen in (bit `c` for column `c`).
    public private(set) var columnsByValue: [UInt64: UInt16] = [:]
    /// Rows looked at.
    public private(set) var rows = 0

    /// An empty sample, with room for the values of a few dozen rows.
    public init() {
        columnsByValue.reserveCapacity(128)
    }

    /// Whether more rows are wanted.
    public var wantsRows: Bool { rows < Self.maximumRows }

    /// Records the hash of column `column`'s value in the current row.
    public mutating func add(_ hash: UInt64, column: Int) {
        guard column < Self.maximumColumns else { return }
        columnsByValue[hash, default: 0] |= 1 << UInt16(column)
    }

    /// Ends the current row.
    public mutating func endRow() {
        rows += 1
    }

    /// Value hashes kept when samples of several executions are merged.
    public static let maximumValues = 4096

    /// Adds the values of another execution's sample (a nested loop's parent runs once per outer row, and
    /// the inner loop's keys come from all of them), up to ``maximumValues``.
    public mutating func merge(_ other: ResultSample) {
        rows += other.rows
        for (hash, columns) in other.columnsByValue {
            if columnsByValue[hash] != nil {
                columnsByValue[hash, default: 0] |= columns
            } else if columnsByValue.count < Self.maximumValues {
                columnsByValue[hash] = columns
            }
        }
    }

    /// The columns in which `hash` was seen (0 when none).
    public func columns(of hash: UInt64) -> UInt16 {
        columnsByValue[hash] ?? 0
    }
}
