import NIOCore

/// The FunctionCall message of the legacy fast-path interface (53.7 "Message Formats").
public struct FunctionCallMessage: Sendable, Hashable {
    /// The OID of the function to call.
    public var functionOID: UInt32
    /// Argument format codes: none (all text), one (applies to all) or one per argument.
    public var argumentFormats: [Int16]
    /// Argument values; `nil` is SQL NULL.
    public var arguments: [ByteBuffer?]
    /// The result format code: 0 text, 1 binary.
    public var resultFormat: Int16

    /// Creates a FunctionCall message.
    public init(functionOID: UInt32, argumentFormats: [Int16] = [], arguments: [ByteBuffer?], resultFormat: Int16 = 0) {
        self.functionOID = functionOID
        self.argumentFormats = argumentFormats
        self.arguments = arguments
        self.resultFormat = resultFormat
    }

    func encodeBody(into buffer: inout ByteBuffer) {
        buffer.writeInteger(functionOID)
        buffer.pgWriteCount(argumentFormats.count)
        for format in argumentFormats {
            buffer.writeInteger(format)
        }
        buffer.pgWriteCount(arguments.count)
        for argument in arguments {
            buffer.pgWriteNullableValue(argument)
        }
        buffer.writeInteger(resultFormat)
    }

    static func decode(body: inout ByteBuffer) throws -> FunctionCallMessage {
        let oid = try body.pgReadUInt32("FunctionCall function OID")
        let formats = try BindMessage.readFormats(&body, "FunctionCall argument formats")
        let count = try body.pgReadCount(minElementSize: 4, "FunctionCall argument count")
        var arguments: [ByteBuffer?] = []
        arguments.reserveCapacity(count)
        for _ in 0..<count {
            arguments.append(try body.pgReadNullableValue("FunctionCall argument"))
        }
        let resultFormat = try body.pgReadInt16("FunctionCall result format")
        try body.pgExpectEnd("FunctionCall")
        return FunctionCallMessage(
            functionOID: oid, argumentFormats: formats, arguments: arguments, resultFormat: resultFormat)
    }
}
