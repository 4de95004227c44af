import NIOCore
import PGWire
import Testing

@Suite struct MessageScannerTests {
    static let query = FrontendMessageID.query.rawValue
    static let sync = FrontendMessageID.sync.rawValue
    static let ready = BackendMessageID.readyForQuery.rawValue
    static let dataRow = BackendMessageID.dataRow.rawValue
    static let complete = BackendMessageID.commandComplete.rawValue

    static let frames: [[UInt8]] = [
        ScanHarness.frame(dataRow, bodyCount: 12),
        ScanHarness.frame(dataRow, bodyCount: 0),
        ScanHarness.frame(ready, [0x49]),
        ScanHarness.frame(ready, [0x54]),
        ScanHarness.frame(complete, bodyCount: 9),
        ScanHarness.frame(query, bodyCount: 20),
        ScanHarness.frame(dataRow, bodyCount: 3),
        ScanHarness.frame(sync, []),
        ScanHarness.frame(ready, [0x45]),
    ]
    static let stream = frames.flatMap { $0 }
    static let watched: MessageTypeSet = [ready, query]

    func makeScanner() -> MessageScanner {
        MessageScanner(watched: Self.watched, counted: [Self.ready, Self.sync, Self.dataRow], maxMessageLength: 1000)
    }

    @Test func wholeStreamInOnePiece() throws {
        var scanner = makeScanner()
        let items = try ScanHarness.run(&scanner, pieces: [Self.stream])
        #expect(items == ScanHarness.expected(Self.frames, watched: Self.watched))
        #expect(!scanner.hasPartialMessage)
        #expect(scanner.count(of: Self.ready) == 3)
        #expect(scanner.count(of: Self.sync) == 1)
        #expect(scanner.count(of: Self.dataRow) == 3)
        #expect(scanner.count(of: Self.query) == 0)
    }

    @Test func oneBytePerRead() throws {
        var scanner = makeScanner()
        let items = try ScanHarness.run(&scanner, pieces: Self.stream.map { [$0] })
        #expect(items == ScanHarness.expected(Self.frames, watched: Self.watched))
        #expect(!scanner.hasPartialMessage)
        #expect(scanner.count(of: Self.ready) == 3)
        #expect(scanner.count(of: Self.dataRow) == 3)
    }

    @Test func everyTwoPieceSplit() throws {
        let expected = ScanHarness.expected(Self.frames, watched: Self.watched)
        for offset in 0...Self.stream.count {
            var scanner = makeScanner()
            let items = try ScanHarness.run(&scanner, pieces: ScanHarness.split(Self.stream, at: [offset]))
            #expect(items == expected, "split at \(offset)")
            #expect(!scanner.hasPartialMessage)
            #expect(scanner.count(of: Self.ready) == 3)
            #expect(scanner.count(of: Self.sync) == 1)
        }
    }

    @Test func everyThreePieceSplit() throws {
        let expected = ScanHarness.expected(Self.frames, watched: Self.watched)
        for first in 0...Self.stream.count {
            for second in first...Self.stream.count {
                var scanner = makeScanner()
                let pieces = ScanHarness.split(Self.stream, at: [first, second])
                let items = try ScanHarness.run(&scanner, pieces: pieces)
                #expect(items == expected, "split at \(first), \(second)")
                #expect(scanner.count(of: Self.dataRow) == 3)
            }
        }
    }

    @Test func everyMessageWatchedOrNone() throws {
        let all = MessageTypeSet(Array(0...255))
        for watched in [all, MessageTypeSet.empty] {
            for offset in 0...Self.stream.count {
                var scanner = MessageScanner(watched: watched, maxMessageLength: 100)
                let items = try ScanHarness.run(&scanner, pieces: ScanHarness.split(Self.stream, at: [offset]))
                #expect(items == ScanHarness.expected(Self.frames, watched: watched))
            }
        }
    }

    @Test func forwardRunSpansManyMessagesAndIsASlice() throws {
        var scanner = MessageScanner(watched: [Self.ready], maxMessageLength: 1000)
        let frames =
            (0..<50).map { ScanHarness.frame(Self.dataRow, bodyCount: $0) } + [
                ScanHarness.frame(Self.ready, [0x49])
            ]
        var input = ByteBuffer(bytes: frames.flatMap { $0 })
        let event = try scanner.next(&input)
        guard case .forward(let run) = event else {
            Issue.record("expected a forward run, got \(String(describing: event))")
            return
        }
        #expect(run.readableBytes == frames.dropLast().reduce(0) { $0 + $1.count })
        #expect(try scanner.next(&input) == .message(type: Self.ready, frame: ByteBuffer(bytes: frames.last!)))
        #expect(try scanner.next(&input) == nil)
    }

    @Test func watchedMessageLargerThanOneRead() throws {
        var scanner = MessageScanner(watched: [Self.query], maxMessageLength: 1 << 20)
        let big = ScanHarness.frame(Self.query, bodyCount: 100_000)
        let frames = [ScanHarness.frame(Self.dataRow, bodyCount: 10), big, ScanHarness.frame(Self.sync, [])]
        let stream = frames.flatMap { $0 }
        let pieces = ScanHarness.split(stream, at: Array(stride(from: 1024, to: stream.count, by: 1024)))
        let items = try ScanHarness.run(&scanner, pieces: pieces)
        #expect(items == ScanHarness.expected(frames, watched: [Self.query]))
    }

    @Test func tenMegabyteDataRowIsStreamed() throws {
        var scanner = MessageScanner(watched: [Self.ready], counted: [Self.dataRow], maxMessageLength: 1 << 30)
        let bodyCount = 10 * 1024 * 1024
        let chunk = [UInt8](repeating: 0xAB, count: 1024)
        var header = ByteBuffer()
        header.writeInteger(Self.dataRow)
        header.writeInteger(Int32(bodyCount + 4))
        var fed = 0
        var forwarded = 0
        var pieces: [ByteBuffer] = [header.getSlice(at: 0, length: 3)!, header.getSlice(at: 3, length: 2)!]
        var sent = 0
        func feed(_ piece: ByteBuffer) throws {
            var input = piece
            fed += input.readableBytes
            while let event = try scanner.next(&input) {
                guard case .forward(let run) = event else {
                    Issue.record("unexpected \(event)")
                    return
                }
                #expect(run.readableBytes <= 1024 + 5)
                forwarded += run.readableBytes
            }
        }
        for piece in pieces {
            try feed(piece)
        }
        #expect(forwarded == 5)
        pieces.removeAll()
        while sent < bodyCount {
            try feed(ByteBuffer(bytes: chunk))
            sent += chunk.count
            // Nothing is held back: every body byte is forwarded as soon as it arrives.
            #expect(forwarded == fed)
            #expect(scanner.hasPartialMessage == (sent < bodyCount))
        }
        var ready = ByteBuffer(bytes: ScanHarness.frame(Self.ready, [0x49]))
        #expect(
            try scanner.next(&ready) == .message(type: Self.ready, frame: ByteBuffer(bytes: [0x5A, 0, 0, 0, 5, 0x49])))
        #expect(scanner.count(of: Self.dataRow) == 1)
        #expect(!scanner.hasPartialMessage)
    }

    @Test func countsAreTakenAndReset() throws {
        var scanner = makeScanner()
        _ = try ScanHarness.run(&scanner, pieces: [Self.stream])
        #expect(scanner.takeCount(of: Self.ready) == 3)
        #expect(scanner.count(of: Self.ready) == 0)
        #expect(scanner.count(of: Self.dataRow) == 3)
        scanner.resetCounts()
        #expect(scanner.count(of: Self.dataRow) == 0)
        #expect(scanner.takeCount(of: Self.query) == 0)
    }

    @Test func hasPartialMessageTracksStashes() throws {
        var scanner = makeScanner()
        var input = ByteBuffer(bytes: [Self.ready, 0, 0])
        #expect(try scanner.next(&input) == nil)
        #expect(scanner.hasPartialMessage)
        input = ByteBuffer(bytes: [0, 5])
        #expect(try scanner.next(&input) == nil)
        #expect(scanner.hasPartialMessage)
        input = ByteBuffer(bytes: [0x49])
        #expect(
            try scanner.next(&input) == .message(type: Self.ready, frame: ByteBuffer(bytes: [0x5A, 0, 0, 0, 5, 0x49])))
        #expect(!scanner.hasPartialMessage)
    }
}
