import Foundation

/// The command `pglens run` runs: looked up on `PATH`, standard input, output and error shared with
/// pglens, its exit status as a shell reports it.
enum CommandUnderProxy {
    /// Runs `arguments` (the program first) with `environment` and waits for it to end.
    /// - Returns: its exit status, or 128 + the signal that ended it.
    static func run(_ arguments: [String], environment: [String: String]) async throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["--"] + arguments
        process.environment = environment
        return try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { finished in
                switch finished.terminationReason {
                case .exit: continuation.resume(returning: finished.terminationStatus)
                case .uncaughtSignal: continuation.resume(returning: 128 + finished.terminationStatus)
                @unknown default: continuation.resume(returning: finished.terminationStatus)
                }
            }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
    }
}
