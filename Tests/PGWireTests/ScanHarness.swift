import NIOCore
import PGWire
import Testing

/// A scanner output with adjacent forward runs merged, so differently split inputs can be compared.
enum ScanItem: Equatable, CustomStringConvertible {
    case bytes([UInt8])
    case message(UInt8, [UInt8])

    var description: String {
        switch self {
        case .bytes(let bytes): return "bytes(\(bytes.count))"
        case .message(let type, let frame): return "message(\(type), \(frame.count))"
        }
    }
}

/// Test helpers to build message streams and run a scanner over them.
enum ScanHarness {
    /// A regular message: type, Int32 length (body + 4), body.
    static func frame(_ type: UInt8, _ body: [UInt8]) -> [UInt8] {
        let length = UInt32(body.count + 4)
        return [
            type, UInt8(length >> 24), UInt8((length >> 16) & 0xFF), UInt8((length >> 8) & 0xFF),
            UInt8(length & 0xFF),
        ] + body
    }

    /// A frame with `count` bytes of deterministic body.
    static func frame(_ type: UInt8, bodyCount: Int) -> [UInt8] {
        frame(type, (0..<bodyCount).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) })
    }

    /// What a correct scanner must produce for `frames` given `watched`.
    static func expected(_ frames: [[UInt8]], watched: MessageTypeSet) -> [ScanItem] {
        var items: [ScanItem] = []
        for frame in frames {
            if watched.contains(frame[0]) {
                items.append(.message(frame[0], frame))
            } else {
                append(&items, frame)
            }
        }
        return items
    }

    static func append(_ items: inout [ScanItem], _ bytes: [UInt8]) {
        guard !bytes.isEmpty else { return }
        if case .bytes(let previous) = items.last {
            items[items.count - 1] = .bytes(previous + bytes)
        } else {
            items.append(.bytes(bytes))
        }
    }

    /// Feeds `pieces` one after the other and returns the merged output.
    static func run(_ scanner: inout MessageScanner, pieces: [[UInt8]]) throws -> [ScanItem] {
        var items: [ScanItem] = []
        for piece in pieces {
            var input = ByteBuffer(bytes: piece)
            while let event = try scanner.next(&input) {
                switch event {
                case .forward(let buffer):
                    #expect(buffer.readableBytes > 0)
                    append(&items, Array(buffer.readableBytesView))
                case .message(let type, let frame):
                    items.append(.message(type, Array(frame.readableBytesView)))
                }
            }
            #expect(input.readableBytes == 0)
        }
        return items
    }

    /// Splits `bytes` at the given ascending offsets.
    static func split(_ bytes: [UInt8], at offsets: [Int]) -> [[UInt8]] {
        var pieces: [[UInt8]] = []
        var start = 0
        for offset in offsets + [bytes.count] {
            pieces.append(Array(bytes[start..<offset]))
            start = offset
        }
        return pieces
    }
}
