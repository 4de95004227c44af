/// The field type bytes of ErrorResponse and NoticeResponse (53.8 "Error and Notice Message Fields").
///
/// A caseless namespace rather than an enum: frontends must silently ignore field types they do not know,
/// so decoded fields keep their raw byte.
public enum ErrorFieldType {
    /// `S`: severity, possibly localized.
    public static let severity: UInt8 = 0x53
    /// `V`: severity, never localized (PostgreSQL 9.6 and later).
    public static let severityNonLocalized: UInt8 = 0x56
    /// `C`: SQLSTATE code.
    public static let sqlState: UInt8 = 0x43
    /// `M`: primary message.
    public static let message: UInt8 = 0x4D
    /// `D`: detail.
    public static let detail: UInt8 = 0x44
    /// `H`: hint.
    public static let hint: UInt8 = 0x48
    /// `P`: cursor position in the query string.
    public static let position: UInt8 = 0x50
    /// `p`: position in an internally generated query.
    public static let internalPosition: UInt8 = 0x70
    /// `q`: the internally generated query.
    public static let internalQuery: UInt8 = 0x71
    /// `W`: context (call stack).
    public static let context: UInt8 = 0x57
    /// `s`: schema name.
    public static let schemaName: UInt8 = 0x73
    /// `t`: table name.
    public static let tableName: UInt8 = 0x74
    /// `c`: column name.
    public static let columnName: UInt8 = 0x63
    /// `d`: data type name.
    public static let dataTypeName: UInt8 = 0x64
    /// `n`: constraint name.
    public static let constraintName: UInt8 = 0x6E
    /// `F`: source file.
    public static let file: UInt8 = 0x46
    /// `L`: source line.
    public static let line: UInt8 = 0x4C
    /// `R`: source routine.
    public static let routine: UInt8 = 0x52
}
