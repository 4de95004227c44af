import PGLensTLS
import Testing

@Suite struct TLSContextTests {
    @Test func bothRolesReleaseIdleRecordBuffers() throws {
        let fixtures = CertificateFixtures.shared
        let server = try TLSContext(
            configuration: .server(
                certificateChainPath: fixtures.serverCertificate, privateKeyPath: fixtures.serverKey))
        let client = try TLSContext(configuration: .client(trustedCAPath: fixtures.caCertificate))
        #expect(server.releasesIdleBuffers)
        #expect(client.releasesIdleBuffers)
    }

    @Test func keyNotMatchingTheCertificateFailsAtCreation() throws {
        let fixtures = CertificateFixtures.shared
        #expect {
            _ = try TLSContext(
                configuration: .server(
                    certificateChainPath: fixtures.serverCertificate, privateKeyPath: fixtures.clientKey))
        } throws: { error in
            guard case .privateKeyMismatch(_, let keyPath, let reasons) = error as? TLSError else {
                return false
            }
            return keyPath == fixtures.clientKey && !reasons.isEmpty
        }
    }

    @Test func missingFileFailsAtCreation() throws {
        let fixtures = CertificateFixtures.shared
        let missing = fixtures.directory + "/missing.crt"
        #expect(throws: TLSError.fileNotReadable(path: missing, reason: "No such file or directory")) {
            _ = try TLSContext(
                configuration: .server(certificateChainPath: missing, privateKeyPath: fixtures.serverKey))
        }
    }

    @Test func fileThatIsNotACertificateFailsAtCreation() throws {
        let fixtures = CertificateFixtures.shared
        #expect {
            _ = try TLSContext(
                configuration: .server(
                    certificateChainPath: fixtures.directory + "/server.ext", privateKeyPath: fixtures.serverKey))
        } throws: { error in
            guard case .invalidCertificateChain = error as? TLSError else {
                return false
            }
            return true
        }
    }

    @Test func serverWithoutCertificateIsAConfigurationError() throws {
        #expect {
            _ = try TLSContext(configuration: TLSConfiguration(role: .server, peerVerification: .none))
        } throws: { error in
            guard case .invalidConfiguration = error as? TLSError else {
                return false
            }
            return true
        }
    }
}
