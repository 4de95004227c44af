import PGLensAuth
import PGLensCrypto
import Testing

@Suite struct SCRAMExchangeTests {
    @Test func rfc7677VectorEndToEnd() {
        var client = RFC7677.client()
        var server = RFC7677.server()

        let initial = client.initialResponse()
        #expect(initial.mechanism == "SCRAM-SHA-256")
        #expect(text(initial.data) == RFC7677.clientFirst)

        let serverFirst = server.receiveInitialResponse(mechanism: initial.mechanism, data: initial.data)
        #expect(serverFirst == .sendServerFirst(bytes(RFC7677.serverFirst)))
        guard case .sendServerFirst(let serverFirstData) = serverFirst else { return }

        let clientFinal = client.receiveServerFirst(serverFirstData)
        #expect(clientFinal == .sendClientFinal(bytes(RFC7677.clientFinal)))
        guard case .sendClientFinal(let clientFinalData) = clientFinal else { return }

        let serverFinal = server.receiveResponse(clientFinalData)
        #expect(serverFinal == .sendServerFinal(bytes(RFC7677.serverFinal)))
        guard case .sendServerFinal(let serverFinalData) = serverFinal else { return }

        #expect(client.receiveServerFinal(serverFinalData) == .authenticated)
        #expect(server.recoveredClientKey?.hexString == RFC7677.clientKeyHex)
    }

    @Test func recoveredClientKeyEqualsDerivedClientKey() throws {
        let saltedPassword = try PBKDF2.sha256(
            password: bytes("pencil"), salt: RFC7677.salt, iterations: 4096, keyLength: 32)
        let clientKey = HMACSHA256.authenticationCode(key: saltedPassword, message: bytes("Client Key"))
        var server = RFC7677.serverAfterClientFirst()
        _ = server.receiveResponse(bytes(RFC7677.clientFinal))
        #expect(server.recoveredClientKey == clientKey)
    }

    @Test func wrongPasswordFails() {
        var client = RFC7677.client(password: "pencil2")
        var server = RFC7677.server()
        let (mechanism, data) = client.initialResponse()
        guard case .sendServerFirst(let serverFirst) = server.receiveInitialResponse(mechanism: mechanism, data: data),
            case .sendClientFinal(let clientFinal) = client.receiveServerFirst(serverFirst)
        else {
            Issue.record("exchange did not reach the proof")
            return
        }
        #expect(server.receiveResponse(clientFinal).failureKind == .invalidProof)
        #expect(server.recoveredClientKey == nil)
    }

    @Test func defaultNoncesAndEmptyUsernameRoundTrip() {
        let credential = SCRAMCredential.derive(password: "s3cret", salt: SecureRandom.bytes(16), iterations: 4096)
        var client = SCRAMClientExchange(secret: .password("s3cret"))
        var server = SCRAMServerExchange(credential: credential)
        let (mechanism, data) = client.initialResponse()
        #expect(text(data).hasPrefix("n,,n=,r="))
        #expect(login(&client, &server, mechanism: mechanism, data: data) == .authenticated)
    }

    @Test func clientKeyModeLogsInWithoutPassword() {
        let credential = RFC7677.credential
        // A client logs in to pglens; pglens recovers its ClientKey.
        var front = RFC7677.serverAfterClientFirst()
        _ = front.receiveResponse(bytes(RFC7677.clientFinal))
        guard let clientKey = front.recoveredClientKey else {
            Issue.record("no client key recovered")
            return
        }
        // pglens logs in to a server holding the same verifier.
        var client = SCRAMClientExchange(
            secret: .clientKey(
                clientKey: clientKey, serverKey: credential.serverKey, salt: credential.salt,
                iterations: credential.iterations))
        var server = SCRAMServerExchange(credential: credential)
        let (mechanism, data) = client.initialResponse()
        #expect(login(&client, &server, mechanism: mechanism, data: data) == .authenticated)

        // Without the ServerKey it still logs in, the signature just cannot be checked.
        var blindClient = SCRAMClientExchange(
            secret: .clientKey(
                clientKey: clientKey, serverKey: nil, salt: credential.salt, iterations: credential.iterations))
        var otherServer = SCRAMServerExchange(credential: credential)
        let initial = blindClient.initialResponse()
        #expect(login(&blindClient, &otherServer, mechanism: initial.mechanism, data: initial.data) == .authenticated)
    }

    @Test func clientKeyModeRejectsDifferentSaltOrIterations() {
        let credential = RFC7677.credential
        let mismatched = [
            SCRAMCredential(
                salt: SecureRandom.bytes(16), iterations: 4096, storedKey: credential.storedKey,
                serverKey: credential.serverKey),
            SCRAMCredential(
                salt: credential.salt, iterations: 8192, storedKey: credential.storedKey,
                serverKey: credential.serverKey),
        ]
        for serverCredential in mismatched {
            var client = SCRAMClientExchange(
                secret: .clientKey(
                    clientKey: [UInt8](hexString: RFC7677.clientKeyHex)!, serverKey: credential.serverKey,
                    salt: credential.salt, iterations: credential.iterations))
            var server = SCRAMServerExchange(credential: serverCredential)
            let (mechanism, data) = client.initialResponse()
            guard
                case .sendServerFirst(let serverFirst) = server.receiveInitialResponse(mechanism: mechanism, data: data)
            else {
                Issue.record("server rejected client-first")
                continue
            }
            #expect(client.receiveServerFirst(serverFirst).failureKind == .parameterMismatch)
        }
    }

    @Test func mockServerAlwaysFailsAndKeepsSaltStable() {
        let seed = SecureRandom.bytes(32)
        var first = SCRAMServerExchange.mock(user: "ghost", mockSeed: seed)
        var second = SCRAMServerExchange.mock(user: "ghost", mockSeed: seed)
        var client = SCRAMClientExchange(secret: .password("anything"))
        let (mechanism, data) = client.initialResponse()
        guard case .sendServerFirst(let serverFirst) = first.receiveInitialResponse(mechanism: mechanism, data: data),
            case .sendServerFirst(let otherServerFirst) = second.receiveInitialResponse(
                mechanism: mechanism, data: data)
        else {
            Issue.record("mock rejected client-first")
            return
        }
        // Same salt and iterations for the same user; only the server nonce differs.
        #expect(
            text(serverFirst).split(separator: ",").dropFirst()
                == text(otherServerFirst).split(separator: ",").dropFirst())
        guard case .sendClientFinal(let clientFinal) = client.receiveServerFirst(serverFirst) else {
            Issue.record("client rejected mock server-first")
            return
        }
        #expect(
            first.receiveResponse(clientFinal) == .fail(SCRAMFailure(.invalidProof, "password authentication failed")))
        #expect(first.recoveredClientKey == nil)
    }

    @Test func serverFinalErrorsAndBadSignatures() {
        var errored = RFC7677.clientAfterServerFirst()
        let failure = errored.receiveServerFinal(bytes("e=invalid-proof"))
        #expect(failure == .fail(SCRAMFailure(.serverError, "server error: invalid-proof")))

        var forged = RFC7677.clientAfterServerFirst()
        let forgedSignature = "v=" + String(RFC7677.serverFinal.dropFirst(2).reversed())
        #expect(forged.receiveServerFinal(bytes(forgedSignature)).failureKind != nil)

        var wrongKey = RFC7677.clientAfterServerFirst()
        let otherSignature = "v=" + Array(repeating: "A", count: 43).joined() + "="
        #expect(wrongKey.receiveServerFinal(bytes(otherSignature)).failureKind == .invalidServerSignature)

        var garbage = RFC7677.clientAfterServerFirst()
        #expect(garbage.receiveServerFinal(bytes("x")).failureKind == .malformedMessage)
    }

    @Test func outOfOrderMessagesFail() {
        var server = RFC7677.server()
        #expect(server.receiveResponse(bytes(RFC7677.clientFinal)).failureKind == .unexpectedMessage)
        var done = RFC7677.serverAfterClientFirst()
        _ = done.receiveResponse(bytes(RFC7677.clientFinal))
        #expect(done.receiveResponse(bytes(RFC7677.clientFinal)).failureKind == .unexpectedMessage)
        #expect(done.recoveredClientKey == nil)

        var client = RFC7677.client()
        #expect(client.receiveServerFinal(bytes(RFC7677.serverFinal)).failureKind == .unexpectedMessage)
    }
}

/// Runs a whole exchange in memory and returns the client's last action.
func login(
    _ client: inout SCRAMClientExchange, _ server: inout SCRAMServerExchange, mechanism: String, data: [UInt8]
) -> SCRAMClientExchange.Action {
    guard case .sendServerFirst(let serverFirst) = server.receiveInitialResponse(mechanism: mechanism, data: data)
    else {
        return .fail(SCRAMFailure(.unexpectedMessage, "server rejected client-first"))
    }
    let clientFinalAction = client.receiveServerFirst(serverFirst)
    guard case .sendClientFinal(let clientFinal) = clientFinalAction else {
        return clientFinalAction
    }
    switch server.receiveResponse(clientFinal) {
    case .sendServerFinal(let serverFinal):
        return client.receiveServerFinal(serverFinal)
    case .fail(let failure):
        return .fail(failure)
    case .sendServerFirst:
        return .fail(SCRAMFailure(.unexpectedMessage, "server sent server-first twice"))
    }
}
