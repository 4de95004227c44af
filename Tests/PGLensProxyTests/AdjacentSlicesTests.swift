import NIOCore
import Testing

@testable import PGLensProxy

@Suite struct AdjacentSlicesTests {
    private let source = ByteBuffer(string: "aaaabbbbccccdddd")

    private func slice(_ start: Int, _ length: Int) -> ByteBuffer {
        source.getSlice(at: source.readerIndex + start, length: length)!
    }

    private func run(_ steps: (inout AdjacentSlices, (ByteBuffer) -> Void) -> Void) -> [String] {
        var out: [String] = []
        var gathered = AdjacentSlices(source: source)
        let emit: (ByteBuffer) -> Void = { out.append(String(buffer: $0)) }
        steps(&gathered, emit)
        gathered.flush(emit: emit)
        return out
    }

    @Test func adjacentPiecesLeaveAsOne() {
        let out = run { gathered, emit in
            gathered.add(slice(0, 4), consumedFrom: 0, to: 4, emit: emit)
            gathered.add(slice(4, 4), consumedFrom: 4, to: 8, emit: emit)
            gathered.add(slice(8, 8), consumedFrom: 8, to: 16, emit: emit)
        }
        #expect(out == ["aaaabbbbccccdddd"])
    }

    @Test func aSkippedMessageSplitsTheBytesAroundIt() {
        // "bbbb" is swallowed (never added): what follows starts a new slice.
        let out = run { gathered, emit in
            gathered.add(slice(0, 4), consumedFrom: 0, to: 4, emit: emit)
            gathered.add(slice(8, 4), consumedFrom: 8, to: 12, emit: emit)
            gathered.add(slice(12, 4), consumedFrom: 12, to: 16, emit: emit)
        }
        #expect(out == ["aaaa", "ccccdddd"])
    }

    @Test func piecesFromElsewhereKeepTheirPlaceInOrder() {
        let out = run { gathered, emit in
            gathered.add(slice(0, 4), consumedFrom: 0, to: 4, emit: emit)
            gathered.addSeparately(ByteBuffer(string: "NOTICE"), emit: emit)
            gathered.add(slice(4, 4), consumedFrom: 4, to: 8, emit: emit)
            // A message completed from the scanner's stash: as long as the bytes consumed, but other memory.
            gathered.add(ByteBuffer(string: "xxcc"), consumedFrom: 8, to: 12, emit: emit)
            gathered.add(slice(12, 4), consumedFrom: 12, to: 16, emit: emit)
        }
        #expect(out == ["aaaa", "NOTICE", "bbbb", "xxcc", "dddd"])
    }

    @Test func aPieceShorterThanWhatWasConsumedIsPassedOnAlone() {
        // The scanner kept the last two bytes (a partial header) and returned only the first two.
        let out = run { gathered, emit in
            gathered.add(slice(0, 4), consumedFrom: 0, to: 4, emit: emit)
            gathered.add(slice(4, 2), consumedFrom: 4, to: 8, emit: emit)
        }
        #expect(out == ["aaaa", "bb"])
    }
}
