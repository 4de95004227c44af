import Foundation
import Logging
import PGLensAnalysis

/// One advisor run in one database, on its own session: the catalog snapshot, then the plan of each
/// candidate statement not examined lately (proven with HypoPG when the database has it). What it finds
/// goes to the ``IndexAdviceBoard``; a refused login or privilege becomes the database's access problem
/// and ends the run, nothing else.
struct DatabaseAdvisorRun: Sendable {
    /// The clients' name of the database.
    var database: String
    /// Its name on the server.
    var serverDatabase: String
    /// The role the session is logged in as.
    var user: String
    var board: IndexAdviceBoard
    var logger: Logger
    /// A statement examined more recently than this is not planned again (its measurements are updated).
    var reexaminationInterval: TimeInterval

    /// The name of the prepared statements the advisor makes on servers before 16.
    private static let preparedName = "pglens_advisor_plan"

    /// Runs on `session`: snapshot, then the candidates among `statements` and `findings`.
    func run(session: AdvisorSession, statements: [StatementSummary], findings: [Finding]) async {
        let snapshot: CatalogSnapshot
        do {
            let server = try await session.run(CatalogQueries.server)
            let schema = try await session.run(CatalogQueries.schema)
            snapshot = try CatalogQueries.snapshot(serverRow: server.first ?? [], schemaRow: schema.first ?? [])
        } catch let failure as AdvisorSession.Failure {
            record(failure, stage: .catalog)
            return
        } catch {
            logger.warning(
                "advisor: the catalog could not be read", metadata: ["database": "\(database)", "error": "\(error)"])
            return
        }
        let ownStatements = statements.filter { $0.database == database }
        let traffic = TrafficFilter.filters(of: ownStatements)
        board.update(database: database, serverDatabase: serverDatabase) { advice in
            advice.snapshot = snapshot
            advice.traffic = traffic
            advice.accessProblem = nil
        }
        let candidates = IndexAdviceCandidateSelection().candidates(statements: ownStatements, findings: findings)
        let recent = Date().addingTimeInterval(-reexaminationInterval)
        let known = board.advice(for: database)
        for candidate in candidates {
            if let known, known.wasExamined(candidate.fingerprint, since: recent),
                let earlier = known.examinations[candidate.fingerprint]
            {
                board.update(database: database, serverDatabase: serverDatabase) { advice in
                    advice.record(.init(candidate: candidate, verdict: earlier.verdict, examinedAt: earlier.examinedAt))
                }
                continue
            }
            let verdict: IndexAdviceVerdict
            do {
                verdict = try await examine(candidate, session: session, snapshot: snapshot)
            } catch {
                if error.isAccessDenied {
                    record(error, stage: .explain)
                    return
                }
                verdict = .failed(error.message)
            }
            board.update(database: database, serverDatabase: serverDatabase) { advice in
                advice.record(.init(candidate: candidate, verdict: verdict, examinedAt: Date()))
            }
        }
    }

    /// The verdict on one statement: its generic plan, what it asks for, and HypoPG's proof.
    private func examine(
        _ candidate: IndexAdviceCandidate, session: AdvisorSession, snapshot: CatalogSnapshot
    ) async throws(AdvisorSession.Failure) -> IndexAdviceVerdict {
        guard
            let request = IndexAdviceEvaluation.planRequest(
                query: candidate.query, snapshot: snapshot, name: Self.preparedName)
        else { return .nothingToPropose("PostgreSQL before 12 cannot plan a statement without its values") }
        let plan: PlanNode
        do {
            guard let taken = try await self.plan(request, session: session) else {
                return .failed("EXPLAIN answered no plan")
            }
            plan = taken
        } catch let failure as AdvisorSession.Failure {
            throw failure
        } catch {
            return .failed("\(error)")
        }
        switch IndexAdviceEvaluation.firstStep(plan: plan, snapshot: snapshot) {
        case .conclude(let verdict):
            return verdict
        case .prove(let proposal, let costBefore):
            return try await prove(proposal, costBefore: costBefore, request: request, session: session)
        }
    }

    /// Makes `proposal` hypothetically, plans again, and always resets HypoPG.
    private func prove(
        _ proposal: IndexProposal, costBefore: Double, request: IndexAdviceEvaluation.PlanRequest,
        session: AdvisorSession
    ) async throws(AdvisorSession.Failure) -> IndexAdviceVerdict {
        do {
            let created = try await session.run(
                "SELECT indexname FROM hypopg_create_index($1)", parameters: [proposal.hypotheticalStatement])
            guard let name = created.first?.first ?? nil else {
                try await session.run("SELECT hypopg_reset()")
                return .failed("HypoPG made no index")
            }
            let replanned = try await plan(request, session: session)
            try await session.run("SELECT hypopg_reset()")
            guard let replanned else { return .failed("EXPLAIN answered no plan with the hypothetical index") }
            return IndexAdviceEvaluation.verdict(
                proposal: proposal, costBefore: costBefore, hypotheticalPlan: replanned, hypotheticalIndexName: name)
        } catch let failure as AdvisorSession.Failure {
            _ = try? await session.run("SELECT hypopg_reset()")
            throw failure
        } catch {
            _ = try? await session.run("SELECT hypopg_reset()")
            return .failed("\(error)")
        }
    }

    /// Runs the plan request (cleanup whatever happened) and reads the plan.
    private func plan(_ request: IndexAdviceEvaluation.PlanRequest, session: AdvisorSession) async throws -> PlanNode? {
        do {
            for statement in request.setup { try await session.run(statement) }
            let rows = try await session.run(request.explain)
            for statement in request.cleanup { try await session.run(statement) }
            guard let text = rows.first?.first ?? nil else { return nil }
            return try PlanNode.parse(explainJSON: text)
        } catch {
            for statement in request.cleanup { _ = try? await session.run(statement) }
            throw error
        }
    }

    /// Keeps a refused statement as the database's access problem when it is one; logs it either way.
    private func record(_ failure: AdvisorSession.Failure, stage: AdvisorAccessProblem.Stage) {
        logger.warning(
            "advisor: a statement was refused",
            metadata: ["database": "\(database)", "stage": "\(stage.rawValue)", "error": "\(failure.message)"])
        guard failure.isAccessDenied || stage == .login else { return }
        let problem = AdvisorAccessProblem(
            stage: stage, user: user, sqlState: failure.sqlState, message: failure.message, at: Date())
        board.update(database: database, serverDatabase: serverDatabase) { $0.accessProblem = problem }
    }

    /// Keeps a failed login as the database's access problem.
    func recordLoginFailure(_ failure: AdvisorSession.Failure) {
        record(failure, stage: .login)
    }
}
