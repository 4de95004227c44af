import NIOCore

/// Cuts the startup-phase packets (which have no type byte) out of a byte stream.
///
/// A frontend may send SSLRequest or GSSENCRequest first, then (possibly after TLS) a StartupMessage
/// or a CancelRequest (53.2.1 "Start-up", 53.7 "Message Formats").
public struct StartupPacketDecoder: Sendable {
    /// PostgreSQL's `MAX_STARTUP_PACKET_LENGTH`.
    public static let defaultMaxLength = 10_000

    /// The largest accepted packet length, length field included.
    public let maxLength: Int

    /// Creates a decoder accepting packets of at most `maxLength` bytes.
    public init(maxLength: Int = StartupPacketDecoder.defaultMaxLength) {
        self.maxLength = maxLength
    }

    /// Decodes one packet if it is completely buffered, consuming exactly its bytes.
    ///
    /// - Returns: `nil` (consuming nothing) until the whole packet is in `buffer`.
    /// - Throws: ``PGProtocolError`` (08P01) for a bad length, an unknown code or a malformed body;
    ///   the length is checked as soon as its 4 bytes arrive.
    public mutating func decode(_ buffer: inout ByteBuffer) throws -> StartupPacket? {
        guard let length32 = buffer.getInteger(at: buffer.readerIndex, as: Int32.self) else {
            return nil
        }
        let length = Int(length32)
        // PostgreSQL: the packet must hold at least the length and the code (ProcessStartupPacket).
        guard length >= 8 else {
            throw PGProtocolError.invalidLength(type: nil, length: length)
        }
        guard length <= maxLength else {
            throw PGProtocolError.messageTooLong(type: nil, length: length, limit: maxLength)
        }
        guard var packet = buffer.getSlice(at: buffer.readerIndex, length: length) else {
            return nil
        }
        let result = try Self.decodePacket(&packet, length: length)
        buffer.moveReaderIndex(forwardBy: length)
        return result
    }

    private static func decodePacket(_ packet: inout ByteBuffer, length: Int) throws -> StartupPacket {
        packet.moveReaderIndex(forwardBy: 4)
        let code = try packet.pgReadInt32("startup packet code")
        switch code {
        case StartupPacket.sslRequestCode:
            try packet.pgExpectEnd("SSLRequest")
            return .sslRequest
        case StartupPacket.gssEncRequestCode:
            try packet.pgExpectEnd("GSSENCRequest")
            return .gssEncRequest
        case CancelKey.cancelRequestCode:
            return .cancel(try CancelKey.decode(body: &packet, what: "CancelRequest"))
        default:
            guard code >> 16 == 3 else {
                throw PGProtocolError.unexpectedStartupCode(code)
            }
            return .startup(
                try StartupMessage.decodeParameters(minorVersion: UInt16(code & 0xFFFF), body: packet)
            )
        }
    }
}
