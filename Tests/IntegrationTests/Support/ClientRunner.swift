import Foundation

/// Runs client programs (psql, pgbench, python3, ...) with a timeout and captures what they print.
enum ClientRunner {
    /// The directory holding the Python client scripts.
    static let clientsDirectory: String = {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Clients").path
    }()

    /// Runs `program` (looked up on PATH, started through Clients/exec_clean.py for a clean signal mask) with `arguments`; `environment` is added to the inherited one.
    /// Output goes through files, so large outputs cannot dead-lock on a full pipe.
    static func run(
        _ program: String, _ arguments: [String], environment: [String: String] = [:],
        timeout: Double = 60, workingDirectory: String? = nil
    ) async throws -> CommandResult {
        let scratch = try TempDirectory.make(prefix: "pglens-it-run")
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let outPath = scratch + "/stdout"
        let errPath = scratch + "/stderr"
        _ = FileManager.default.createFile(atPath: outPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        let outHandle = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
        let errHandle = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [clientsDirectory + "/exec_clean.py", program] + arguments
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        process.environment = env
        process.standardOutput = outHandle
        process.standardError = errHandle
        process.standardInput = FileHandle.nullDevice
        if let workingDirectory { process.currentDirectoryURL = URL(fileURLWithPath: workingDirectory) }
        try process.run()
        let pid = process.processIdentifier
        let token = CleanupRegistry.shared.register(pid: pid, signal: SIGKILL, directory: nil)
        defer { CleanupRegistry.shared.unregister(token) }

        let deadline = Date().addingTimeInterval(timeout)
        var timedOut = false
        while process.isRunning {
            if Date() > deadline {
                timedOut = true
                CleanupRegistry.stop(pid: pid, signal: SIGTERM, grace: 2)
                break
            }
            try await Task.sleep(nanoseconds: 20_000_000)
        }
        process.waitUntilExit()
        try? outHandle.close()
        try? errHandle.close()
        let stdout = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
        let stderr = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
        return CommandResult(
            exitCode: process.terminationStatus, stdout: stdout, stderr: stderr, timedOut: timedOut)
    }

    /// Runs a script from Clients/ with python3.
    static func python(_ script: String, _ arguments: [String], timeout: Double = 120) async throws -> CommandResult {
        try await run("python3", [clientsDirectory + "/" + script] + arguments, timeout: timeout)
    }

    /// psql with -X -A -q against 127.0.0.1:`port`, the given user/password and database, no .psqlrc.
    static func psql(
        port: Int, user: String, password: String?, database: String = "app", arguments: [String],
        timeout: Double = 120
    ) async throws -> CommandResult {
        var env = ["PGCONNECT_TIMEOUT": "10", "PGSSLMODE": "disable", "PGAPPNAME": "pglens-it"]
        env["PGPASSWORD"] = password ?? ""
        return try await run(
            "psql",
            ["-X", "-A", "-w", "-h", "127.0.0.1", "-p", String(port), "-U", user, "-d", database] + arguments,
            environment: env, timeout: timeout)
    }
}
