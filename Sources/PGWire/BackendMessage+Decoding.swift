import NIOCore

extension BackendMessage {
    /// Decodes a message from its type byte and body (the bytes after the Int32 length).
    ///
    /// - Throws: ``PGProtocolError`` (08P01) for an unknown type or a body not matching its layout,
    ///   including trailing bytes.
    public static func decode(type: UInt8, body: ByteBuffer) throws -> BackendMessage {
        guard let id = BackendMessageID(rawValue: type) else {
            throw PGProtocolError.unknownMessageType(type)
        }
        var body = body
        let message: BackendMessage
        switch id {
        case .authentication:
            return .authentication(try AuthenticationRequest.decode(body: &body))
        case .backendKeyData:
            return .backendKeyData(try CancelKey.decode(body: &body, what: "BackendKeyData"))
        case .bindComplete:
            message = .bindComplete
        case .closeComplete:
            message = .closeComplete
        case .commandComplete:
            message = .commandComplete(CommandComplete(tag: try body.pgReadCString("CommandComplete tag")))
        case .copyData:
            return .copyData(body)
        case .copyDone:
            message = .copyDone
        case .copyInResponse:
            return .copyInResponse(try CopyResponse.decode(body: &body, what: "CopyInResponse"))
        case .copyOutResponse:
            return .copyOutResponse(try CopyResponse.decode(body: &body, what: "CopyOutResponse"))
        case .copyBothResponse:
            return .copyBothResponse(try CopyResponse.decode(body: &body, what: "CopyBothResponse"))
        case .dataRow:
            message = .dataRow(try decodeDataRow(&body))
        case .emptyQueryResponse:
            message = .emptyQueryResponse
        case .errorResponse:
            return .errorResponse(try ErrorFields.decode(body: &body, what: "ErrorResponse"))
        case .functionCallResponse:
            message = .functionCallResponse(try body.pgReadNullableValue("FunctionCallResponse"))
        case .negotiateProtocolVersion:
            message = try decodeNegotiateProtocolVersion(&body)
        case .noData:
            message = .noData
        case .noticeResponse:
            return .noticeResponse(try ErrorFields.decode(body: &body, what: "NoticeResponse"))
        case .notificationResponse:
            message = .notificationResponse(
                processID: try body.pgReadInt32("NotificationResponse"),
                channel: try body.pgReadCString("NotificationResponse channel"),
                payload: try body.pgReadCString("NotificationResponse payload"))
        case .parameterDescription:
            let count = try body.pgReadCount(minElementSize: 4, "ParameterDescription")
            var types: [UInt32] = []
            types.reserveCapacity(count)
            for _ in 0..<count {
                types.append(try body.pgReadUInt32("ParameterDescription"))
            }
            message = .parameterDescription(types)
        case .parameterStatus:
            message = .parameterStatus(
                name: try body.pgReadCString("ParameterStatus name"),
                value: try body.pgReadCString("ParameterStatus value"))
        case .parseComplete:
            message = .parseComplete
        case .portalSuspended:
            message = .portalSuspended
        case .readyForQuery:
            let byte = try body.pgReadUInt8("ReadyForQuery")
            guard let status = TransactionStatus(rawValue: byte) else {
                throw PGProtocolError.malformed("ReadyForQuery: invalid transaction status \(byte)")
            }
            message = .readyForQuery(status)
        case .rowDescription:
            let count = try body.pgReadCount(minElementSize: FieldDescription.fixedSize + 1, "RowDescription")
            var fields: [FieldDescription] = []
            fields.reserveCapacity(count)
            for _ in 0..<count {
                fields.append(try FieldDescription.decode(from: &body))
            }
            message = .rowDescription(fields)
        }
        try body.pgExpectEnd("message of type \(PGProtocolError.describe(type: type))")
        return message
    }

    /// Decodes a complete frame (type byte, Int32 length, body), as delivered by ``MessageScanner``.
    public static func decode(frame: ByteBuffer) throws -> BackendMessage {
        let (type, body) = try splitFrame(frame)
        return try decode(type: type, body: body)
    }

    private static func decodeDataRow(_ body: inout ByteBuffer) throws -> [ByteBuffer?] {
        let count = try body.pgReadCount(minElementSize: 4, "DataRow column count")
        var columns: [ByteBuffer?] = []
        columns.reserveCapacity(count)
        for _ in 0..<count {
            columns.append(try body.pgReadNullableValue("DataRow column"))
        }
        return columns
    }

    private static func decodeNegotiateProtocolVersion(_ body: inout ByteBuffer) throws -> BackendMessage {
        let newestVersion = try body.pgReadInt32("NegotiateProtocolVersion protocol version")
        let count = try body.pgReadInt32("NegotiateProtocolVersion option count")
        // Each option is at least its NUL terminator.
        guard count >= 0 && Int(count) <= body.readableBytes else {
            throw PGProtocolError.malformed("NegotiateProtocolVersion: invalid option count \(count)")
        }
        var options: [String] = []
        options.reserveCapacity(Int(count))
        for _ in 0..<count {
            options.append(try body.pgReadCString("NegotiateProtocolVersion option"))
        }
        return .negotiateProtocolVersion(newestVersion: newestVersion, unrecognized: options)
    }
}
