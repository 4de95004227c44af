/// A violation of the PostgreSQL frontend/backend protocol found while decoding a peer's bytes.
///
/// Every decoder in this module reports malformed input by throwing this error; none of them traps.
/// The ``sqlState`` and ``message`` are suitable for an ErrorResponse sent back to the peer.
public struct PGProtocolError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The SQLSTATE to report, usually ``SQLState/protocolViolation``.
    public let sqlState: SQLState
    /// A human-readable description of the problem.
    public let message: String

    /// Creates an error with an arbitrary code and message.
    public init(sqlState: SQLState, message: String) {
        self.sqlState = sqlState
        self.message = message
    }

    public var description: String { "\(sqlState.code): \(message)" }

    /// A message whose declared length (type byte included) exceeds the configured limit.
    public static func messageTooLong(type: UInt8?, length: Int, limit: Int) -> PGProtocolError {
        let what = type.map { "message of type \(describe(type: $0))" } ?? "startup packet"
        return PGProtocolError(
            sqlState: .protocolViolation,
            message: "\(what) too long: \(length) bytes, limit is \(limit)"
        )
    }

    /// A message whose Int32 length field is smaller than the smallest legal value.
    public static func invalidLength(type: UInt8?, length: Int) -> PGProtocolError {
        let what = type.map { "message of type \(describe(type: $0))" } ?? "startup packet"
        return PGProtocolError(sqlState: .protocolViolation, message: "invalid length \(length) of \(what)")
    }

    /// A startup packet whose request code or protocol version is not supported.
    public static func unexpectedStartupCode(_ code: Int32) -> PGProtocolError {
        let major = UInt32(bitPattern: code) >> 16
        let minor = UInt32(bitPattern: code) & 0xFFFF
        return PGProtocolError(
            sqlState: .protocolViolation,
            message: "unsupported frontend protocol \(major).\(minor): server supports 3.0 to 3.2"
        )
    }

    /// A message type byte that is not valid in the current direction.
    public static func unknownMessageType(_ type: UInt8) -> PGProtocolError {
        PGProtocolError(sqlState: .protocolViolation, message: "invalid message type \(describe(type: type))")
    }

    /// A message whose body does not follow the documented layout.
    public static func malformed(_ what: String) -> PGProtocolError {
        PGProtocolError(sqlState: .protocolViolation, message: "invalid message format: \(what)")
    }

    /// Renders a type byte as a quoted printable character, or as a number when unprintable.
    static func describe(type: UInt8) -> String {
        if type >= 0x21 && type < 0x7F {
            return "'\(Character(Unicode.Scalar(type)))'"
        }
        return "\(type)"
    }
}
