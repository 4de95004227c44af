import PGLensConfig
import Testing

/// The `server_tls_*` keys: parsing, environment overrides, validation and what each mode means.
@Suite struct ServerTLSConfigurationTests {
    static let minimal = ConfigurationLoaderTests.minimal

    /// The six server TLS values of a configuration, to compare in one go.
    struct Keys: Equatable {
        var mode: ServerTLSMode
        var files: [String]
        var protocols: ClientTLSProtocols
        var ciphers: String

        init(_ mode: ServerTLSMode, _ files: [String], _ protocols: ClientTLSProtocols, _ ciphers: String) {
            (self.mode, self.files, self.protocols, self.ciphers) = (mode, files, protocols, ciphers)
        }

        init(of configuration: Configuration) {
            self.init(
                configuration.serverTLSSSLMode,
                [configuration.serverTLSCAFile, configuration.serverTLSCertFile, configuration.serverTLSKeyFile],
                configuration.serverTLSProtocols, configuration.serverTLSCiphers)
        }
    }

    @Test func defaultsPreferTLSWithoutVerification() throws {
        let configuration = try ConfigurationLoaderTests.parse(Self.minimal)
        #expect(Keys(of: configuration) == Keys(.prefer, ["", "", ""], .tls12, "default"))
    }

    @Test func everyKeyIsRead() throws {
        let toml = """
            server_tls_sslmode = "verify-full"
            server_tls_ca_file = "/etc/pglens/root.crt"
            server_tls_cert_file = "/etc/pglens/pglens.crt"
            server_tls_key_file = "/etc/pglens/pglens.key"
            server_tls_protocols = "tlsv1.3"
            server_tls_ciphers = "HIGH:!aNULL"
            """
        let configuration = try ConfigurationLoaderTests.parse(toml + "\n" + Self.minimal)
        #expect(
            Keys(of: configuration)
                == Keys(
                    .verifyFull, ["/etc/pglens/root.crt", "/etc/pglens/pglens.crt", "/etc/pglens/pglens.key"], .tls13,
                    "HIGH:!aNULL"))
    }

    @Test(arguments: ServerTLSMode.allCases)
    func everyLibpqWordIsAccepted(mode: ServerTLSMode) throws {
        let configuration = try ConfigurationLoaderTests.parse(
            "server_tls_sslmode = \"\(mode.rawValue)\"\n" + Self.minimal)
        #expect(configuration.serverTLSSSLMode == mode)
    }

    @Test func modesMeanWhatLibpqMeans() {
        #expect(ServerTLSMode.allCases.filter(\.requestsTLSFirst) == [.prefer, .require, .verifyCA, .verifyFull])
        #expect(ServerTLSMode.allCases.filter(\.requiresTLS) == [.require, .verifyCA, .verifyFull])
        #expect(ServerTLSMode.allCases.filter(\.verifiesCertificate) == [.verifyCA, .verifyFull])
        #expect(ServerTLSMode.allCases.filter(\.verifiesHostName) == [.verifyFull])
    }

    @Test func badWordsAndAKeyWithoutCertificateAreProblems() {
        let problems = ConfigurationLoaderTests.problems(
            "server_tls_sslmode = \"verify\"\nserver_tls_key_file = \"/k\"\nserver_tls_ciphers = \" \"\n"
                + Self.minimal)
        #expect(Set(problems.map(\.key)) == ["server_tls_sslmode", "server_tls_cert_file", "server_tls_ciphers"])
    }

    @Test func environmentOverridesTheKeys() throws {
        let configuration = try ConfigurationLoaderTests.parse(
            Self.minimal,
            environment: ["PGLENS_SERVER_TLS_SSLMODE": "verify-ca", "PGLENS_SERVER_TLS_CA_FILE": "/ca"])
        #expect(configuration.serverTLSSSLMode == .verifyCA)
        #expect(configuration.serverTLSCAFile == "/ca")
    }

    @Test func descriptionNamesTheServerKeys() {
        var configuration = Configuration()
        configuration.serverTLSSSLMode = .verifyFull
        configuration.serverTLSCAFile = "/ca"
        #expect(configuration.description.contains("server_tls_sslmode: verify-full"))
        #expect(configuration.description.contains("server_tls_ca_file: \"/ca\""))
        let labels = Mirror(reflecting: configuration).children.compactMap(\.label)
        #expect(labels.contains("serverTLSSSLMode"))
        #expect(labels.contains("serverTLSCAFile"))
    }
}
