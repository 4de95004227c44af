import PGLensConfig
import Testing

/// The `client_tls_*` keys: parsing, environment overrides and validation.
@Suite struct ClientTLSConfigurationTests {
    static let minimal = ConfigurationLoaderTests.minimal

    static func parse(_ toml: String, environment: [String: String] = [:]) throws -> Configuration {
        try ConfigurationLoaderTests.parse(toml, environment: environment)
    }

    static func problems(_ toml: String, environment: [String: String] = [:]) -> [ConfigurationProblem] {
        ConfigurationLoaderTests.problems(toml, environment: environment)
    }

    @Test func defaultsDisableTLS() throws {
        let configuration = try Self.parse(Self.minimal)
        #expect(configuration.clientTLSSSLMode == .disable)
        #expect(configuration.clientTLSCertFile == "")
        #expect(configuration.clientTLSKeyFile == "")
        #expect(configuration.clientTLSCAFile == "")
        #expect(configuration.clientTLSProtocols == .tls12)
        #expect(configuration.clientTLSCiphers == "default")
    }

    @Test func validKeysAreRead() throws {
        let configuration = try Self.parse(
            """
            client_tls_sslmode = "require"
            client_tls_cert_file = "/etc/pglens/server.crt"
            client_tls_key_file = "/etc/pglens/server.key"
            client_tls_ca_file = "/etc/pglens/ca.crt"
            client_tls_protocols = "tlsv1.3"
            client_tls_ciphers = "HIGH:!aNULL:!MD5"
            """ + "\n" + Self.minimal)
        #expect(configuration.clientTLSSSLMode == .require)
        #expect(configuration.clientTLSCertFile == "/etc/pglens/server.crt")
        #expect(configuration.clientTLSKeyFile == "/etc/pglens/server.key")
        #expect(configuration.clientTLSCAFile == "/etc/pglens/ca.crt")
        #expect(configuration.clientTLSProtocols == .tls13)
        #expect(configuration.clientTLSProtocols.requiresTLS13)
        #expect(configuration.clientTLSCiphers == "HIGH:!aNULL:!MD5")
    }

    @Test(arguments: ["all", "secure", "tlsv1.2", "TLSv1.2"])
    func protocolWordsMeaningTLS12AndLater(word: String) throws {
        let configuration = try Self.parse("client_tls_protocols = \"\(word)\"\n" + Self.minimal)
        #expect(!configuration.clientTLSProtocols.requiresTLS13)
    }

    @Test(arguments: ["allow", "prefer", "require"])
    func modeWithoutCertificateIsAProblem(mode: String) {
        let problems = Self.problems("client_tls_sslmode = \"\(mode)\"\n" + Self.minimal)
        #expect(problems.map(\.key) == ["client_tls_sslmode"])
        #expect(problems.first?.line == 1)
    }

    @Test func keyWithoutCertificateIsAProblem() {
        let problems = Self.problems(
            "client_tls_sslmode = \"prefer\"\nclient_tls_key_file = \"/k\"\n" + Self.minimal)
        #expect(Set(problems.map(\.key)) == ["client_tls_sslmode", "client_tls_cert_file"])
    }

    @Test func badWordsAreProblemsNamingTheKey() {
        let problems = Self.problems(
            "client_tls_sslmode = \"verify-full\"\nclient_tls_protocols = \"sslv3\"\n" + Self.minimal)
        #expect(problems.map(\.key) == ["client_tls_sslmode", "client_tls_protocols"])
    }

    @Test func environmentOverridesTheKeys() throws {
        let configuration = try Self.parse(
            Self.minimal,
            environment: [
                "PGLENS_CLIENT_TLS_SSLMODE": "prefer", "PGLENS_CLIENT_TLS_CERT_FILE": "/c",
                "PGLENS_CLIENT_TLS_KEY_FILE": "/k", "PGLENS_CLIENT_TLS_PROTOCOLS": "secure",
            ])
        #expect(configuration.clientTLSSSLMode == .prefer)
        #expect(configuration.clientTLSCertFile == "/c")
        #expect(configuration.clientTLSKeyFile == "/k")
        #expect(configuration.clientTLSProtocols == .secure)
    }

    @Test func environmentModeWithoutCertificateNamesTheVariable() {
        let problems = Self.problems(Self.minimal, environment: ["PGLENS_CLIENT_TLS_SSLMODE": "require"])
        #expect(problems.map(\.key) == ["client_tls_sslmode"])
        #expect(problems.first?.message.contains("PGLENS_CLIENT_TLS_SSLMODE") == true)
    }

    @Test func passwordAuthIsAllowedWhenTLSIsRequired() {
        var configuration = Configuration()
        configuration.databases["app"] = DatabaseConfiguration(name: "app")
        configuration.users["app"] = UserConfiguration(name: "app", secret: .plain("pw"))
        configuration.authType = .password
        #expect(configuration.validate().map(\.key) == ["auth_type"])
        configuration.clientTLSSSLMode = .require
        configuration.clientTLSCertFile = "/c"
        configuration.clientTLSKeyFile = "/k"
        #expect(configuration.validate().isEmpty)
    }
}
