import NIOCore

/// The SASLInitialResponse form of the frontend `p` message: the chosen mechanism and optional initial
/// client response (53.7 "Message Formats").
public struct SASLInitialResponse: Sendable, Hashable {
    /// The selected mechanism, for example `SCRAM-SHA-256`.
    public var mechanism: String
    /// The initial response; `nil` when the length field is -1 (no initial response).
    public var data: [UInt8]?

    /// Creates a response.
    public init(mechanism: String, data: [UInt8]?) {
        self.mechanism = mechanism
        self.data = data
    }

    /// Parses the body of a `p` message sent in answer to AuthenticationSASL.
    public static func decode(_ body: ByteBuffer) throws -> SASLInitialResponse {
        var body = body
        let mechanism = try body.pgReadCString("SASLInitialResponse mechanism")
        let data = try body.pgReadNullableValue("SASLInitialResponse data").map { Array($0.readableBytesView) }
        try body.pgExpectEnd("SASLInitialResponse")
        return SASLInitialResponse(mechanism: mechanism, data: data)
    }

    /// Writes the body (no header).
    public func encodeBody(into buffer: inout ByteBuffer) {
        buffer.writeCString(mechanism)
        if let data {
            buffer.writeInteger(Int32(truncatingIfNeeded: data.count))
            buffer.writeBytes(data)
        } else {
            buffer.writeInteger(Int32(-1))
        }
    }
}
