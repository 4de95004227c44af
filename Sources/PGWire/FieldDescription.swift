import NIOCore

/// One column of a RowDescription (53.7 "Message Formats").
public struct FieldDescription: Sendable, Hashable {
    /// The column name.
    public var name: String
    /// The OID of the source table, or 0.
    public var tableOID: UInt32
    /// The attribute number of the source column, or 0.
    public var columnAttributeNumber: Int16
    /// The OID of the data type.
    public var dataTypeOID: UInt32
    /// The type size (`pg_type.typlen`); negative for variable-width types.
    public var dataTypeSize: Int16
    /// The type modifier (`pg_attribute.atttypmod`).
    public var typeModifier: Int32
    /// The format code: 0 text, 1 binary.
    public var formatCode: Int16

    /// Creates a field description.
    public init(
        name: String, tableOID: UInt32 = 0, columnAttributeNumber: Int16 = 0, dataTypeOID: UInt32,
        dataTypeSize: Int16, typeModifier: Int32 = -1, formatCode: Int16 = 0
    ) {
        self.name = name
        self.tableOID = tableOID
        self.columnAttributeNumber = columnAttributeNumber
        self.dataTypeOID = dataTypeOID
        self.dataTypeSize = dataTypeSize
        self.typeModifier = typeModifier
        self.formatCode = formatCode
    }

    /// The encoded size without the name: 18 bytes of fixed fields.
    static let fixedSize = 18

    func encode(into buffer: inout ByteBuffer) {
        buffer.writeCString(name)
        buffer.writeInteger(tableOID)
        buffer.writeInteger(columnAttributeNumber)
        buffer.writeInteger(dataTypeOID)
        buffer.writeInteger(dataTypeSize)
        buffer.writeInteger(typeModifier)
        buffer.writeInteger(formatCode)
    }

    static func decode(from body: inout ByteBuffer) throws -> FieldDescription {
        let what = "RowDescription field"
        return FieldDescription(
            name: try body.pgReadCString(what),
            tableOID: try body.pgReadUInt32(what),
            columnAttributeNumber: try body.pgReadInt16(what),
            dataTypeOID: try body.pgReadUInt32(what),
            dataTypeSize: try body.pgReadInt16(what),
            typeModifier: try body.pgReadInt32(what),
            formatCode: try body.pgReadInt16(what)
        )
    }
}
