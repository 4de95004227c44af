import Foundation

/// What `pglens top` shows and why it redraws, as a value: the thin terminal loop feeds it keys, resizes and
/// polls, and carries out the action each returns. No I/O and no clock inside.
public struct TopScreenState: Sendable {
    /// What the terminal loop does next.
    public enum Action: Sendable, Equatable {
        /// Draw the frame again (the data, the order or the size changed).
        case redraw
        /// Restore the terminal and exit.
        case quit
        /// Nothing changed.
        case none
    }

    /// The statements' order.
    public private(set) var order: TopSortOrder
    /// The screen's size.
    public private(set) var size: TerminalSize
    /// The newest sample, and the one before it (for the rates).
    public private(set) var latest: TopSample?
    private var previous: TopSample?
    /// Why the last poll failed, if it did (the screen keeps the data of the last good one).
    public private(set) var pollProblem: TopProblem?

    /// A screen of `size`, ordered by `order`, before the first poll.
    public init(order: TopSortOrder, size: TerminalSize) {
        self.order = order
        self.size = size
    }

    /// A key was pressed.
    public mutating func keyPressed(_ key: TopKey) -> Action {
        switch key {
        case .quit:
            return .quit
        case .redraw:
            return .redraw
        case .sort(let newOrder):
            guard newOrder != order else { return .none }
            order = newOrder
            return .redraw
        }
    }

    /// The terminal changed size (SIGWINCH).
    public mutating func resized(to newSize: TerminalSize) -> Action {
        guard newSize != size else { return .none }
        size = newSize
        return .redraw
    }

    /// A poll answered.
    public mutating func sampled(_ sample: TopSample) -> Action {
        previous = latest
        latest = sample
        pollProblem = nil
        return .redraw
    }

    /// A poll could not reach the API at all.
    public mutating func pollFailed(_ problem: TopProblem) -> Action {
        pollProblem = problem
        return .redraw
    }

    /// The rates between the last two samples.
    public var rates: TopRates? {
        latest.map { TopRates(previous: previous, current: $0) }
    }

    /// The frame to draw now.
    public func frame(source: String, keysShown: Bool) -> [TerminalLine] {
        TopFrame(
            source: source, sample: latest, rates: rates, order: order, pollProblem: pollProblem,
            keysShown: keysShown
        ).lines(size: size)
    }
}
