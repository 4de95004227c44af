import NIOCore

/// Cuts a stream of regular typed messages (one type byte, then an Int32 length counting itself but not
/// the type byte; 53.7 "Message Formats") into ``ScanEvent``s without copying what need not be inspected.
///
/// Unwatched messages are passed on as ``ScanEvent/forward(_:)`` slices of the input; a forward run may
/// span many messages and may end inside one, whose remaining body is then streamed as it arrives.
/// Watched messages are delivered whole as ``ScanEvent/message(type:frame:)``. Only an incomplete header
/// (fewer than 5 bytes) or an incomplete watched message is copied into an internal stash.
///
/// Call ``next(_:)`` after every read until it returns `nil`; the input is then fully consumed.
public struct MessageScanner: Sendable {
    private enum State: Sendable {
        /// At a message boundary, nothing stashed.
        case boundary
        /// Inside the body of an unwatched message whose header was already forwarded.
        case streaming(remaining: Int)
        /// The stash holds 1 to 4 bytes of a header.
        case partialHeader
        /// The stash holds the beginning of a watched message of `frameLength` bytes (type byte included).
        case collecting(type: UInt8, frameLength: Int)
    }

    /// The size of a message header: type byte plus Int32 length.
    public static let headerLength = 5

    /// The types delivered as whole ``ScanEvent/message(type:frame:)`` events.
    public var watched: MessageTypeSet
    /// The types whose headers are counted.
    public let counted: MessageTypeSet
    /// The largest accepted message, type byte and length included.
    public let maxMessageLength: Int

    private var state: State = .boundary
    private var stash: ByteBuffer
    private var failure: PGProtocolError?
    /// One counter per type byte, touched only for counted types.
    private var counters: [Int]
    /// The type byte of the last header read (0 before the first).
    public private(set) var lastType: UInt8 = 0

    /// Creates a scanner.
    ///
    /// - Parameters:
    ///   - watched: the types to deliver as whole messages.
    ///   - counted: the types to count (watched or not).
    ///   - maxMessageLength: the largest accepted message including its type byte; longer ones throw.
    public init(watched: MessageTypeSet, counted: MessageTypeSet = .empty, maxMessageLength: Int) {
        self.watched = watched
        self.counted = counted
        self.maxMessageLength = maxMessageLength
        self.stash = ByteBuffer()
        self.counters = counted.isEmpty ? [] : [Int](repeating: 0, count: 256)
    }

    /// Whether the scanner is in the middle of a message (streaming a body or holding a partial one).
    public var hasPartialMessage: Bool {
        switch state {
        case .boundary: return false
        case .streaming, .partialHeader, .collecting: return true
        }
    }

    /// The error that stopped the scanner, if any; once failed, every call to ``next(_:)`` rethrows it.
    public var error: PGProtocolError? { failure }

    /// How many headers of `type` have been consumed since the last reset; 0 for types not counted.
    public func count(of type: UInt8) -> Int {
        counted.contains(type) ? counters[Int(type)] : 0
    }

    /// Returns the count of `type` and resets it to zero.
    public mutating func takeCount(of type: UInt8) -> Int {
        guard counted.contains(type) else {
            return 0
        }
        let value = counters[Int(type)]
        counters[Int(type)] = 0
        return value
    }

    /// Resets all counters to zero.
    public mutating func resetCounts() {
        for type in counted.members {
            counters[Int(type)] = 0
        }
    }

    /// Returns the next event, or `nil` once `input` is fully consumed (its tail possibly stashed).
    ///
    /// - Throws: ``PGProtocolError`` (08P01) for a length below 4 or a message longer than
    ///   ``maxMessageLength``, detected from the header alone. The scanner then stays failed.
    public mutating func next(_ input: inout ByteBuffer) throws -> ScanEvent? {
        if let failure {
            throw failure
        }
        do {
            switch state {
            case .partialHeader:
                return try completeHeader(&input)
            case .collecting(let type, let frameLength):
                return collect(&input, type: type, frameLength: frameLength)
            case .streaming(let remaining):
                return try forwardRun(&input, remaining: remaining)
            case .boundary:
                return try forwardRun(&input, remaining: 0)
            }
        } catch let error as PGProtocolError {
            failure = error
            throw error
        }
    }

    // MARK: - Private

    private func validate(type: UInt8, length: Int32) throws {
        guard length >= 4 else {
            throw PGProtocolError.invalidLength(type: type, length: Int(length))
        }
        guard Int(length) + 1 <= maxMessageLength else {
            throw PGProtocolError.messageTooLong(type: type, length: Int(length) + 1, limit: maxMessageLength)
        }
    }

    private mutating func countHeader(_ type: UInt8) {
        lastType = type
        if counted.contains(type) {
            counters[Int(type)] += 1
        }
    }

    /// Builds the longest forward run at the start of `input`: the rest of a streamed body, then whole or
    /// streamed unwatched messages, stopping before a watched message, a partial header or a bad header.
    private mutating func forwardRun(_ input: inout ByteBuffer, remaining: Int) throws -> ScanEvent? {
        let start = input.readerIndex
        let end = input.writerIndex
        if remaining > 0 && start == end {
            return nil
        }
        var position = start + min(remaining, end - start)
        var bodyLeft = remaining - (position - start)
        while bodyLeft == 0 && end - position >= Self.headerLength {
            let type = input.getInteger(at: position, as: UInt8.self)!
            let length = input.getInteger(at: position + 1, as: Int32.self)!
            if watched.contains(type) {
                break
            }
            do {
                try validate(type: type, length: length)
            } catch {
                // Forward the good bytes first; the next call starts at this header and throws.
                if position > start {
                    break
                }
                throw error
            }
            countHeader(type)
            position += Self.headerLength
            let body = Int(length) - 4
            let available = min(body, end - position)
            position += available
            bodyLeft = body - available
        }
        if position > start {
            state = bodyLeft > 0 ? .streaming(remaining: bodyLeft) : .boundary
            return .forward(input.readSlice(length: position - start)!)
        }
        state = .boundary
        let readable = end - start
        if readable == 0 {
            return nil
        }
        if readable < Self.headerLength {
            stash = ByteBuffer()
            stash.writeImmutableBuffer(input.readSlice(length: readable)!)
            state = .partialHeader
            return nil
        }
        // A watched message at the boundary.
        let type = input.getInteger(at: start, as: UInt8.self)!
        let length = input.getInteger(at: start + 1, as: Int32.self)!
        try validate(type: type, length: length)
        countHeader(type)
        let frameLength = Int(length) + 1
        if let frame = input.readSlice(length: frameLength) {
            return .message(type: type, frame: frame)
        }
        stash = ByteBuffer()
        stash.reserveCapacity(min(frameLength, 65_536))
        stash.writeImmutableBuffer(input.readSlice(length: readable)!)
        state = .collecting(type: type, frameLength: frameLength)
        return nil
    }

    /// Adds bytes to a stashed partial header; once complete, continues with the message it starts.
    private mutating func completeHeader(_ input: inout ByteBuffer) throws -> ScanEvent? {
        let needed = Self.headerLength - stash.readableBytes
        let taken = min(needed, input.readableBytes)
        if taken > 0 {
            stash.writeImmutableBuffer(input.readSlice(length: taken)!)
        }
        guard taken == needed else {
            return nil
        }
        let type = stash.getInteger(at: stash.readerIndex, as: UInt8.self)!
        let length = stash.getInteger(at: stash.readerIndex + 1, as: Int32.self)!
        try validate(type: type, length: length)
        countHeader(type)
        if watched.contains(type) {
            let frameLength = Int(length) + 1
            stash.reserveCapacity(min(frameLength, 65_536))
            state = .collecting(type: type, frameLength: frameLength)
            return collect(&input, type: type, frameLength: frameLength)
        }
        let header = stash
        stash = ByteBuffer()
        let body = Int(length) - 4
        state = body > 0 ? .streaming(remaining: body) : .boundary
        return .forward(header)
    }

    /// Adds bytes to a stashed watched message; returns it once complete.
    private mutating func collect(_ input: inout ByteBuffer, type: UInt8, frameLength: Int) -> ScanEvent? {
        let taken = min(frameLength - stash.readableBytes, input.readableBytes)
        if taken > 0 {
            stash.writeImmutableBuffer(input.readSlice(length: taken)!)
        }
        guard stash.readableBytes == frameLength else {
            return nil
        }
        let frame = stash
        stash = ByteBuffer()
        state = .boundary
        return .message(type: type, frame: frame)
    }
}
