import NIOCore
import PGLensConfig
import PGWire

/// The index advisor's own connection to one database: logged in by pglens outside every pool, named
/// `pglens-advisor`, its statements limited by `statement_timeout` and `lock_timeout`, every
/// transaction read-only. It runs one statement at a time and is closed after each advisor run.
struct AdvisorSession: Sendable {
    /// A statement the server refused, or a connection that failed.
    struct Failure: Error, CustomStringConvertible {
        /// The server's error, when it answered one.
        var error: ErrorFields?
        /// What happened, for logs and the report.
        var message: String
        /// The SQLSTATE, when the server answered one.
        var sqlState: String? { error?.sqlState?.code }
        /// The server refused for want of a privilege (42501) or a login (28000, 28P01, 3D000, 42704).
        var isAccessDenied: Bool {
            guard let code = sqlState else { return false }
            return ["42501", "28000", "28P01", "3D000", "42704"].contains(code)
        }
        var description: String { message }
    }

    private let connection: ServerConnection

    /// Connects and logs in as `target` says, then applies the advisor's session settings.
    static func open(
        connector: ServerConnector, target: ServerConnector.Target, on eventLoop: any EventLoop,
        statementTimeoutSeconds: Double
    ) async throws(Failure) -> AdvisorSession {
        let connection: ServerConnection
        do {
            connection = try await connector.connect(
                id: -1, key: PoolKey(database: target.database, user: target.user), target: target, on: eventLoop,
                loopIndex: 0
            ).get()
        } catch let failure as ServerConnector.Failure {
            throw Failure(error: failure.error, message: failure.error.message ?? "login failed")
        } catch {
            throw Failure(error: nil, message: "could not connect: \(error)")
        }
        let session = AdvisorSession(connection: connection)
        let statementTimeout = Int((statementTimeoutSeconds * 1000).rounded())
        let lockTimeout = min(statementTimeout, 1000)
        do {
            _ = try await session.run(
                "SET application_name = 'pglens-advisor'; SET statement_timeout = \(statementTimeout); "
                    + "SET lock_timeout = \(lockTimeout); SET default_transaction_read_only = on; "
                    + "SET idle_in_transaction_session_timeout = \(statementTimeout); "
                    + "SELECT set_config('plan_cache_mode', 'force_generic_plan', false) "
                    + "WHERE current_setting('server_version_num')::int >= 120000")
        } catch {
            session.close()
            throw error
        }
        return session
    }

    /// Runs `sql` (a simple Query, or with `parameters` an extended one whose values are never spliced into
    /// the text) and returns its first rows as text; a server error throws, the connection stays usable.
    @discardableResult
    func run(_ sql: String, parameters: [String?] = []) async throws(Failure) -> [[String?]] {
        let result: InternalQueryResult
        do {
            result = try await connection.runInternalQuery(sql, parameters: parameters).get()
        } catch {
            throw Failure(error: nil, message: "the advisor's connection failed: \(error)")
        }
        if let error = result.error {
            throw Failure(error: error, message: error.message ?? "error \(error.sqlState?.code ?? "")")
        }
        return result.rows
    }

    /// Closes the connection (Terminate first).
    func close() {
        connection.close()
    }
}
