import Foundation
import PGLensTop

#if canImport(Glibc)
    import Glibc
#endif

/// The live screen of `pglens top`: the terminal in raw mode on the alternate screen, keys read on a thread
/// of their own, signals and polls turned into events for a ``TopScreenState``, whose actions it carries out.
/// All decisions are the state's; this type only reads, writes and waits.
struct TopLiveScreen: Sendable {
    /// What happened.
    private enum Event: Sendable {
        case keys([TopKey])
        case signal(Int32)
        case polled(Result<TopSample, TopProblem>)
    }

    var poller: TopPoller
    var source: String
    var interval: Double
    var order: TopSortOrder
    var colour: Bool

    /// Runs until a quit key or a terminating signal, then leaves the terminal as it found it.
    func run() async {
        let size = RawTerminal.size(of: STDOUT_FILENO) ?? TerminalSize(columns: 80, rows: 24)
        var state = TopScreenState(order: order, size: size)
        let (events, continuation) = AsyncStream<Event>.makeStream()
        let signals = SignalWaiter(signals: [SIGINT, SIGTERM, SIGHUP, SIGWINCH])
        let signalTask = Task {
            while !Task.isCancelled { continuation.yield(.signal(await signals.next())) }
        }
        // Keys only when standard input is the terminal; otherwise Ctrl-C arrives as SIGINT.
        let terminal = RawTerminal(descriptor: STDIN_FILENO)
        if terminal != nil { Self.readKeys(into: continuation) }
        let poller = self.poller
        let interval = self.interval
        let pollTask = Task {
            while !Task.isCancelled {
                continuation.yield(.polled(await poller.sample()))
                try? await Task.sleep(for: .milliseconds(Int64(interval * 1000)))
            }
        }
        RawTerminal.writeAll(ScreenOutput.enter)
        draw(state)
        loop: for await event in events {
            var actions: [TopScreenState.Action] = []
            switch event {
            case .keys(let keys):
                actions = keys.map { state.keyPressed($0) }
            case .signal(SIGWINCH):
                actions = [state.resized(to: RawTerminal.size(of: STDOUT_FILENO) ?? state.size)]
            case .signal:
                actions = [.quit]
            case .polled(.success(let sample)):
                actions = [state.sampled(sample)]
            case .polled(.failure(let problem)):
                actions = [state.pollFailed(problem)]
            }
            if actions.contains(.quit) { break loop }
            if actions.contains(.redraw) { draw(state) }
        }
        pollTask.cancel()
        signalTask.cancel()
        RawTerminal.writeAll(ScreenOutput.leave)
        terminal?.restore()
    }

    private func draw(_ state: TopScreenState) {
        RawTerminal.writeAll(ScreenOutput.frame(state.frame(source: source, keysShown: true), colour: colour))
    }

    /// Reads standard input on a thread of its own (a blocking read; the thread ends with the process).
    private static func readKeys(into continuation: AsyncStream<Event>.Continuation) {
        Thread.detachNewThread {
            var decoder = TopKeyDecoder()
            var buffer = [UInt8](repeating: 0, count: 64)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(STDIN_FILENO, $0.baseAddress, $0.count) }
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else { return }
                let keys = decoder.keys(in: buffer[0..<count])
                if !keys.isEmpty { continuation.yield(.keys(keys)) }
            }
        }
    }
}
