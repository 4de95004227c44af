import Foundation

/// What the pool tests look at: server connections as PostgreSQL sees them, and one-query psql runs.
///
/// Each test uses a database of its own, so that counting the backends connected to it counts only the
/// server connections of that test's pglens (the superuser's probes connect to `postgres`).
enum PoolObservation {
    /// Creates database `name`, owned by `app`, and returns its name.
    static func database(_ name: String, on cluster: PostgresCluster) async throws -> String {
        try await cluster.psqlAdmin("CREATE DATABASE \(name) OWNER app")
        return name
    }

    /// The backends connected to `database`.
    static func serverConnections(_ database: String, on cluster: PostgresCluster) async throws -> Int {
        let count = try await cluster.psqlAdmin(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = '\(database)' AND backend_type = 'client backend'")
        return Int(count) ?? -1
    }

    /// The backend pids connected to `database`, sorted.
    static func serverPIDs(_ database: String, on cluster: PostgresCluster) async throws -> [Int] {
        let text = try await cluster.psqlAdmin(
            "SELECT pid FROM pg_stat_activity WHERE datname = '\(database)' AND backend_type = 'client backend'"
                + " ORDER BY pid")
        return text.split(separator: "\n").compactMap { Int($0) }
    }

    /// Polls `condition` every 100 ms for up to `seconds`; true as soon as it holds.
    static func eventually(_ seconds: Double, _ condition: () async throws -> Bool) async throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try await condition() { return true }
            try await Task.sleep(nanoseconds: 100_000_000)
        }
        return try await condition()
    }

    /// Runs `sql` with psql as `app` through pglens on `port`; returns what it printed, trimmed.
    static func query(_ sql: String, port: Int, database: String) async throws -> String {
        let run = try await ClientRunner.psql(
            port: port, user: "app", password: PostgresCluster.appPassword, database: database,
            arguments: ["-t", "-c", sql], timeout: 30)
        guard run.exitCode == 0 else { throw HarnessError("psql through pglens failed for \(sql):\n\(run)") }
        return run.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
