import Testing

@testable import PGLensAnalysis

@Suite struct FingerprintTests {
    let normalizer = StatementNormalizer()

    static let samePairs: [(String, String)] = [
        ("SELECT * FROM t WHERE id = 1", "select *\nfrom t where id = 2"),
        ("select $1::int", "select 5::int"),
        ("select * from t where id in (1,2,3)", "select * from t where id in (4)"),
        ("select * from t where id in ($1,$2)", "select * from t where id in (1,2,3,4,5)"),
        ("select * from t where id = any(array[1,2])", "select * from t where id = ANY (ARRAY[$1,$2,$3])"),
        ("insert into t values (1,'a')", "insert into t values (1,'a'),(2,'b'),(3,'c')"),
        ("select 1 /*route='%2Fa'*/", "select 2 /*route='%2Fb',controller='x'*/"),
        ("select 'a' -- comment", "/* c */ select $$b$$"),
        ("select * from t where a = $1 and b = $2", "select * from t where a = $2 and b = $1"),
        ("SELECT 1;", "select 1"),
        ("select x'1f'", "select 42"),
    ]

    static let differentPairs: [(String, String)] = [
        ("select * from t where id = 1", "select * from s where id = 1"),
        ("select \"Users\".id from \"Users\"", "select users.id from users"),
        ("select * from t where id in (1,2)", "select * from t where id = any(array[1,2])"),
        ("select * from t where a = 1", "select * from t where a > 1"),
        ("select * from t where id in (select 1)", "select * from t where id in (1)"),
        ("select a from t", "select b from t"),
        ("select 1::int", "select 1::bigint"),
        ("select * from t where a = $1", "select * from t where a = b"),
    ]

    @Test(arguments: samePairs)
    func sharesFingerprint(_ pair: (String, String)) {
        #expect(normalizer.normalize(pair.0).fingerprint == normalizer.normalize(pair.1).fingerprint)
    }

    @Test(arguments: differentPairs)
    func differsInFingerprint(_ pair: (String, String)) {
        #expect(normalizer.normalize(pair.0).fingerprint != normalizer.normalize(pair.1).fingerprint)
    }

    @Test func fingerprintIsStableAcrossRuns() {
        // FNV-1a 64 of the empty token stream is the offset basis.
        #expect(normalizer.normalize("").fingerprint.hex == "cbf29ce484222325")
        let first = normalizer.normalize("select * from users where id = 1").fingerprint
        #expect(first == StatementNormalizer().normalize("SELECT * FROM users WHERE id = $1").fingerprint)
        #expect(first.hex.utf8.count == 16)
        #expect(StatementFingerprint(hex: first.hex) == first)
    }

    @Test func hexIsZeroPadded() {
        #expect(StatementFingerprint(0xAB).hex == "00000000000000ab")
        #expect(StatementFingerprint(hex: "00000000000000ab")?.value == 0xAB)
        #expect(StatementFingerprint(hex: "ab") == nil)
    }

    @Test func sqlcommenterCommentsBecomeMetadata() {
        let statement = normalizer.normalize(
            "SELECT * FROM users /*controller='users',route='%2Fusers%2F%3Aid',"
                + "traceparent='00-5bd66ef5095369c7b0d1f8f4bd33716a-c532cb4098ac3dd2-01'*/"
        )
        #expect(statement.text == "select * from users")
        #expect(
            statement.metadata == [
                "controller": "users", "route": "/users/:id",
                "traceparent": "00-5bd66ef5095369c7b0d1f8f4bd33716a-c532cb4098ac3dd2-01",
            ])
    }

    @Test func sqlcommenterEscapedQuoteIsDecoded() {
        let statement = normalizer.normalize("select 1 /* action='it\\'s', framework='django%3A4.2' */")
        #expect(statement.metadata == ["action": "it's", "framework": "django:4.2"])
    }

    @Test func plainCommentsAreNotMetadata() {
        #expect(normalizer.normalize("select 1 /* just a note */").metadata.isEmpty)
        #expect(normalizer.normalize("select 1 /* a='b' trailing */").metadata.isEmpty)
        #expect(normalizer.normalize("select 1 /* a='%zz' */").metadata.isEmpty)
        #expect(normalizer.normalize("select 1 /* a='%ff' */").metadata.isEmpty)
        #expect(normalizer.normalize("select 1 -- route='x'").metadata.isEmpty)
    }

    @Test func backslashEscapesInPlainStringsWhenNotStandardConforming() {
        let text = "select 'a\\' , 1' from t"
        let legacy = StatementNormalizer(standardConformingStrings: false).normalize(text)
        #expect(legacy.text == "select $1 from t")
        #expect(normalizer.normalize(text).text == "select $1, $2 $3")
    }

    @Test func normalizeEachSplitsStatements() {
        let statements = normalizer.normalizeEach("BEGIN; update t set a = 1 where id = 2; select ';'; ; COMMIT")
        #expect(statements.map(\.text) == ["begin", "update t set a = $1 where id = $2", "select $1", "commit"])
    }

    @Test func normalizeEachKeepsAtomicFunctionBodiesWhole() {
        let statements = normalizer.normalizeEach(
            "create function f() returns int begin atomic select 1; select case when true then 2 end; end; select 3")
        #expect(
            statements.map(\.text) == [
                "create function f() returns int begin atomic select $1; select case when true then $2 end; end",
                "select $1",
            ])
    }

    @Test func normalizeEachNumbersEachStatementOnItsOwn() {
        let statements = normalizer.normalizeEach("select $1, 2; select 5")
        #expect(statements.map(\.text) == ["select $1, $2", "select $1"])
    }
}
