import Testing

@testable import PGLensAnalysis

@Suite struct LeadingCommandTests {
    static let examples: [(String, LeadingCommand)] = [
        ("BEGIN", .begin),
        ("begin isolation level serializable", .begin),
        ("START TRANSACTION READ ONLY", .begin),
        ("start something", .other),
        ("COMMIT", .commit(andChain: false)),
        ("end transaction", .commit(andChain: false)),
        ("commit and chain", .commit(andChain: true)),
        ("commit and no chain", .commit(andChain: false)),
        ("COMMIT PREPARED 'gid'", .other),
        ("ROLLBACK", .rollback(andChain: false)),
        ("abort", .rollback(andChain: false)),
        ("rollback work and chain", .rollback(andChain: true)),
        ("ROLLBACK TO SAVEPOINT s1", .rollbackToSavepoint),
        ("rollback transaction to s1", .rollbackToSavepoint),
        ("rollback prepared 'gid'", .other),
        ("SAVEPOINT s1", .savepoint),
        ("RELEASE SAVEPOINT s1", .releaseSavepoint),
        ("PREPARE TRANSACTION 'gid'", .prepareTransaction),
        ("PREPARE q AS SELECT 1", .other),
        ("DEALLOCATE stmt1", .deallocate(name: "stmt1")),
        ("deallocate PREPARE MyStmt", .deallocate(name: "mystmt")),
        ("DEALLOCATE \"My\"\"Stmt\"", .deallocate(name: "My\"Stmt")),
        ("DEALLOCATE ALL", .deallocateAll),
        ("deallocate prepare all", .deallocateAll),
        ("deallocate prepare", .deallocate(name: "prepare")),
        ("DISCARD ALL", .discardAll),
        ("discard plans", .discardPlans),
        ("discard sequences", .discardSequences),
        ("DISCARD TEMP", .discardTemporary),
        ("discard temporary", .discardTemporary),
        ("/* c */ -- x\n BEGIN", .begin),
        ("select 'begin'", .other),
        ("DO $$ BEGIN PERFORM 1; END $$", .other),
        ("  ; ", .empty),
        ("", .empty),
        ("commit; begin", .commit(andChain: false)),
    ]

    @Test(arguments: examples)
    func classifies(_ example: (String, LeadingCommand)) {
        #expect(SessionStateDetector().leadingCommand(of: example.0) == example.1)
    }
}
