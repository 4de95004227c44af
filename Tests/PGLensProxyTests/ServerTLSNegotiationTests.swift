import PGLensConfig
import PGWire
import Testing

@testable import PGLensProxy

/// `server_tls_sslmode` decisions on a new server connection: SSLRequest, 'S' / 'N', the handshake.
@Suite struct ServerTLSNegotiationTests {
    static func negotiation(_ mode: ServerTLSMode, retrying: Bool = false) -> ServerTLSNegotiation {
        ServerTLSNegotiation(mode: mode, retryingOverTLS: retrying, server: "db:5432")
    }

    static func sqlState(_ action: ServerTLSNegotiation.Action) -> SQLState? {
        guard case .fail(let error) = action else { return nil }
        return error.sqlState
    }

    @Test(arguments: [ServerTLSMode.disable, .allow])
    func plainModesSendTheStartupAtOnce(mode: ServerTLSMode) {
        var negotiation = Self.negotiation(mode)
        #expect(negotiation.connected() == .sendStartup)
        #expect(!negotiation.awaitsResponse)
        #expect(!negotiation.isEncrypted)
    }

    @Test(arguments: [ServerTLSMode.prefer, .require, .verifyCA, .verifyFull])
    func tlsModesStartWithSSLRequestAndHandshakeOnS(mode: ServerTLSMode) {
        var negotiation = Self.negotiation(mode)
        #expect(negotiation.connected() == .sendSSLRequest)
        #expect(negotiation.awaitsResponse)
        #expect(
            negotiation.responseReceived(UInt8(ascii: "S"), bytesFollow: false)
                == .startTLS(checkHostName: mode == .verifyFull))
        #expect(!negotiation.isEncrypted)
        #expect(negotiation.handshakeCompleted() == .sendStartup)
        #expect(negotiation.isEncrypted)
    }

    @Test func preferGoesOnInPlainTextOnN() {
        var negotiation = Self.negotiation(.prefer)
        _ = negotiation.connected()
        #expect(negotiation.responseReceived(UInt8(ascii: "N"), bytesFollow: false) == .sendStartup)
        #expect(!negotiation.isEncrypted)
    }

    @Test(arguments: [ServerTLSMode.require, .verifyCA, .verifyFull])
    func requiringModesRefuseAServerAnsweringN(mode: ServerTLSMode) {
        var negotiation = Self.negotiation(mode)
        _ = negotiation.connected()
        let action = negotiation.responseReceived(UInt8(ascii: "N"), bytesFollow: false)
        guard case .fail(let error) = action else {
            Issue.record("expected a failure, got \(action)")
            return
        }
        #expect(error.sqlState == .sqlclientUnableToEstablishSQLConnection)
        #expect(error.message?.contains("server db:5432 does not support SSL, but SSL was required") == true)
    }

    @Test func bytesAfterSAreRefused() {
        var negotiation = Self.negotiation(.require)
        _ = negotiation.connected()
        #expect(Self.sqlState(negotiation.responseReceived(UInt8(ascii: "S"), bytesFollow: true)) == .protocolViolation)
    }

    @Test func errorAndGarbageAnswersFail() {
        var error = Self.negotiation(.prefer)
        _ = error.connected()
        #expect(
            Self.sqlState(error.responseReceived(UInt8(ascii: "E"), bytesFollow: true))
                == .sqlclientUnableToEstablishSQLConnection)
        var garbage = Self.negotiation(.prefer)
        _ = garbage.connected()
        #expect(Self.sqlState(garbage.responseReceived(0x42, bytesFollow: false)) == .protocolViolation)
    }

    @Test func handshakeFailureCarriesOpenSSLsReason() {
        var negotiation = Self.negotiation(.verifyFull)
        _ = negotiation.connected()
        _ = negotiation.responseReceived(UInt8(ascii: "S"), bytesFollow: false)
        let action = negotiation.handshakeFailed("certificate verify failed")
        guard case .fail(let error) = action else {
            Issue.record("expected a failure, got \(action)")
            return
        }
        #expect(error.sqlState == .sqlclientUnableToEstablishSQLConnection)
        #expect(error.message == "pglens: TLS with the server db:5432 failed: certificate verify failed")
    }

    @Test func allowRetriesOverTLSOnceAfterAnAuthorizationRefusal() {
        let refusal = ErrorFields(
            severity: "FATAL", sqlState: .invalidAuthorizationSpecification, message: "no pg_hba.conf entry")
        var plain = Self.negotiation(.allow)
        _ = plain.connected()
        #expect(plain.retriesOverTLS(after: refusal))
        #expect(!plain.retriesOverTLS(after: ErrorFields(severity: "FATAL", sqlState: .invalidPassword, message: "x")))
        #expect(!Self.negotiation(.prefer).retriesOverTLS(after: refusal))

        var retry = Self.negotiation(.allow, retrying: true)
        #expect(retry.connected() == .sendSSLRequest)
        #expect(!retry.retriesOverTLS(after: refusal))
        #expect(
            Self.sqlState(retry.responseReceived(UInt8(ascii: "N"), bytesFollow: false))
                == .sqlclientUnableToEstablishSQLConnection)
    }
}
