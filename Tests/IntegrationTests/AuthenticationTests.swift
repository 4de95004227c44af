import Foundation
import Testing

@Suite("Authentication")
struct AuthenticationTests {
    private func connect(
        port: Int, user: String, password: String, database: String = "app"
    ) async throws
        -> [String: Any]
    {
        let dsn = ProxyUnderTest.dsn(port: port, user: user, password: password, database: database)
        return try JSONOutput.object(try await ClientRunner.python("scenarios.py", ["connect", dsn]))
    }

    private func expectNoSecrets(_ log: String, _ secrets: [String], sourceLocation: SourceLocation = #_sourceLocation)
    {
        for secret in secrets {
            #expect(!log.contains(secret), "pglens log contains a secret", sourceLocation: sourceLocation)
        }
    }

    @Test("client authentication method: right password in, wrong password out", arguments: AuthCase.all)
    func clientAuthMethod(_ authCase: AuthCase) async throws {
        var config = ProxyConfig()
        config.authType = authCase.authType
        config.authAllowPlaintext = authCase.authType == "password"
        let direct = ProxyUnderTest.isDirect
        let user = direct ? authCase.directUser : "app"
        let password = direct ? authCase.directPassword : PostgresCluster.appPassword
        try await ProxyUnderTest.with(config, afterStop: { expectNoSecrets($0, [password]) }) { proxy in
            let probe = try JSONOutput.object(
                try await ClientRunner.python(
                    "scenarios.py", ["authprobe", "127.0.0.1", String(proxy.port), user, "app"]))
            #expect(probe["auth"] as? Int == authCase.requestCode, "\(probe)")

            let good = try await connect(port: proxy.port, user: user, password: password)
            #expect(good["ok"] as? Bool == true, "\(good)")
            #expect(good["user"] as? String == user)
            #expect(good["two"] as? Int == 2)

            let bad = try await connect(port: proxy.port, user: user, password: "wrong-password")
            if authCase.authType == "trust" {
                #expect(bad["ok"] as? Bool == true, "trust ignores the password: \(bad)")
            } else {
                #expect(bad["ok"] as? Bool == false)
                #expect(bad["sqlstate"] as? String == "28P01", "\(bad)")
                #expect((bad["message"] as? String ?? "").contains("password authentication failed"), "\(bad)")
            }
        }
    }

    @Test("unknown user and unknown database get the SQLSTATE PostgreSQL gives")
    func unknownUserAndDatabase() async throws {
        let cluster = try await PostgresCluster.shared()
        let directUser = try await connect(port: cluster.port, user: "nosuchuser", password: "whatever")
        let directDatabase = try await connect(
            port: cluster.port, user: "app", password: PostgresCluster.appPassword, database: "nosuchdb")
        #expect(directUser["sqlstate"] as? String == "28P01")
        #expect(directDatabase["sqlstate"] as? String == "3D000")
        try await ProxyUnderTest.with { proxy in
            let user = try await connect(port: proxy.port, user: "nosuchuser", password: "whatever")
            #expect(user["ok"] as? Bool == false)
            #expect(user["sqlstate"] as? String == directUser["sqlstate"] as? String, "\(user)")
            let database = try await connect(
                port: proxy.port, user: "app", password: PostgresCluster.appPassword, database: "nosuchdb")
            #expect(database["ok"] as? Bool == false)
            #expect(database["sqlstate"] as? String == "3D000", "\(database)")
        }
    }

    @Test(
        "config secret as plain password, SCRAM verifier and md5 hash",
        arguments: ["plain", "scram-verifier", "md5-hash"])
    func configSecretForms(_ form: String) async throws {
        let cluster = try await PostgresCluster.shared()
        var config = ProxyConfig()
        let user: String
        let password: String
        let secret: String
        switch form {
        case "plain":
            (user, password, secret) = ("app", PostgresCluster.appPassword, PostgresCluster.appPassword)
        case "scram-verifier":
            (user, password) = ("app", PostgresCluster.appPassword)
            secret = try await cluster.rolpassword(of: "app")
            #expect(secret.hasPrefix("SCRAM-SHA-256$4096:"))
        default:
            (user, password) = ("md5user", PostgresCluster.md5Password)
            secret = try await cluster.rolpassword(of: "md5user")
            #expect(secret.hasPrefix("md5") && secret.count == 35)
            config.authType = "md5"
        }
        config.users = [user: secret]
        try await ProxyUnderTest.with(config, afterStop: { expectNoSecrets($0, [password, secret]) }) { proxy in
            let good = try await connect(port: proxy.port, user: user, password: password)
            #expect(good["ok"] as? Bool == true, "\(good)")
            #expect(good["user"] as? String == user)
            let bad = try await connect(port: proxy.port, user: user, password: password + "x")
            #expect(bad["sqlstate"] as? String == "28P01", "\(bad)")
        }
    }

    @Test("pglens logs in to md5, password and trust server roles")
    func serverSideRoles() async throws {
        var config = ProxyConfig()
        let roles = [
            "md5user": PostgresCluster.md5Password, "pwuser": PostgresCluster.pwPassword,
            "trustuser": PostgresCluster.trustPassword,
        ]
        config.users = roles
        try await ProxyUnderTest.with(config, afterStop: { expectNoSecrets($0, Array(roles.values)) }) { proxy in
            for (role, password) in roles.sorted(by: { $0.key < $1.key }) {
                let result = try await connect(port: proxy.port, user: role, password: password)
                #expect(result["ok"] as? Bool == true, "\(role): \(result)")
                #expect(result["user"] as? String == role)
            }
        }
    }
}
