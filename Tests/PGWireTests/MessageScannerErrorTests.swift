import NIOCore
import PGWire
import Testing

@Suite struct MessageScannerErrorTests {
    static let dataRow = BackendMessageID.dataRow.rawValue
    static let ready = BackendMessageID.readyForQuery.rawValue

    static func header(_ type: UInt8, length: Int32) -> [UInt8] {
        var buffer = ByteBuffer()
        buffer.writeInteger(type)
        buffer.writeInteger(length)
        return Array(buffer.readableBytesView)
    }

    static func collect(_ scanner: inout MessageScanner, _ pieces: [[UInt8]]) -> (bytes: [UInt8], error: Error?) {
        var bytes: [UInt8] = []
        do {
            for piece in pieces {
                var input = ByteBuffer(bytes: piece)
                while let event = try scanner.next(&input) {
                    switch event {
                    case .forward(let run): bytes += run.readableBytesView
                    case .message(_, let frame): bytes += frame.readableBytesView
                    }
                }
            }
        } catch {
            return (bytes, error)
        }
        return (bytes, nil)
    }

    @Test(arguments: [Int32(3), 0, -1, Int32.min])
    func lengthBelowFourIsRejected(length: Int32) {
        for watched in [MessageTypeSet.empty, [Self.dataRow]] {
            let good = ScanHarness.frame(Self.dataRow, bodyCount: 4)
            let stream = good + Self.header(Self.dataRow, length: length) + [1, 2, 3]
            for offset in 0...stream.count {
                var scanner = MessageScanner(watched: watched, maxMessageLength: 100)
                let result = Self.collect(&scanner, ScanHarness.split(stream, at: [offset]))
                #expect((result.error as? PGProtocolError)?.sqlState == .protocolViolation)
                // The good message before the bad header is still delivered, in order.
                #expect(result.bytes == good)
            }
        }
    }

    @Test func tooLongIsRejectedAtHeaderTime() {
        for watched in [MessageTypeSet.empty, [Self.dataRow]] {
            let stream = Self.header(Self.dataRow, length: 100)
            for offset in 0...stream.count {
                var scanner = MessageScanner(watched: watched, maxMessageLength: 100)
                let result = Self.collect(&scanner, ScanHarness.split(stream, at: [offset]))
                let error = result.error as? PGProtocolError
                #expect(error?.sqlState == .protocolViolation)
                #expect(error == .messageTooLong(type: Self.dataRow, length: 101, limit: 100))
                #expect(result.bytes.isEmpty)
            }
        }
    }

    @Test func exactlyMaximumLengthIsAccepted() throws {
        var scanner = MessageScanner(watched: [Self.dataRow], maxMessageLength: 100)
        let frame = ScanHarness.frame(Self.dataRow, bodyCount: 95)
        #expect(frame.count == 100)
        let result = Self.collect(&scanner, [frame])
        #expect(result.error == nil)
        #expect(result.bytes == frame)
    }

    @Test func scannerStaysFailed() {
        var scanner = MessageScanner(watched: .empty, maxMessageLength: 100)
        var bad = ByteBuffer(bytes: Self.header(Self.dataRow, length: 2))
        #expect(throws: PGProtocolError.self) { try scanner.next(&bad) }
        var good = ByteBuffer(bytes: ScanHarness.frame(Self.ready, [0x49]))
        #expect(throws: PGProtocolError.invalidLength(type: Self.dataRow, length: 2)) { try scanner.next(&good) }
        #expect(scanner.error == .invalidLength(type: Self.dataRow, length: 2))
    }
}
