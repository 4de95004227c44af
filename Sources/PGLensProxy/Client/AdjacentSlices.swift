import NIOCore

/// Gathers the pieces of one read buffer that follow each other in it into a single slice, so that a
/// forwarded run and the messages looked at after it (a ReadyForQuery, a Query) leave as one write
/// instead of one write each.
///
/// A piece counts as the buffer's own bytes only if it is exactly the bytes the scanner consumed from the
/// buffer for it (same memory, same length); anything else (a message completed from the scanner's stash,
/// a frame pglens wrote itself) ends the gathered slice and is passed on by itself, in order.
struct AdjacentSlices {
    private let source: ByteBuffer
    /// The reader indexes of `source` where the gathered bytes start and end (empty when equal).
    private var start: Int
    private var end: Int

    init(source: ByteBuffer) {
        self.source = source
        self.start = source.readerIndex
        self.end = source.readerIndex
    }

    /// Passes on `piece`, which the scanner produced while consuming `source` from reader index `from`
    /// to `to`.
    mutating func add(_ piece: ByteBuffer, consumedFrom from: Int, to: Int, emit: (ByteBuffer) -> Void) {
        guard piece.readableBytes > 0 else { return }
        guard piece.readableBytes == to - from, isSourceBytes(piece, at: from) else {
            return addSeparately(piece, emit: emit)
        }
        if end != from {
            flush(emit: emit)
            start = from
        }
        end = to
    }

    /// Passes on a piece that is not part of `source` (or must not be joined): after what is gathered.
    mutating func addSeparately(_ piece: ByteBuffer, emit: (ByteBuffer) -> Void) {
        flush(emit: emit)
        emit(piece)
    }

    /// Passes on what is gathered.
    mutating func flush(emit: (ByteBuffer) -> Void) {
        guard end > start, let slice = source.getSlice(at: start, length: end - start) else { return }
        emit(slice)
        start = end
    }

    private func isSourceBytes(_ piece: ByteBuffer, at index: Int) -> Bool {
        let offset = index - source.readerIndex
        guard offset >= 0, offset + piece.readableBytes <= source.readableBytes else { return false }
        return piece.withUnsafeReadableBytes { pieceBytes in
            source.withUnsafeReadableBytes { sourceBytes in
                pieceBytes.baseAddress == sourceBytes.baseAddress.map { $0 + offset }
            }
        }
    }
}
