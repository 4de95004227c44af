import Foundation

/// When a statement started: a monotonic clock reading for durations and ordering, and the wall-clock time
/// for reports.
public struct StatementTimestamp: Sendable, Equatable {
    /// A monotonic clock reading in nanoseconds (for example `DispatchTime.now().uptimeNanoseconds` or NIO's
    /// `NIODeadline.now().uptimeNanoseconds`); only differences between readings mean anything.
    public var monotonicNanoseconds: UInt64
    /// The wall-clock time of the same instant.
    public var wallClock: Date

    /// Creates a timestamp.
    public init(monotonicNanoseconds: UInt64, wallClock: Date) {
        self.monotonicNanoseconds = monotonicNanoseconds
        self.wallClock = wallClock
    }
}
