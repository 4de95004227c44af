import NIOCore

/// A regular message sent by a frontend after the startup packet (53.7 "Message Formats").
///
/// Startup-phase packets (StartupMessage, SSLRequest, CancelRequest, ...) are ``StartupPacket``s.
public enum FrontendMessage: Sendable, Hashable {
    /// `B` Bind.
    case bind(BindMessage)
    /// `C` Close a prepared statement or portal.
    case close(DescribeTarget, name: String)
    /// `d` CopyData.
    case copyData(ByteBuffer)
    /// `c` CopyDone.
    case copyDone
    /// `f` CopyFail with an error message.
    case copyFail(message: String)
    /// `D` Describe a prepared statement or portal.
    case describe(DescribeTarget, name: String)
    /// `E` Execute a portal; `maxRows` 0 means no limit.
    case execute(portal: String, maxRows: Int32)
    /// `H` Flush.
    case flush
    /// `F` FunctionCall.
    case functionCall(FunctionCallMessage)
    /// `P` Parse a statement; a parameter type OID of 0 leaves the type unspecified.
    case parse(name: String, query: String, parameterTypes: [UInt32])
    /// `Q` Query (simple query protocol).
    case query(String)
    /// `S` Sync.
    case sync
    /// `X` Terminate.
    case terminate
    /// `p` PasswordMessage, SASLInitialResponse, SASLResponse or GSSResponse: the body, uninterpreted,
    /// since its meaning depends on the authentication exchange (see ``SASLInitialResponse``,
    /// ``FrontendMessage/decodePassword(_:)``).
    case passwordOrSASL(ByteBuffer)

    /// The type byte.
    public var id: FrontendMessageID {
        switch self {
        case .bind: return .bind
        case .close: return .close
        case .copyData: return .copyData
        case .copyDone: return .copyDone
        case .copyFail: return .copyFail
        case .describe: return .describe
        case .execute: return .execute
        case .flush: return .flush
        case .functionCall: return .functionCall
        case .parse: return .parse
        case .query: return .query
        case .sync: return .sync
        case .terminate: return .terminate
        case .passwordOrSASL: return .passwordOrSASL
        }
    }

    /// A PasswordMessage carrying a cleartext or MD5-hashed password.
    public static func password(_ password: String) -> FrontendMessage {
        var body = ByteBuffer()
        body.writeCString(password)
        return .passwordOrSASL(body)
    }

    /// A SASLInitialResponse; `data` `nil` sends length -1 (no initial response).
    public static func saslInitialResponse(mechanism: String, data: [UInt8]?) -> FrontendMessage {
        var body = ByteBuffer()
        SASLInitialResponse(mechanism: mechanism, data: data).encodeBody(into: &body)
        return .passwordOrSASL(body)
    }

    /// A SASLResponse (or GSSResponse): the raw mechanism data.
    public static func saslResponse(_ data: [UInt8]) -> FrontendMessage {
        .passwordOrSASL(ByteBuffer(bytes: data))
    }

    /// Writes the complete message, header included.
    public func encode(into buffer: inout ByteBuffer) {
        buffer.pgWriteMessage(id.rawValue) { body in
            switch self {
            case .bind(let bind):
                bind.encodeBody(into: &body)
            case .close(let target, let name), .describe(let target, let name):
                body.writeInteger(target.rawValue)
                body.writeCString(name)
            case .copyData(let data), .passwordOrSASL(let data):
                body.writeImmutableBuffer(data)
            case .copyDone, .flush, .sync, .terminate:
                break
            case .copyFail(let message):
                body.writeCString(message)
            case .execute(let portal, let maxRows):
                body.writeCString(portal)
                body.writeInteger(maxRows)
            case .functionCall(let call):
                call.encodeBody(into: &body)
            case .parse(let name, let query, let parameterTypes):
                body.writeCString(name)
                body.writeCString(query)
                body.pgWriteCount(parameterTypes.count)
                for type in parameterTypes {
                    body.writeInteger(type)
                }
            case .query(let query):
                body.writeCString(query)
            }
        }
    }
}
