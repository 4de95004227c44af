import Foundation

/// Processes and directories to get rid of when the test process exits, since Swift Testing has no global teardown.
///
/// Each entry is stopped with its own signal, then given a few seconds to exit before SIGKILL.
final class CleanupRegistry: @unchecked Sendable {
    static let shared: CleanupRegistry = {
        let registry = CleanupRegistry()
        atexit { CleanupRegistry.shared.runAll() }
        return registry
    }()

    private struct Entry {
        var pid: Int32
        var signal: Int32
        var directory: String?
    }

    private let lock = NSLock()
    private var entries: [Int: Entry] = [:]
    private var nextToken = 0

    /// Registers a child process (and optionally a directory to delete after it stops); returns a token.
    func register(pid: Int32, signal: Int32, directory: String?) -> Int {
        lock.lock()
        defer { lock.unlock() }
        nextToken += 1
        entries[nextToken] = Entry(pid: pid, signal: signal, directory: directory)
        return nextToken
    }

    func unregister(_ token: Int) {
        lock.lock()
        defer { lock.unlock() }
        entries[token] = nil
    }

    func runAll() {
        lock.lock()
        let all = Array(entries.values)
        entries.removeAll()
        lock.unlock()
        for entry in all {
            Self.stop(pid: entry.pid, signal: entry.signal, grace: 10)
            if let directory = entry.directory {
                try? FileManager.default.removeItem(atPath: directory)
            }
        }
    }

    /// Sends `signal`, waits up to `grace` seconds for the process to go away, then SIGKILLs it.
    static func stop(pid: Int32, signal: Int32, grace: Double) {
        guard pid > 0 else { return }
        kill(pid, signal)
        let deadline = Date().addingTimeInterval(grace)
        while Date() < deadline {
            if !isAlive(pid) { return }
            usleep(50_000)
        }
        kill(pid, SIGKILL)
        for _ in 0..<40 where isAlive(pid) { usleep(50_000) }
    }

    /// Alive and not a zombie (a zombie has exited; it only waits to be reaped).
    static func isAlive(_ pid: Int32) -> Bool {
        guard kill(pid, 0) == 0 else { return false }
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return false }
        let state = stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).prefix(1)
        return state != "Z" && state != "X"
    }
}
