import NIOCore

/// A backend's cancellation key: its process ID and secret, from BackendKeyData or a CancelRequest.
///
/// Protocol 3.0 secrets are 4 bytes; protocol 3.2 allows up to 256 bytes (53.7 "Message Formats",
/// BackendKeyData).
public struct CancelKey: Sendable, Hashable {
    /// The request code of a CancelRequest packet, 1234 << 16 | 5678.
    public static let cancelRequestCode: Int32 = 80_877_102
    /// The smallest legal secret length.
    public static let minimumSecretLength = 4
    /// The largest legal secret length (protocol 3.2).
    public static let maximumSecretLength = 256

    /// The backend process ID.
    public var processID: Int32
    /// The secret key bytes.
    public var secret: [UInt8]

    /// Creates a key.
    public init(processID: Int32, secret: [UInt8]) {
        self.processID = processID
        self.secret = secret
    }

    /// Creates a protocol 3.0 key from a 32-bit secret.
    public init(processID: Int32, secret: Int32) {
        self.processID = processID
        let bits = UInt32(bitPattern: secret)
        self.secret = [
            UInt8(bits >> 24), UInt8(truncatingIfNeeded: bits >> 16), UInt8(truncatingIfNeeded: bits >> 8),
            UInt8(truncatingIfNeeded: bits),
        ]
    }

    /// Writes the complete CancelRequest packet: Int32 length, Int32 80877102, Int32 process ID, secret.
    public func encodeCancelRequest(into buffer: inout ByteBuffer) {
        buffer.writeInteger(Int32(truncatingIfNeeded: 12 + secret.count))
        buffer.writeInteger(Self.cancelRequestCode)
        buffer.writeInteger(processID)
        buffer.writeBytes(secret)
    }

    /// Writes the body of a BackendKeyData message (process ID and secret, no header).
    func encodeBody(into buffer: inout ByteBuffer) {
        buffer.writeInteger(processID)
        buffer.writeBytes(secret)
    }

    /// Reads a process ID and a secret filling the rest of `body`, checking the secret length.
    static func decode(body: inout ByteBuffer, what: String) throws -> CancelKey {
        let processID = try body.pgReadInt32(what)
        let length = body.readableBytes
        guard length >= minimumSecretLength && length <= maximumSecretLength else {
            throw PGProtocolError.malformed("\(what): secret key of \(length) bytes")
        }
        return CancelKey(processID: processID, secret: try body.pgReadBytes(length: length, what))
    }
}
