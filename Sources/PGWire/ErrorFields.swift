import NIOCore

/// The body of an ErrorResponse or NoticeResponse: typed string fields in the order sent
/// (53.8 "Error and Notice Message Fields").
public struct ErrorFields: Sendable, Hashable {
    /// One field: its type byte (see ``ErrorFieldType``) and value.
    public struct Field: Sendable, Hashable {
        /// The field type byte, for example `M` for the message.
        public var type: UInt8
        /// The field value.
        public var value: String

        /// Creates a field.
        public init(type: UInt8, value: String) {
            self.type = type
            self.value = value
        }
    }

    /// The fields in the order they were sent.
    public var fields: [Field]

    /// Creates fields from a list.
    public init(fields: [Field]) {
        self.fields = fields
    }

    /// Creates the fields PostgreSQL always sends (S, V, C, M) plus optional detail and hint.
    public init(
        severity: String = "ERROR", sqlState: SQLState, message: String, detail: String? = nil, hint: String? = nil
    ) {
        var fields = [
            Field(type: ErrorFieldType.severity, value: severity),
            Field(type: ErrorFieldType.severityNonLocalized, value: severity),
            Field(type: ErrorFieldType.sqlState, value: sqlState.code),
            Field(type: ErrorFieldType.message, value: message),
        ]
        if let detail {
            fields.append(Field(type: ErrorFieldType.detail, value: detail))
        }
        if let hint {
            fields.append(Field(type: ErrorFieldType.hint, value: hint))
        }
        self.fields = fields
    }

    /// The value of the first field of the given type.
    public subscript(type: UInt8) -> String? {
        fields.first { $0.type == type }?.value
    }

    /// The severity (`ERROR`, `FATAL`, `PANIC`, `WARNING`, `NOTICE`, ...), preferring the non-localized `V`.
    public var severity: String? { self[ErrorFieldType.severityNonLocalized] ?? self[ErrorFieldType.severity] }
    /// The SQLSTATE code.
    public var sqlState: SQLState? { self[ErrorFieldType.sqlState].map(SQLState.init) }
    /// The primary message.
    public var message: String? { self[ErrorFieldType.message] }
    /// The detail message.
    public var detail: String? { self[ErrorFieldType.detail] }
    /// The hint.
    public var hint: String? { self[ErrorFieldType.hint] }
    /// Whether the severity ends the session (`FATAL` or `PANIC`).
    public var isFatal: Bool { severity == "FATAL" || severity == "PANIC" }

    /// Writes the fields and the terminating NUL (no message header).
    func encodeBody(into buffer: inout ByteBuffer) {
        for field in fields {
            buffer.writeInteger(field.type)
            buffer.writeCString(field.value)
        }
        buffer.writeInteger(UInt8(0))
    }

    /// Reads fields up to and including the terminating NUL, which must end the body.
    static func decode(body: inout ByteBuffer, what: String) throws -> ErrorFields {
        var fields: [Field] = []
        while true {
            let type = try body.pgReadUInt8(what)
            if type == 0 {
                break
            }
            fields.append(Field(type: type, value: try body.pgReadCString(what)))
        }
        try body.pgExpectEnd(what)
        return ErrorFields(fields: fields)
    }
}
