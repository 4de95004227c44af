import Foundation
import Testing

/// Users that are not in the config, logged in with secrets pglens looks up on the server with
/// `auth_query` as `auth_user`.
@Suite("auth_query")
struct AuthQueryTests {
    private static let needsPGLens = Testing.ConditionTrait.disabled(
        if: ProxyUnderTest.isDirect, "tests pglens's auth_user / auth_query")

    static let superPassword = "aq-super-secret"
    static let userPassword = "aq-user-secret"

    /// Made once per test run, for every test of the suite.
    private static let preparation = Task { try await makeRoles() }

    private static func prepareRoles() async throws -> PostgresCluster {
        try await preparation.value
    }

    /// Roles and the SECURITY DEFINER lookup function PgBouncer's documentation recommends.
    private static func makeRoles() async throws -> PostgresCluster {
        let cluster = try await PostgresCluster.shared()
        try await cluster.psqlAdmin(
            """
            DO $$ BEGIN
              IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'aq_super') THEN
                CREATE ROLE aq_super SUPERUSER LOGIN PASSWORD '\(superPassword)';
                CREATE ROLE aq_user LOGIN PASSWORD '\(userPassword)';
                CREATE ROLE aq_expired LOGIN PASSWORD '\(userPassword)' VALID UNTIL '2000-01-01';
                CREATE ROLE aq_nologin PASSWORD '\(userPassword)';
              END IF;
            END $$;
            """)
        try await cluster.psqlAdmin(
            """
            CREATE OR REPLACE FUNCTION public.pglens_lookup(name text, OUT usename name, OUT passwd text)
            RETURNS record LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog AS
            $$ SELECT rolname, rolpassword FROM pg_authid WHERE rolname = name AND rolcanlogin $$;
            REVOKE ALL ON FUNCTION public.pglens_lookup(text) FROM PUBLIC;
            GRANT EXECUTE ON FUNCTION public.pglens_lookup(text) TO app;
            """, database: "app")
        return cluster
    }

    private func connect(_ proxy: ProxyUnderTest, user: String, password: String) async throws -> [String: Any] {
        let dsn = ProxyUnderTest.dsn(port: proxy.port, user: user, password: password)
        return try JSONOutput.object(try await ClientRunner.python("scenarios.py", ["connect", dsn]))
    }

    @Test(
        "default auth_query as a superuser auth_user: SCRAM and md5 roles in, wrong, unknown, expired and NOLOGIN out",
        needsPGLens)
    func defaultQuery() async throws {
        let cluster = try await Self.prepareRoles()
        let verifier = try await cluster.rolpassword(of: "aq_user")
        var config = ProxyConfig()
        config.users["aq_super"] = Self.superPassword
        config.extraLines = ["auth_user = \"aq_super\""]
        let secrets = [Self.userPassword, Self.superPassword, verifier, PostgresCluster.md5Password]
        try await ProxyUnderTest.with(
            config,
            afterStop: { log in
                for secret in secrets { #expect(!log.contains(secret), "the log holds a secret") }
            }
        ) { proxy in
            let good = try await connect(proxy, user: "aq_user", password: Self.userPassword)
            #expect(good["ok"] as? Bool == true, "\(good)")
            #expect(good["user"] as? String == "aq_user", "\(good)")
            // A second login is answered from the cache and still logs in to the server.
            let again = try await connect(proxy, user: "aq_user", password: Self.userPassword)
            #expect(again["user"] as? String == "aq_user", "\(again)")
            let md5 = try await connect(proxy, user: "md5user", password: PostgresCluster.md5Password)
            #expect(md5["user"] as? String == "md5user", "\(md5)")
            for (user, password) in [
                ("aq_user", "wrong-password"), ("aq_nosuch", Self.userPassword), ("aq_expired", Self.userPassword),
                ("aq_nologin", Self.userPassword),
            ] {
                let refused = try await connect(proxy, user: user, password: password)
                #expect(refused["ok"] as? Bool == false, "\(user): \(refused)")
                #expect(refused["sqlstate"] as? String == "28P01", "\(user): \(refused)")
            }
        }
    }

    @Test("a SECURITY DEFINER function as auth_query, with an auth_user that is no superuser", needsPGLens)
    func securityDefinerFunction() async throws {
        _ = try await Self.prepareRoles()
        var config = ProxyConfig()
        config.extraLines = [
            "auth_user = \"app\"", "auth_query = \"SELECT usename, passwd FROM public.pglens_lookup($1)\"",
            "auth_query_cache_ttl = 0",
        ]
        try await ProxyUnderTest.with(config) { proxy in
            let good = try await connect(proxy, user: "aq_user", password: Self.userPassword)
            #expect(good["user"] as? String == "aq_user", "\(good)")
            let bad = try await connect(proxy, user: "aq_user", password: "nope")
            #expect(bad["sqlstate"] as? String == "28P01", "\(bad)")
            // Configured users do not go through the lookup.
            let app = try await connect(proxy, user: "app", password: PostgresCluster.appPassword)
            #expect(app["user"] as? String == "app", "\(app)")
        }
    }

    @Test("a failing auth_query refuses the client with 08001 and pglens goes on", needsPGLens)
    func failingQuery() async throws {
        _ = try await Self.prepareRoles()
        var config = ProxyConfig()
        config.extraLines = [
            "auth_user = \"app\"", "auth_query = \"SELECT rolname, rolpassword FROM pg_authid WHERE rolname = $1\"",
        ]
        try await ProxyUnderTest.with(config) { proxy in
            let refused = try await connect(proxy, user: "aq_user", password: Self.userPassword)
            #expect(refused["sqlstate"] as? String == "08001", "\(refused)")
            #expect((refused["message"] as? String ?? "").contains("could not look up"), "\(refused)")
            let app = try await connect(proxy, user: "app", password: PostgresCluster.appPassword)
            #expect(app["ok"] as? Bool == true, "\(app)")
            #expect(proxy.process?.log().contains("permission denied") == true)
        }
    }
}
