import Foundation
import Logging
import NIOCore
import PGLensAnalysis
import PGLensConfig

/// One round of the advisor over the configured databases: for each with `advisor` on and a role to log
/// in as, a session, a ``DatabaseAdvisorRun``, and the session closed.
struct AdvisorSchedule: Sendable {
    var configuration: Configuration
    var resolve: PoolManager.PoolResolver
    var connector: ServerConnector
    var analysis: AnalysisPipeline
    var logger: Logger
    var eventLoop: any EventLoop

    /// Runs every database once, one after another.
    func runOnce() async {
        let statements = analysis.statements()
        let findings = analysis.report().findings
        for name in configuration.databases.keys.sorted() {
            guard !Task.isCancelled, let database = configuration.databases[name], configuration.advisor(for: database),
                let target = target(for: database, statements: statements)
            else { continue }
            let run = DatabaseAdvisorRun(
                database: name, serverDatabase: database.dbname, user: target.user, board: analysis.indexAdvice,
                logger: logger, reexaminationInterval: max(configuration.advisorInterval * 6, 600))
            let session: AdvisorSession
            do {
                session = try await AdvisorSession.open(
                    connector: connector, target: target, on: eventLoop,
                    statementTimeoutSeconds: configuration.advisorStatementTimeout)
            } catch {
                run.recordLoginFailure(error)
                continue
            }
            await run.run(session: session, statements: statements, findings: findings)
            session.close()
        }
    }

    /// Where and as whom the advisor logs in to `database`: `advisor_user`, else the database's `user`,
    /// else the user that spent the most time there; nil while there is none (no traffic yet).
    func target(for database: DatabaseConfiguration, statements: [StatementSummary]) -> ServerConnector.Target? {
        let advisorUser = configuration.advisorUser
        let trafficUser = Dictionary(
            grouping: statements.filter { $0.database == database.name }, by: \.user
        ).max { $0.value.reduce(0) { $0 + $1.totalMilliseconds } < $1.value.reduce(0) { $0 + $1.totalMilliseconds } }?
        .key
        guard let user = advisorUser.isEmpty ? database.forceUser ?? trafficUser : advisorUser,
            var target = resolve(PoolKey(database: database.name, user: user))?.target
        else { return nil }
        if !advisorUser.isEmpty {
            target.user = advisorUser
            switch configuration.users[advisorUser]?.secret {
            case .plain(let password): target.credential = .password(password)
            case .md5Hash(let hash): target.credential = .md5Hash(hash)
            case .scramVerifier, .none: target.credential = .none
            }
        }
        let statementTimeout = configuration.advisorStatementTimeout
        target.connectTimeout = TimeAmount(
            configuredSeconds: max(configuration.serverConnectTimeout, statementTimeout + 5))
        return target
    }
}
