import NIOCore
import PGWire

/// The protocol side of one admin console session, as an I/O-free value: which client messages start
/// commands and what the others are answered with.
///
/// The console speaks the simple-query protocol only. A Query is split into its statements, run in order;
/// extended-protocol messages get one ErrorResponse (0A000), the rest of the batch is discarded until Sync,
/// which gets ReadyForQuery, as PostgreSQL does after an error (PostgreSQL documentation, "Extended Query").
struct AdminConsoleSession {
    /// What the connection must do with one client message.
    enum Action: Equatable {
        /// Run these statements in order, stopping at the first error, then send ReadyForQuery.
        case run([String])
        /// Send these messages to the client.
        case reply([BackendMessage])
        /// The client ended the session.
        case close
        /// The client broke the protocol: send this FATAL error and close.
        case sendErrorAndClose(ErrorFields)
    }

    /// The error extended-protocol messages get.
    static let simpleQueryOnly = ErrorFields(
        severity: "ERROR", sqlState: .featureNotSupported,
        message: "pglens: the admin console supports the simple query protocol only")

    private var rejector = RequestRejector(error: simpleQueryOnly)

    /// One whole message from the client: its type byte and its body (after the length).
    mutating func received(type: UInt8, body: ByteBuffer) -> Action {
        switch FrontendMessageID(rawValue: type) {
        case .query:
            var body = body
            guard let text = body.readCString() else {
                return .sendErrorAndClose(
                    ErrorFields(severity: "FATAL", sqlState: .protocolViolation, message: "invalid Query message"))
            }
            rejector = RequestRejector(error: Self.simpleQueryOnly)
            let statements = AdminScript.statements(text)
            if statements.isEmpty { return .reply([.emptyQueryResponse, .readyForQuery(.idle)]) }
            return .run(statements)
        case .terminate:
            return .close
        case .passwordOrSASL, .copyData, .copyDone, .copyFail:
            return .sendErrorAndClose(
                ErrorFields(
                    severity: "FATAL", sqlState: .protocolViolation,
                    message: "pglens: unexpected message type 0x\(String(type, radix: 16)) on the admin console"))
        case .parse, .bind, .describe, .execute, .close, .sync, .flush, .functionCall, .none:
            switch rejector.received(type: type) {
            case .reply(let messages): return .reply(messages)
            case .close: return .close
            }
        }
    }
}
