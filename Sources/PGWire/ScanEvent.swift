import NIOCore

/// What ``MessageScanner/next(_:)`` found in the byte stream.
public enum ScanEvent: Sendable, Equatable {
    /// Bytes to pass on unchanged: any number of whole unwatched messages, possibly starting or ending in
    /// the middle of one. Usually a slice of the input, never a copy of a large body.
    case forward(ByteBuffer)
    /// One complete watched message; `frame` includes the type byte and the Int32 length.
    case message(type: UInt8, frame: ByteBuffer)
}
