import NIOCore

/// A packet of the startup phase, which has no type byte: Int32 length then an Int32 code
/// (53.7 "Message Formats": SSLRequest, GSSENCRequest, CancelRequest, StartupMessage).
public enum StartupPacket: Sendable, Hashable {
    /// SSLRequest (code 80877103): the frontend asks for TLS; the backend answers one byte, `S` or `N`.
    case sslRequest
    /// GSSENCRequest (code 80877104): the frontend asks for GSSAPI encryption; answered `G` or `N`.
    case gssEncRequest
    /// CancelRequest (code 80877102) carrying the key of the backend to cancel.
    case cancel(CancelKey)
    /// StartupMessage (protocol 3.x).
    case startup(StartupMessage)

    /// The SSLRequest code, 1234 << 16 | 5679.
    public static let sslRequestCode: Int32 = 80_877_103
    /// The GSSENCRequest code, 1234 << 16 | 5680.
    public static let gssEncRequestCode: Int32 = 80_877_104

    /// Writes the complete packet, length included.
    public func encode(into buffer: inout ByteBuffer) {
        switch self {
        case .sslRequest:
            buffer.writeInteger(Int32(8))
            buffer.writeInteger(Self.sslRequestCode)
        case .gssEncRequest:
            buffer.writeInteger(Int32(8))
            buffer.writeInteger(Self.gssEncRequestCode)
        case .cancel(let key):
            key.encodeCancelRequest(into: &buffer)
        case .startup(let message):
            message.encode(into: &buffer)
        }
    }
}
