import Testing

@testable import PGLensAnalysis

@Suite struct SessionStateDetectorTests {
    let detector = SessionStateDetector()

    private func kinds(_ text: String) -> [SessionStateKind] {
        detector.sessionStateUses(in: text).map(\.kind)
    }

    static let leavingState: [(String, [SessionStateKind])] = [
        ("SET search_path TO app", [.set]),
        ("set statement_timeout = 5000", [.set]),
        ("SET SESSION timezone = 'UTC'", [.set]),
        ("SET SESSION AUTHORIZATION bob", [.set]),
        ("SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL SERIALIZABLE", [.set]),
        ("SET ROLE admin", [.set]),
        ("RESET search_path", [.reset]),
        ("RESET ALL", [.resetAll]),
        ("LISTEN jobs", [.listen]),
        ("SELECT pg_advisory_lock(42)", [.advisoryLock]),
        ("select pg_advisory_lock_shared(1, 2)", [.advisoryLock]),
        ("SELECT pg_try_advisory_lock(hashtext('job'))", [.advisoryLock]),
        ("select pg_try_advisory_lock_shared(7)", [.advisoryLock]),
        ("select pg_catalog.pg_advisory_lock(7)", [.advisoryLock]),
        ("SELECT x FROM t WHERE pg_try_advisory_lock(t.id) LIMIT 1", [.advisoryLock]),
        ("CREATE TEMP TABLE t (a int)", [.temporaryObject]),
        ("create temporary table t as select 1", [.temporaryObject]),
        ("CREATE GLOBAL TEMPORARY TABLE t (a int)", [.temporaryObject]),
        ("CREATE LOCAL TEMP TABLE t (a int)", [.temporaryObject]),
        ("create temp view v as select 1", [.temporaryObject]),
        ("create or replace temp view v as select 1", [.temporaryObject]),
        ("create temp sequence s", [.temporaryObject]),
        ("create temp table t (a int) on commit delete rows", [.temporaryObject]),
        ("DECLARE c CURSOR WITH HOLD FOR SELECT 1", [.holdableCursor]),
        ("declare c binary no scroll cursor with hold for select * from t", [.holdableCursor]),
        ("PREPARE q (int) AS SELECT $1", [.preparedStatement]),
        ("SELECT set_config('app.user', '42', false)", [.setConfig]),
        ("select set_config('a', 'b', 'f')", [.setConfig]),
        ("select set_config('a', concat('x', 'y'), false)", [.setConfig]),
        ("/* leading comment */ SET x = 1", [.set]),
        ("select 1; set x = 1", [.set]),
        ("SET a = 1; LISTEN b; select pg_advisory_lock(1)", [.set, .listen, .advisoryLock]),
        ("select pg_advisory_lock(1), set_config('a','b',false)", [.advisoryLock, .setConfig]),
        // Whether the setting is local cannot be told from the text: taken as a session setting.
        ("select set_config($1, $2, $3)", [.setConfig]),
        ("select set_config('search_path', $1, is_local)", [.setConfig]),
        // DO blocks: PL/pgSQL statements and the SQL strings they EXECUTE.
        ("DO $$BEGIN PERFORM set_config('search_path', 'x', false); END$$", [.setConfig]),
        ("do $body$ begin set search_path = x; end $body$", [.set]),
        ("DO 'BEGIN IF true THEN RESET work_mem; END IF; END'", [.reset]),
        ("DO $$BEGIN EXECUTE 'SET search_path TO x'; END$$", [.set]),
        ("DO $$BEGIN EXECUTE 'select pg_catalog.set_config(''a'', ''b'', false)'; END$$", [.setConfig]),
        ("DO LANGUAGE plpgsql $$BEGIN PERFORM pg_advisory_lock(1); END$$", [.advisoryLock]),
        ("SELECT PG_ADVISORY_LOCK(1)", [.advisoryLock]),
        ("WITH x AS (SELECT 1) SELECT SET_CONFIG('a', 'b', FALSE) FROM x", [.setConfig]),
        ("select 1;select pg_try_advisory_lock(2)", [.advisoryLock]),
        ("  set x to default", [.set]),
        ("SELECT * INTO TEMP TABLE t FROM s", [.temporaryObject]),
        ("select a into temporary t from s", [.temporaryObject]),
        ("with x as (select 1) select * into local temp t from x", [.temporaryObject]),
    ]

    static let leavingNoState: [String] = [
        "SELECT 1",
        "select * from settings where name = 'SET x = 1'",
        "select 'LISTEN x'; select $$ pg_advisory_lock(1) $$",
        "select 1 -- SET x = 1",
        "select /* reset all */ 1",
        "SET LOCAL statement_timeout = 0",
        "SET TRANSACTION ISOLATION LEVEL SERIALIZABLE",
        "SET CONSTRAINTS ALL DEFERRED",
        "select pg_advisory_xact_lock(1)",
        "select pg_try_advisory_xact_lock(1)",
        "select pg_advisory_unlock(1)",
        "select pg_advisory_lock",
        "select set_config('a', 'b', true)",
        "select set_config('a', 'false', true)",
        "select set_config('a', $1, 'on')",
        "DO $$BEGIN PERFORM set_config('a', 'b', true); END$$",
        "DO $$BEGIN SET LOCAL search_path = x; INSERT INTO t VALUES (1); END$$",
        "DO $$DECLARE n int; BEGIN SELECT count(*) INTO n FROM t; END$$",
        "create table t (a int)",
        "create temp table t (a int) on commit drop",
        "create view temp as select 1",
        "declare c cursor for select 1",
        "declare c cursor without hold for select 1",
        "PREPARE TRANSACTION 'gid'",
        "UNLISTEN jobs",
        "update t set a = 1",
        "select \"pg_advisory_lock\"(1)",
        "",
        ";",
        "select 1;\n  ",
        "SELECT * FROM advisory_notes",
        "select 1 as \"set_config\"",
        "select temperature from readings",
        "select * into t from s",
        "insert into temp_log values (1)",
    ]

    @Test(arguments: leavingState)
    func detectsSessionState(_ example: (String, [SessionStateKind])) {
        #expect(kinds(example.0) == example.1)
    }

    @Test(arguments: leavingNoState)
    func ignoresStatementsWithoutSessionState(_ text: String) {
        #expect(kinds(text).isEmpty)
    }

    private static func plainlyHarmless(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { SessionStateDetector.isPlainlyHarmless(utf8: UnsafeRawBufferPointer($0)) }
    }

    /// The byte scan never clears a text that leaves session state.
    @Test(arguments: leavingState)
    func byteScanNeverClearsSessionState(_ example: (String, [SessionStateKind])) {
        #expect(!Self.plainlyHarmless(example.0))
    }

    @Test func byteScanClearsPlainStatementsOnly() {
        #expect(Self.plainlyHarmless("SELECT abalance FROM pgbench_accounts WHERE aid = 7;"))
        #expect(Self.plainlyHarmless("  update t set a = 1 where id = $1"))
        #expect(Self.plainlyHarmless("BEGIN"))
        // Commands the pooler must look at itself, and texts of several statements.
        for text in [
            "DEALLOCATE ALL", "discard all", "PREPARE p AS SELECT 1", "EXECUTE p", "select 1; select 2",
            "", "   ", "/* c */ select 1",
        ] {
            #expect(!Self.plainlyHarmless(text), "\(text)")
        }
    }

    @Test func reportsEachStatementSlice() {
        let uses = detector.sessionStateUses(in: "select 1;  SET search_path = app ; LISTEN \"Jobs\";")
        #expect(
            uses == [
                SessionStateUse(kind: .set, statement: "SET search_path = app"),
                SessionStateUse(kind: .listen, statement: "LISTEN \"Jobs\""),
            ])
    }

    @Test func nonStandardStringsHideKeywords() {
        let legacy = SessionStateDetector(standardConformingStrings: false)
        #expect(legacy.sessionStateUses(in: "select 'a\\'; set x = 1'").isEmpty)
        #expect(detector.sessionStateUses(in: "select 'a\\'; set x = 1'").map(\.kind) == [.set])
    }
}
