import PGLensConfig
import Testing

/// No password ever shows in a description, a debug description, a dump or a problem.
@Suite struct SecretRedactionTests {
    static let userPassword = "user-pass-7f3a"
    static let serverPassword = "server-pass-91c2"

    static func configuration() -> Configuration {
        var configuration = Configuration()
        configuration.databases["app"] = DatabaseConfiguration(
            name: "app", forceUser: "owner", password: serverPassword)
        configuration.users["app"] = UserConfiguration(name: "app", secret: .plain(userPassword))
        configuration.users["scram"] = UserConfiguration(
            name: "scram", secret: .scramVerifier("SCRAM-SHA-256$4096:c2FsdA==$a2V5:c2tleQ=="))
        configuration.users["md5"] = UserConfiguration(
            name: "md5", secret: .md5Hash("md50123456789abcdef0123456789abcdef"))
        return configuration
    }

    static func leaks(_ text: String) -> Bool {
        [userPassword, serverPassword, "c2FsdA==", "0123456789abcdef"].contains { text.contains($0) }
    }

    @Test func configurationDescriptionsHideSecrets() {
        let configuration = Self.configuration()
        var dumped = ""
        dump(configuration, to: &dumped)
        for text in [
            String(describing: configuration), String(reflecting: configuration), "\(configuration)", dumped,
            String(describing: configuration.databases), String(reflecting: configuration.users),
            String(describing: configuration.users["app"]?.secret as Any),
        ] {
            #expect(!Self.leaks(text))
        }
        #expect(String(describing: configuration).contains("<password>"))
    }

    @Test func loadErrorsHideSecrets() {
        let file = """
            bogus = "\(Self.userPassword)"
            listen_port = "\(Self.userPassword)"
            [databases.app]
            password = 5
            port = "\(Self.serverPassword)"
            junk = "\(Self.serverPassword)"
            [databases]
            other = "host=x password='\(Self.serverPassword)' hots=\(Self.serverPassword)"
            [users.app]
            password = "\(Self.userPassword)"
            pool_mode = "\(Self.userPassword)"
            """
        do {
            _ = try ConfigurationLoader.parse(
                toml: file, environment: ["PGLENS_WORKERS": Self.userPassword], source: "t.toml")
            Issue.record("expected an error")
        } catch {
            #expect(error.problems.count >= 7)
            #expect(!Self.leaks(error.description))
            #expect(!Self.leaks(String(reflecting: error)))
        }
    }

    @Test func syntaxErrorsDoNotEchoSourceText() {
        let problems = ["password = \"se\\qret\"\n", "password = 'secret' z\n"].map { (file: String) -> String in
            do {
                _ = try ConfigurationLoader.parse(toml: file, environment: [:], source: "t.toml")
                return ""
            } catch {
                return String(describing: error)
            }
        }
        #expect(problems.allSatisfy { !$0.isEmpty && !$0.contains("\\q") && !$0.contains("'z'") })
    }

    @Test func syntaxErrorsHideSecrets() {
        for file in [
            "[users.app]\npassword = \(Self.userPassword)\n",
            "[users.app]\npassword = \"\(Self.userPassword)\n",
            "[users.app]\npassword = '\(Self.userPassword)' x\n",
        ] {
            do {
                _ = try ConfigurationLoader.parse(toml: file, environment: [:], source: "t.toml")
                Issue.record("expected an error")
            } catch {
                #expect(error.problems.count == 1)
                #expect(!Self.leaks(error.description), "\(error.description)")
            }
        }
    }
}
