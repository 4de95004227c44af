import NIOCore
import PGWire
import Testing

@Suite struct MessageScannerFuzzTests {
    struct Generator {
        var state: UInt64

        mutating func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
    }

    /// Random message streams, random watched and counted sets, random read sizes: the scanner output must
    /// equal the reference cut and the counts the number of messages of each counted type.
    @Test(arguments: 0..<40)
    func randomStreamsAndSplits(seed: Int) throws {
        var random = Generator(state: UInt64(seed) &* 0x9E37_79B9_7F4A_7C15 &+ 1)
        let types: [UInt8] = Array("ZDCTdQSEN".utf8)
        let watched = MessageTypeSet(types.filter { _ in random.next(2) == 0 })
        let counted = MessageTypeSet(types.filter { _ in random.next(2) == 0 })
        var frames: [[UInt8]] = []
        for _ in 0..<(1 + random.next(60)) {
            let type = types[random.next(types.count)]
            let size = random.next(10) == 0 ? random.next(5000) : random.next(40)
            frames.append(ScanHarness.frame(type, bodyCount: size))
        }
        let stream = frames.flatMap { $0 }
        var offsets: [Int] = []
        var position = 0
        let maxRead = [1, 3, 7, 64, 1500, 9000][random.next(6)]
        while position < stream.count {
            position += 1 + random.next(maxRead)
            if position < stream.count {
                offsets.append(position)
            }
        }
        var scanner = MessageScanner(watched: watched, counted: counted, maxMessageLength: 6000)
        let items = try ScanHarness.run(&scanner, pieces: ScanHarness.split(stream, at: offsets))
        #expect(items == ScanHarness.expected(frames, watched: watched))
        #expect(!scanner.hasPartialMessage)
        for type in types {
            let expected = counted.contains(type) ? frames.filter { $0[0] == type }.count : 0
            #expect(scanner.count(of: type) == expected)
        }
    }

    /// Forward runs are slices sharing the input's storage, not copies.
    @Test func forwardRunsShareInputStorage() throws {
        var scanner = MessageScanner(watched: [UInt8(ascii: "Z")], maxMessageLength: 1 << 20)
        let frames = [
            ScanHarness.frame(UInt8(ascii: "D"), bodyCount: 70_000), ScanHarness.frame(UInt8(ascii: "Z"), [73]),
        ]
        var input = ByteBuffer(bytes: frames.flatMap { $0 })
        let base = input.withUnsafeReadableBytes { UInt(bitPattern: $0.baseAddress) }
        guard case .forward(let run) = try scanner.next(&input) else {
            Issue.record("expected a forward run")
            return
        }
        #expect(run.withUnsafeReadableBytes { UInt(bitPattern: $0.baseAddress) } == base)
        guard case .message(_, let frame) = try scanner.next(&input) else {
            Issue.record("expected a message")
            return
        }
        #expect(frame.withUnsafeReadableBytes { UInt(bitPattern: $0.baseAddress) } == base + 70_005)
    }
}
