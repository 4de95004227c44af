import Foundation
import PGLensAuth
import PGLensCrypto
import Testing

/// SCRAM-SHA-256-PLUS on the server side, with a hand-built client (SCRAMClientExchange does not bind yet).
@Suite struct SCRAMChannelBindingTests {
    static let bindingData: [UInt8] = Array(0..<32)
    static let header = "p=tls-server-end-point,,"

    @Test func plusWithMatchingBindingDataSucceeds() {
        var server = RFC7677.server(channelBindingOffered: true, expectedChannelBinding: Self.bindingData)
        let action = run(&server, bindingData: Self.bindingData)
        guard case .sendServerFinal(let serverFinal) = action else {
            Issue.record("expected server-final, got \(action)")
            return
        }
        #expect(text(serverFinal).hasPrefix("v="))
        #expect(server.recoveredClientKey?.hexString == RFC7677.clientKeyHex)
    }

    @Test func plusWithOtherBindingDataFails() {
        var server = RFC7677.server(channelBindingOffered: true, expectedChannelBinding: Self.bindingData)
        #expect(run(&server, bindingData: Array(repeating: 7, count: 32)).failureKind == .channelBinding)
    }

    @Test func plusWithoutServerBindingDataFails() {
        var server = RFC7677.server(channelBindingOffered: true, expectedChannelBinding: nil)
        let action = server.receiveInitialResponse(
            mechanism: "SCRAM-SHA-256-PLUS", data: bytes(Self.header + "n=,r=abc"))
        #expect(action.failureKind == .channelBinding)
    }

    private func run(_ server: inout SCRAMServerExchange, bindingData: [UInt8]) -> SCRAMServerExchange.Action {
        let clientFirstBare = "n=,r=" + text(RFC7677.clientNonce)
        let first = server.receiveInitialResponse(
            mechanism: "SCRAM-SHA-256-PLUS", data: bytes(Self.header + clientFirstBare))
        guard case .sendServerFirst(let serverFirst) = first else {
            return first
        }
        let combinedNonce = text(RFC7677.clientNonce + RFC7677.serverNonce)
        let channelBinding = Data(bytes(Self.header) + bindingData).base64EncodedString()
        let withoutProof = "c=\(channelBinding),r=\(combinedNonce)"
        let authMessage = bytes(clientFirstBare + "," + text(serverFirst) + "," + withoutProof)
        let clientKey = [UInt8](hexString: RFC7677.clientKeyHex)!
        let signature = HMACSHA256.authenticationCode(key: SHA256.hash(clientKey), message: authMessage)
        let proof = zip(clientKey, signature).map { $0 ^ $1 }
        return server.receiveResponse(bytes(withoutProof + ",p=" + Data(proof).base64EncodedString()))
    }
}
