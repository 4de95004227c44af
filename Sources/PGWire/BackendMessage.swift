import NIOCore

/// A message sent by a backend (53.7 "Message Formats").
public enum BackendMessage: Sendable, Hashable {
    /// `R` Authentication request or outcome.
    case authentication(AuthenticationRequest)
    /// `K` BackendKeyData: the key a frontend needs to cancel this backend's queries.
    case backendKeyData(CancelKey)
    /// `2` BindComplete.
    case bindComplete
    /// `3` CloseComplete.
    case closeComplete
    /// `C` CommandComplete.
    case commandComplete(CommandComplete)
    /// `d` CopyData.
    case copyData(ByteBuffer)
    /// `c` CopyDone.
    case copyDone
    /// `G` CopyInResponse.
    case copyInResponse(CopyResponse)
    /// `H` CopyOutResponse.
    case copyOutResponse(CopyResponse)
    /// `W` CopyBothResponse.
    case copyBothResponse(CopyResponse)
    /// `D` DataRow; `nil` columns are SQL NULL.
    case dataRow([ByteBuffer?])
    /// `I` EmptyQueryResponse.
    case emptyQueryResponse
    /// `E` ErrorResponse.
    case errorResponse(ErrorFields)
    /// `V` FunctionCallResponse; `nil` is a NULL result.
    case functionCallResponse(ByteBuffer?)
    /// `v` NegotiateProtocolVersion: the newest protocol version the server supports for the requested major
    /// version, as the full Int32 (`3 << 16 | minor`; PostgreSQL sends `PG_PROTOCOL_LATEST`, 196608 for
    /// 3.0), and the `_pq_.` options it did not recognize.
    case negotiateProtocolVersion(newestVersion: Int32, unrecognized: [String])
    /// `n` NoData.
    case noData
    /// `N` NoticeResponse.
    case noticeResponse(ErrorFields)
    /// `A` NotificationResponse from LISTEN/NOTIFY.
    case notificationResponse(processID: Int32, channel: String, payload: String)
    /// `t` ParameterDescription: the type OIDs of a statement's parameters.
    case parameterDescription([UInt32])
    /// `S` ParameterStatus.
    case parameterStatus(name: String, value: String)
    /// `1` ParseComplete.
    case parseComplete
    /// `s` PortalSuspended.
    case portalSuspended
    /// `Z` ReadyForQuery.
    case readyForQuery(TransactionStatus)
    /// `T` RowDescription.
    case rowDescription([FieldDescription])

    /// The type byte.
    public var id: BackendMessageID {
        switch self {
        case .authentication: return .authentication
        case .backendKeyData: return .backendKeyData
        case .bindComplete: return .bindComplete
        case .closeComplete: return .closeComplete
        case .commandComplete: return .commandComplete
        case .copyData: return .copyData
        case .copyDone: return .copyDone
        case .copyInResponse: return .copyInResponse
        case .copyOutResponse: return .copyOutResponse
        case .copyBothResponse: return .copyBothResponse
        case .dataRow: return .dataRow
        case .emptyQueryResponse: return .emptyQueryResponse
        case .errorResponse: return .errorResponse
        case .functionCallResponse: return .functionCallResponse
        case .negotiateProtocolVersion: return .negotiateProtocolVersion
        case .noData: return .noData
        case .noticeResponse: return .noticeResponse
        case .notificationResponse: return .notificationResponse
        case .parameterDescription: return .parameterDescription
        case .parameterStatus: return .parameterStatus
        case .parseComplete: return .parseComplete
        case .portalSuspended: return .portalSuspended
        case .readyForQuery: return .readyForQuery
        case .rowDescription: return .rowDescription
        }
    }

    /// Writes the complete message, header included.
    public func encode(into buffer: inout ByteBuffer) {
        buffer.pgWriteMessage(id.rawValue) { body in
            encodeBody(into: &body)
        }
    }

    private func encodeBody(into body: inout ByteBuffer) {
        switch self {
        case .authentication(let request):
            request.encodeBody(into: &body)
        case .backendKeyData(let key):
            key.encodeBody(into: &body)
        case .bindComplete, .closeComplete, .copyDone, .emptyQueryResponse, .noData, .parseComplete,
            .portalSuspended:
            break
        case .commandComplete(let complete):
            body.writeCString(complete.tag)
        case .copyData(let data):
            body.writeImmutableBuffer(data)
        case .copyInResponse(let response), .copyOutResponse(let response), .copyBothResponse(let response):
            response.encodeBody(into: &body)
        case .dataRow(let columns):
            body.pgWriteCount(columns.count)
            for column in columns {
                body.pgWriteNullableValue(column)
            }
        case .errorResponse(let fields), .noticeResponse(let fields):
            fields.encodeBody(into: &body)
        case .functionCallResponse(let result):
            body.pgWriteNullableValue(result)
        case .negotiateProtocolVersion(let newestVersion, let unrecognized):
            body.writeInteger(newestVersion)
            body.writeInteger(Int32(truncatingIfNeeded: unrecognized.count))
            for option in unrecognized {
                body.writeCString(option)
            }
        case .notificationResponse(let processID, let channel, let payload):
            body.writeInteger(processID)
            body.writeCString(channel)
            body.writeCString(payload)
        case .parameterDescription(let types):
            body.pgWriteCount(types.count)
            for type in types {
                body.writeInteger(type)
            }
        case .parameterStatus(let name, let value):
            body.writeCString(name)
            body.writeCString(value)
        case .readyForQuery(let status):
            body.writeInteger(status.rawValue)
        case .rowDescription(let fields):
            body.pgWriteCount(fields.count)
            for field in fields {
                field.encode(into: &body)
            }
        }
    }

    /// Builds a complete ErrorResponse frame, ready to write to a frontend.
    public static func errorResponseFrame(
        severity: String = "ERROR", sqlState: SQLState, message: String, detail: String? = nil, hint: String? = nil
    ) -> ByteBuffer {
        var buffer = ByteBuffer()
        let fields = ErrorFields(severity: severity, sqlState: sqlState, message: message, detail: detail, hint: hint)
        BackendMessage.errorResponse(fields).encode(into: &buffer)
        return buffer
    }

    /// Builds a complete ErrorResponse frame reporting a protocol error (severity FATAL by default, since
    /// PostgreSQL closes the connection after a protocol violation).
    public static func errorResponseFrame(_ error: PGProtocolError, severity: String = "FATAL") -> ByteBuffer {
        errorResponseFrame(severity: severity, sqlState: error.sqlState, message: error.message)
    }

    /// Builds a complete ReadyForQuery frame.
    public static func readyForQueryFrame(_ status: TransactionStatus) -> ByteBuffer {
        var buffer = ByteBuffer()
        BackendMessage.readyForQuery(status).encode(into: &buffer)
        return buffer
    }
}
