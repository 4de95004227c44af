import NIOCore

/// The Bind message: binds parameter values to a prepared statement, creating a portal
/// (53.7 "Message Formats").
public struct BindMessage: Sendable, Hashable {
    /// The destination portal name (empty for the unnamed portal).
    public var portal: String
    /// The source prepared statement name (empty for the unnamed statement).
    public var statement: String
    /// Parameter format codes: none (all text), one (applies to all) or one per parameter.
    public var parameterFormats: [Int16]
    /// Parameter values; `nil` is SQL NULL.
    public var parameters: [ByteBuffer?]
    /// Result column format codes: none (all text), one (applies to all) or one per column.
    public var resultFormats: [Int16]

    /// Creates a Bind message.
    public init(
        portal: String = "", statement: String = "", parameterFormats: [Int16] = [], parameters: [ByteBuffer?] = [],
        resultFormats: [Int16] = []
    ) {
        self.portal = portal
        self.statement = statement
        self.parameterFormats = parameterFormats
        self.parameters = parameters
        self.resultFormats = resultFormats
    }

    /// Whether the parameter at `index` is sent in binary format (format code 1): one format code applies to
    /// every parameter, none means all are text (53.7 "Message Formats", Bind).
    public func isBinaryParameter(at index: Int) -> Bool {
        switch parameterFormats.count {
        case 0: return false
        case 1: return parameterFormats[0] == 1
        default: return index < parameterFormats.count && parameterFormats[index] == 1
        }
    }

    func encodeBody(into buffer: inout ByteBuffer) {
        buffer.writeCString(portal)
        buffer.writeCString(statement)
        buffer.pgWriteCount(parameterFormats.count)
        for format in parameterFormats {
            buffer.writeInteger(format)
        }
        buffer.pgWriteCount(parameters.count)
        for parameter in parameters {
            buffer.pgWriteNullableValue(parameter)
        }
        buffer.pgWriteCount(resultFormats.count)
        for format in resultFormats {
            buffer.writeInteger(format)
        }
    }

    static func decode(body: inout ByteBuffer) throws -> BindMessage {
        let portal = try body.pgReadCString("Bind portal name")
        let statement = try body.pgReadCString("Bind statement name")
        let parameterFormats = try readFormats(&body, "Bind parameter formats")
        let count = try body.pgReadCount(minElementSize: 4, "Bind parameter count")
        var parameters: [ByteBuffer?] = []
        parameters.reserveCapacity(count)
        for _ in 0..<count {
            parameters.append(try body.pgReadNullableValue("Bind parameter"))
        }
        let resultFormats = try readFormats(&body, "Bind result formats")
        try body.pgExpectEnd("Bind")
        return BindMessage(
            portal: portal, statement: statement, parameterFormats: parameterFormats, parameters: parameters,
            resultFormats: resultFormats)
    }

    static func readFormats(_ body: inout ByteBuffer, _ what: String) throws -> [Int16] {
        let count = try body.pgReadCount(minElementSize: 2, what)
        var formats: [Int16] = []
        formats.reserveCapacity(count)
        for _ in 0..<count {
            formats.append(try body.pgReadInt16(what))
        }
        return formats
    }
}
