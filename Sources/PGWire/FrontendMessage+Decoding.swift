import NIOCore

extension FrontendMessage {
    /// Decodes a message from its type byte and body (the bytes after the Int32 length).
    ///
    /// - Throws: ``PGProtocolError`` (08P01) for an unknown type or a body not matching its layout,
    ///   including trailing bytes.
    public static func decode(type: UInt8, body: ByteBuffer) throws -> FrontendMessage {
        guard let id = FrontendMessageID(rawValue: type) else {
            throw PGProtocolError.unknownMessageType(type)
        }
        var body = body
        let message: FrontendMessage
        switch id {
        case .bind:
            return .bind(try BindMessage.decode(body: &body))
        case .close:
            message = .close(try readTarget(&body, "Close"), name: try body.pgReadCString("Close name"))
        case .copyData:
            return .copyData(body)
        case .copyDone:
            message = .copyDone
        case .copyFail:
            message = .copyFail(message: try body.pgReadCString("CopyFail message"))
        case .describe:
            message = .describe(try readTarget(&body, "Describe"), name: try body.pgReadCString("Describe name"))
        case .execute:
            message = .execute(
                portal: try body.pgReadCString("Execute portal"), maxRows: try body.pgReadInt32("Execute max rows"))
        case .flush:
            message = .flush
        case .functionCall:
            return .functionCall(try FunctionCallMessage.decode(body: &body))
        case .parse:
            let name = try body.pgReadCString("Parse statement name")
            let query = try body.pgReadCString("Parse query")
            let count = try body.pgReadCount(minElementSize: 4, "Parse parameter type count")
            var types: [UInt32] = []
            types.reserveCapacity(count)
            for _ in 0..<count {
                types.append(try body.pgReadUInt32("Parse parameter type"))
            }
            message = .parse(name: name, query: query, parameterTypes: types)
        case .query:
            message = .query(try body.pgReadCString("Query"))
        case .sync:
            message = .sync
        case .terminate:
            message = .terminate
        case .passwordOrSASL:
            return .passwordOrSASL(body)
        }
        try body.pgExpectEnd("message of type \(PGProtocolError.describe(type: type))")
        return message
    }

    /// Decodes a complete frame (type byte, Int32 length, body), as delivered by ``MessageScanner``.
    public static func decode(frame: ByteBuffer) throws -> FrontendMessage {
        let (type, body) = try splitFrame(frame)
        return try decode(type: type, body: body)
    }

    /// Parses the body of a `p` message sent as a PasswordMessage: one NUL-terminated string.
    public static func decodePassword(_ body: ByteBuffer) throws -> String {
        var body = body
        let password = try body.pgReadCString("PasswordMessage")
        try body.pgExpectEnd("PasswordMessage")
        return password
    }

    private static func readTarget(_ body: inout ByteBuffer, _ what: String) throws -> DescribeTarget {
        let byte = try body.pgReadUInt8(what)
        guard let target = DescribeTarget(rawValue: byte) else {
            throw PGProtocolError.malformed("\(what): invalid target type \(PGProtocolError.describe(type: byte))")
        }
        return target
    }
}

/// Splits a frame into its type byte and body, checking that the length field matches the frame size.
func splitFrame(_ frame: ByteBuffer) throws -> (type: UInt8, body: ByteBuffer) {
    var frame = frame
    guard let type = frame.readInteger(as: UInt8.self), let length = frame.readInteger(as: Int32.self) else {
        throw PGProtocolError.malformed("truncated message header")
    }
    guard length >= 4 else {
        throw PGProtocolError.invalidLength(type: type, length: Int(length))
    }
    guard Int(length) - 4 == frame.readableBytes else {
        throw PGProtocolError.malformed("length \(length) does not match a frame of \(frame.readableBytes + 5) bytes")
    }
    return (type, frame)
}
