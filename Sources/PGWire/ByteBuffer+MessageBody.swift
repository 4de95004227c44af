import NIOCore

/// Throwing readers and framing writers shared by the message decoders and encoders.
///
/// Every reader throws ``PGProtocolError/malformed(_:)`` instead of returning `nil`, so that decoders can be
/// written as straight-line code.
extension ByteBuffer {
    mutating func pgReadUInt8(_ what: @autoclosure () -> String) throws -> UInt8 {
        guard let value = self.readInteger(as: UInt8.self) else {
            throw PGProtocolError.malformed("\(what()): truncated")
        }
        return value
    }

    mutating func pgReadInt16(_ what: @autoclosure () -> String) throws -> Int16 {
        guard let value = self.readInteger(as: Int16.self) else {
            throw PGProtocolError.malformed("\(what()): truncated")
        }
        return value
    }

    /// Reads an Int16 count. PostgreSQL reads these counts as unsigned 16-bit values (`pq_getmsgint`), so
    /// up to 65535 parameters are legal; the count is also checked against the bytes left.
    mutating func pgReadCount(minElementSize: Int, _ what: @autoclosure () -> String) throws -> Int {
        guard let value = self.readInteger(as: UInt16.self) else {
            throw PGProtocolError.malformed("\(what()): truncated")
        }
        let count = Int(value)
        guard count * minElementSize <= self.readableBytes else {
            throw PGProtocolError.malformed("\(what()): count \(count) exceeds message length")
        }
        return count
    }

    mutating func pgReadInt32(_ what: @autoclosure () -> String) throws -> Int32 {
        guard let value = self.readInteger(as: Int32.self) else {
            throw PGProtocolError.malformed("\(what()): truncated")
        }
        return value
    }

    mutating func pgReadUInt32(_ what: @autoclosure () -> String) throws -> UInt32 {
        guard let value = self.readInteger(as: UInt32.self) else {
            throw PGProtocolError.malformed("\(what()): truncated")
        }
        return value
    }

    mutating func pgReadCString(_ what: @autoclosure () -> String) throws -> String {
        guard let value = self.readCString() else {
            throw PGProtocolError.malformed("\(what()): missing string terminator")
        }
        return value
    }

    mutating func pgReadSlice(length: Int, _ what: @autoclosure () -> String) throws -> ByteBuffer {
        guard length >= 0, let value = self.readSlice(length: length) else {
            throw PGProtocolError.malformed("\(what()): truncated")
        }
        return value
    }

    mutating func pgReadBytes(length: Int, _ what: @autoclosure () -> String) throws -> [UInt8] {
        guard length >= 0, let value = self.readBytes(length: length) else {
            throw PGProtocolError.malformed("\(what()): truncated")
        }
        return value
    }

    /// Reads an Int32 length followed by that many bytes; length -1 means NULL, any other negative length
    /// is an error (53.7 "Message Formats", DataRow and Bind).
    mutating func pgReadNullableValue(_ what: @autoclosure () -> String) throws -> ByteBuffer? {
        let length = try self.pgReadInt32(what())
        if length == -1 {
            return nil
        }
        guard length >= 0 else {
            throw PGProtocolError.malformed("\(what()): negative value length \(length)")
        }
        return try self.pgReadSlice(length: Int(length), what())
    }

    /// Reads all remaining bytes as a slice.
    mutating func pgReadRest() -> ByteBuffer {
        self.readSlice(length: self.readableBytes)!
    }

    /// Throws unless every byte of the body has been read (PostgreSQL's `pq_getmsgend`).
    func pgExpectEnd(_ what: @autoclosure () -> String) throws {
        guard self.readableBytes == 0 else {
            throw PGProtocolError.malformed("\(what()): \(self.readableBytes) unexpected trailing bytes")
        }
    }

    /// Writes an Int32 length (-1 for NULL) followed by the value's readable bytes.
    mutating func pgWriteNullableValue(_ value: ByteBuffer?) {
        guard var value else {
            self.writeInteger(Int32(-1))
            return
        }
        self.writeInteger(Int32(truncatingIfNeeded: value.readableBytes))
        self.writeBuffer(&value)
    }

    /// Writes an Int16 count as PostgreSQL reads it: unsigned, so at most 65535.
    mutating func pgWriteCount(_ count: Int) {
        self.writeInteger(UInt16(truncatingIfNeeded: count))
    }

    /// Writes a regular message: type byte, Int32 length counting itself and the body, then the body.
    mutating func pgWriteMessage(_ type: UInt8, _ body: (inout ByteBuffer) -> Void) {
        self.writeInteger(type)
        let lengthIndex = self.writerIndex
        self.writeInteger(Int32(0))
        body(&self)
        let length = self.writerIndex - lengthIndex
        self.setInteger(Int32(truncatingIfNeeded: length), at: lengthIndex)
    }
}
