@preconcurrency import Dispatch
import Foundation

/// Waits for one of a set of POSIX signals, without the default action killing the process.
final class SignalWaiter: @unchecked Sendable {
    private let sources: [any DispatchSourceSignal]
    private let stream: AsyncStream<Int32>
    private let continuation: AsyncStream<Int32>.Continuation

    init(signals: [Int32]) {
        let (stream, continuation) = AsyncStream<Int32>.makeStream()
        self.stream = stream
        var sources: [any DispatchSourceSignal] = []
        for signalNumber in signals {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler { continuation.yield(signalNumber) }
            source.resume()
            sources.append(source)
        }
        self.sources = sources
        self.continuation = continuation
    }

    /// Not a signal: the listener was closed by the admin console's SHUTDOWN.
    static let listenerClosed: Int32 = -1
    /// Not a signal: every client left after a drain.
    static let drained: Int32 = -2

    /// Makes `next()` return `signalNumber` as if the process had received it (or one of the events above).
    func deliver(_ signalNumber: Int32) {
        continuation.yield(signalNumber)
    }

    /// The next signal received.
    func next() async -> Int32 {
        for await signalNumber in stream { return signalNumber }
        return 0
    }
}
