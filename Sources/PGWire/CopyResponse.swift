import NIOCore

/// The body shared by CopyInResponse, CopyOutResponse and CopyBothResponse (53.7 "Message Formats").
public struct CopyResponse: Sendable, Hashable {
    /// The overall format: 0 textual, 1 binary.
    public var overallFormat: Int8
    /// The format code of each column; all 0 when ``overallFormat`` is 0.
    public var columnFormats: [Int16]

    /// Creates a response body.
    public init(overallFormat: Int8 = 0, columnFormats: [Int16]) {
        self.overallFormat = overallFormat
        self.columnFormats = columnFormats
    }

    func encodeBody(into buffer: inout ByteBuffer) {
        buffer.writeInteger(overallFormat)
        buffer.pgWriteCount(columnFormats.count)
        for format in columnFormats {
            buffer.writeInteger(format)
        }
    }

    static func decode(body: inout ByteBuffer, what: String) throws -> CopyResponse {
        let overall = Int8(bitPattern: try body.pgReadUInt8(what))
        let count = try body.pgReadCount(minElementSize: 2, what)
        var formats: [Int16] = []
        formats.reserveCapacity(count)
        for _ in 0..<count {
            formats.append(try body.pgReadInt16(what))
        }
        try body.pgExpectEnd(what)
        return CopyResponse(overallFormat: overall, columnFormats: formats)
    }
}
