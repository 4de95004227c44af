import PGLensAuth
import Testing

/// SCRAM-SHA-256-PLUS from the client side: ``SCRAMClientExchange`` with channel binding, run against
/// ``SCRAMServerExchange`` as PostgreSQL would run it.
@Suite struct SCRAMClientChannelBindingTests {
    static let bindingData: [UInt8] = Array(100..<132)

    /// Runs a whole exchange; returns the server's last action and the client's last action.
    private func exchange(
        client: SCRAMClientExchange.ChannelBinding, serverOffersPlus: Bool, serverBindingData: [UInt8]?
    ) -> (server: SCRAMServerExchange.Action, client: SCRAMClientExchange.Action?) {
        var server = RFC7677.server(channelBindingOffered: serverOffersPlus, expectedChannelBinding: serverBindingData)
        var client = SCRAMClientExchange(
            secret: .password("pencil"), channelBinding: client, nonce: RFC7677.clientNonce)
        let initial = client.initialResponse()
        let first = server.receiveInitialResponse(mechanism: initial.mechanism, data: initial.data)
        guard case .sendServerFirst(let serverFirst) = first else {
            return (first, nil)
        }
        guard case .sendClientFinal(let clientFinal) = client.receiveServerFirst(serverFirst) else {
            Issue.record("the client did not answer server-first")
            return (first, nil)
        }
        let final = server.receiveResponse(clientFinal)
        guard case .sendServerFinal(let serverFinal) = final else {
            return (final, nil)
        }
        return (final, client.receiveServerFinal(serverFinal))
    }

    @Test func bindingAnnouncesPlusAndTheBindingType() {
        let client = SCRAMClientExchange(
            secret: .password("pencil"), channelBinding: .tlsServerEndPoint(Self.bindingData),
            nonce: RFC7677.clientNonce)
        let initial = client.initialResponse()
        #expect(initial.mechanism == "SCRAM-SHA-256-PLUS")
        #expect(String(decoding: initial.data, as: UTF8.self) == "p=tls-server-end-point,,n=,r=rOprNGfwEbeRWgbNEkqO")
    }

    @Test func matchingBindingDataAuthenticatesBothWays() {
        let result = exchange(
            client: .tlsServerEndPoint(Self.bindingData), serverOffersPlus: true, serverBindingData: Self.bindingData)
        #expect(result.client == .authenticated)
    }

    @Test func otherBindingDataIsRefusedByTheServer() {
        // A man in the middle terminating TLS has another certificate, so another hash.
        let result = exchange(
            client: .tlsServerEndPoint(Array(repeating: 1, count: 32)), serverOffersPlus: true,
            serverBindingData: Self.bindingData)
        guard case .fail(let failure) = result.server else {
            Issue.record("expected the server to fail, got \(result.server)")
            return
        }
        #expect(failure.kind == .channelBinding)
    }

    @Test func supportedButNotOfferedSendsYAndPassesAServerWithoutPlus() {
        let client = SCRAMClientExchange(
            secret: .password("pencil"), channelBinding: .supportedButNotOffered, nonce: RFC7677.clientNonce)
        #expect(client.initialResponse().mechanism == "SCRAM-SHA-256")
        #expect(String(decoding: client.initialResponse().data.prefix(3), as: UTF8.self) == "y,,")
        let result = exchange(client: .supportedButNotOffered, serverOffersPlus: false, serverBindingData: nil)
        #expect(result.client == .authenticated)
    }

    @Test func supportedButNotOfferedIsADowngradeToAServerOfferingPlus() {
        let result = exchange(
            client: .supportedButNotOffered, serverOffersPlus: true, serverBindingData: Self.bindingData)
        guard case .fail(let failure) = result.server else {
            Issue.record("expected a downgrade failure, got \(result.server)")
            return
        }
        #expect(failure.kind == .channelBinding)
    }

    @Test func unboundClientPassesAServerOfferingPlus() {
        let result = exchange(client: .unsupported, serverOffersPlus: true, serverBindingData: Self.bindingData)
        #expect(result.client == .authenticated)
    }
}
