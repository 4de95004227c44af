import PGWire

/// One column of an admin console result set: its name and the PostgreSQL type it is announced with
/// (PgBouncer's: text, int4, int8, numeric; timestamps are sent as text).
struct AdminColumn: Equatable, Sendable {
    /// The announced type.
    enum ColumnType: Equatable, Sendable {
        case text
        case int4
        case int8
        case numeric
    }

    var name: String
    var type: ColumnType

    static func text(_ name: String) -> AdminColumn { AdminColumn(name: name, type: .text) }
    static func int4(_ name: String) -> AdminColumn { AdminColumn(name: name, type: .int4) }
    static func int8(_ name: String) -> AdminColumn { AdminColumn(name: name, type: .int8) }
    static func numeric(_ name: String) -> AdminColumn { AdminColumn(name: name, type: .numeric) }

    /// The RowDescription field for the column (text format).
    var fieldDescription: FieldDescription {
        switch type {
        case .text: return FieldDescription(name: name, dataTypeOID: 25, dataTypeSize: -1)
        case .int4: return FieldDescription(name: name, dataTypeOID: 23, dataTypeSize: 4)
        case .int8: return FieldDescription(name: name, dataTypeOID: 20, dataTypeSize: 8)
        case .numeric: return FieldDescription(name: name, dataTypeOID: 1700, dataTypeSize: -1)
        }
    }
}
