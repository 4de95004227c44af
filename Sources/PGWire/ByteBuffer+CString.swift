import NIOCore

extension ByteBuffer {
    /// Writes `string` as UTF-8 followed by a NUL terminator (the protocol's `String` type).
    ///
    /// The caller must not pass a string containing NUL: the peer would read it as two strings.
    /// - Returns: the number of bytes written.
    @discardableResult
    public mutating func writeCString(_ string: String) -> Int {
        let written = self.writeString(string)
        return written + self.writeInteger(UInt8(0))
    }

    /// Reads a NUL-terminated string and the terminator.
    ///
    /// - Returns: the string (decoded as UTF-8, invalid sequences repaired), or `nil` without moving the
    ///   reader index when the readable bytes contain no NUL.
    public mutating func readCString() -> String? {
        guard let nul = self.readableBytesView.firstIndex(of: 0) else {
            return nil
        }
        let length = nul - self.readerIndex
        let string = self.readString(length: length) ?? ""
        self.moveReaderIndex(forwardBy: 1)
        return string
    }
}
