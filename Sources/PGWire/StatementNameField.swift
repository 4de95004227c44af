import NIOCore

/// Where a Parse, Bind, Describe or Close frame names a prepared statement, found without decoding the
/// rest of the message (53.7 "Message Formats").
///
/// A pooler that renames statements reads only this field and copies the bytes around it; parameter
/// values in a Bind are never looked at.
public struct StatementNameField: Sendable, Equatable {
    /// Index in the frame of the name's first byte.
    public let start: Int
    /// Length of the name in bytes, without its NUL terminator.
    public let length: Int

    /// Finds the statement name in a complete frame (type byte and length included).
    ///
    /// Returns nil for other message types, for a Describe or Close of a portal, and for a frame too
    /// short or missing a NUL terminator: such a frame is passed on and the server answers it.
    public static func locate(in frame: ByteBuffer) -> StatementNameField? {
        let base = frame.readerIndex
        guard let type = frame.getInteger(at: base, as: UInt8.self) else { return nil }
        let bodyStart = base + MessageScanner.headerLength
        let nameStart: Int
        switch FrontendMessageID(rawValue: type) {
        case .parse:
            nameStart = bodyStart
        case .bind:
            guard let portalLength = Self.cStringLength(in: frame, at: bodyStart) else { return nil }
            nameStart = bodyStart + portalLength + 1
        case .describe, .close:
            guard frame.getInteger(at: bodyStart, as: UInt8.self) == DescribeTarget.statement.rawValue else {
                return nil
            }
            nameStart = bodyStart + 1
        default:
            return nil
        }
        guard let length = Self.cStringLength(in: frame, at: nameStart) else { return nil }
        return StatementNameField(start: nameStart - base, length: length)
    }

    /// The name, decoded as UTF-8.
    public func name(in frame: ByteBuffer) -> String {
        frame.getString(at: frame.readerIndex + start, length: length) ?? ""
    }

    /// Whether the name is empty (the unnamed statement).
    public var isUnnamed: Bool { length == 0 }

    /// The same frame with the name replaced by `name`, the length field adjusted.
    public func replacing(with name: String, in frame: ByteBuffer) -> ByteBuffer {
        let base = frame.readerIndex
        let nameBytes = name.utf8.count
        var result = ByteBuffer()
        result.reserveCapacity(frame.readableBytes - length + nameBytes)
        result.writeImmutableBuffer(frame.getSlice(at: base, length: start)!)
        result.writeString(name)
        let tail = base + start + length
        result.writeImmutableBuffer(frame.getSlice(at: tail, length: frame.writerIndex - tail)!)
        result.setInteger(Int32(result.readableBytes - 1), at: result.readerIndex + 1)
        return result
    }

    /// The number of bytes before the NUL that ends the string at `index`, or nil if there is none.
    private static func cStringLength(in frame: ByteBuffer, at index: Int) -> Int? {
        guard index < frame.writerIndex else { return nil }
        return frame.withUnsafeReadableBytes { bytes -> Int? in
            let offset = index - frame.readerIndex
            guard let end = bytes[offset...].firstIndex(of: 0) else { return nil }
            return end - offset
        }
    }
}
