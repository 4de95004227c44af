import NIOCore

/// The logged-in client sessions of one event loop, looked at periodically for passed time limits.
///
/// Confined to its event loop; the check runs only when a limit is configured.
final class SessionSweeper: @unchecked Sendable {
    /// A session the sweeper looks at.
    protocol Session: AnyObject {
        /// Checks the session's limits at `now` and acts on what expired.
        func checkTimeouts(now: NIODeadline)
    }

    private let eventLoop: any EventLoop
    private let interval: TimeAmount
    private var sessions: [ObjectIdentifier: any Session] = [:]
    private var task: RepeatedTask?

    init(eventLoop: any EventLoop, interval: TimeAmount) {
        self.eventLoop = eventLoop
        self.interval = interval
    }

    func add(_ session: any Session) {
        sessions[ObjectIdentifier(session)] = session
        if task == nil {
            task = eventLoop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { [weak self] _ in
                self?.sweep()
            }
        }
    }

    func remove(_ session: any Session) {
        sessions[ObjectIdentifier(session)] = nil
    }

    private func sweep() {
        let now = NIODeadline.now()
        for session in Array(sessions.values) { session.checkTimeouts(now: now) }
    }
}
