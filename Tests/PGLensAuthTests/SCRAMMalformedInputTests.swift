import PGLensAuth
import Testing

@Suite struct SCRAMMalformedInputTests {
    @Test(arguments: [
        ("n,,n=,x=abc", SCRAMFailure.Kind.malformedMessage),
        ("n,,n=,r=", .malformedMessage),
        ("n,,n=", .malformedMessage),
        ("", .malformedMessage),
        ("x,,n=,r=abc", .malformedMessage),
        ("n,a=bob,n=,r=abc", .malformedMessage),
        ("n,,m=ext,n=,r=abc", .malformedMessage),
        ("n,,r=abc,n=", .malformedMessage),
        ("n,,n=,r=abc,!bad", .malformedMessage),
        ("p=tls-server-end-point,,n=,r=abc", .channelBinding),
        ("p=tls-unique,,n=,r=abc", .channelBinding),
    ])
    func serverRejectsBadClientFirst(message: String, kind: SCRAMFailure.Kind) {
        var server = RFC7677.server()
        #expect(server.receiveInitialResponse(mechanism: "SCRAM-SHA-256", data: bytes(message)).failureKind == kind)
    }

    @Test func serverAcceptsIgnoredUsernamesAndExtensions() {
        for message in ["n,,n=*,r=abc", "n,,n=someone=2Celse,r=abc", "y,,n=,r=abc", "n,,n=,r=abc,x=ext"] {
            var server = RFC7677.server()
            #expect(server.receiveInitialResponse(mechanism: "SCRAM-SHA-256", data: bytes(message)).failureKind == nil)
        }
    }

    @Test func serverRejectsUnknownMechanisms() {
        var server = RFC7677.server()
        let action = server.receiveInitialResponse(mechanism: "SCRAM-SHA-1", data: bytes(RFC7677.clientFirst))
        #expect(action.failureKind == .unsupportedMechanism)
        var plain = RFC7677.server()
        let plus = plain.receiveInitialResponse(
            mechanism: "SCRAM-SHA-256-PLUS", data: bytes("p=tls-server-end-point,,n=,r=abc"))
        #expect(plus.failureKind == .unsupportedMechanism)
    }

    @Test func serverRejectsChannelBindingDowngrade() {
        var server = RFC7677.server(channelBindingOffered: true, expectedChannelBinding: [1, 2, 3])
        let action = server.receiveInitialResponse(mechanism: "SCRAM-SHA-256", data: bytes("y,,n=,r=abc"))
        #expect(action.failureKind == .channelBinding)
        var plusWithoutBinding = RFC7677.server(channelBindingOffered: true, expectedChannelBinding: [1, 2, 3])
        let plus = plusWithoutBinding.receiveInitialResponse(
            mechanism: "SCRAM-SHA-256-PLUS", data: bytes("n,,n=,r=abc"))
        #expect(plus.failureKind == .channelBinding)
        // Without TLS a `y` client is fine: it cannot be a downgrade.
        var plain = RFC7677.server()
        #expect(plain.receiveInitialResponse(mechanism: "SCRAM-SHA-256", data: bytes("y,,n=,r=abc")).failureKind == nil)
    }

    @Test(arguments: [
        ("c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=!!!!", SCRAMFailure.Kind.malformedMessage),
        (
            "c=b!ws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
            .malformedMessage
        ),
        (
            "c=eSws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
            .channelBinding
        ),
        (
            "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k1,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
            .nonceMismatch
        ),
        ("c=biws,r=rOprNGfwEbeRWgbNEkqO,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=", .nonceMismatch),
        ("c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0", .malformedMessage),
        ("c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=AAAA", .malformedMessage),
        ("r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,c=biws,p=AAAA", .malformedMessage),
        (
            "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=eHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
            .invalidProof
        ),
    ])
    func serverRejectsBadClientFinal(message: String, kind: SCRAMFailure.Kind) {
        var server = RFC7677.serverAfterClientFirst()
        #expect(server.receiveResponse(bytes(message)).failureKind == kind)
        #expect(server.recoveredClientKey == nil)
    }

    @Test(arguments: [
        ("r=XYZ%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096", SCRAMFailure.Kind.nonceMismatch),
        ("r=rOprNGfwEbeRWgbNEkqO,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096", .nonceMismatch),
        ("s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096", .malformedMessage),
        ("r=rOprNGfwEbeRWgbNEkqOabc,s=W22ZaJ0SNY7soEsUEjb6gQ=,i=4096", .malformedMessage),
        ("r=rOprNGfwEbeRWgbNEkqOabc,s=@@@@,i=4096", .malformedMessage),
        ("r=rOprNGfwEbeRWgbNEkqOabc,s=,i=4096", .malformedMessage),
        ("r=rOprNGfwEbeRWgbNEkqOabc,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=0", .invalidIterations),
        ("r=rOprNGfwEbeRWgbNEkqOabc,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=-1", .invalidIterations),
        ("r=rOprNGfwEbeRWgbNEkqOabc,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=10000001", .invalidIterations),
        ("r=rOprNGfwEbeRWgbNEkqOabc,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=99999999999999999999", .invalidIterations),
        ("r=rOprNGfwEbeRWgbNEkqOabc,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=abc", .invalidIterations),
        ("r=rOprNGfwEbeRWgbNEkqOabc,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096,x=1", .malformedMessage),
        ("m=ext,r=rOprNGfwEbeRWgbNEkqOabc,s=W22ZaJ0SNY7soEsUEjb6gQ==", .malformedMessage),
    ])
    func clientRejectsBadServerFirst(message: String, kind: SCRAMFailure.Kind) {
        var client = RFC7677.client()
        #expect(client.receiveServerFirst(bytes(message)).failureKind == kind)
    }
}
