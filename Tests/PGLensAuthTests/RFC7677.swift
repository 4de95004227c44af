import PGLensAuth
import PGLensCrypto

/// The RFC 7677 §3 SCRAM-SHA-256 example.
enum RFC7677 {
    static let clientNonce = Array("rOprNGfwEbeRWgbNEkqO".utf8)
    static let serverNonce = Array("%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0".utf8)
    static let salt: [UInt8] = [UInt8](hexString: "5b6d99689d12358eeca04b141236fa81")!
    static let clientFirst = "n,,n=user,r=rOprNGfwEbeRWgbNEkqO"
    static let serverFirst = "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"
    static let clientFinal =
        "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="
    static let serverFinal = "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="
    // Computed independently with Python's hashlib/hmac.
    static let verifier =
        "SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==$WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4qY="
        + ":wfPLwcE6nTWhTAmQ7tl2KeoiWGPlZqQxSrmfPwDl2dU="
    static let clientKeyHex = "a60fc923d67e8644a92d16b96eda5ef4656b0c725c484374be25535576996e8b"

    static var credential: SCRAMCredential {
        SCRAMCredential.derive(password: "pencil", salt: salt, iterations: 4096)
    }

    static func server(
        channelBindingOffered: Bool = false, expectedChannelBinding: [UInt8]? = nil
    )
        -> SCRAMServerExchange
    {
        SCRAMServerExchange(
            credential: credential, channelBindingOffered: channelBindingOffered,
            expectedChannelBinding: expectedChannelBinding, nonce: serverNonce)
    }

    /// A server that has already answered a plain `n,,` client-first-message.
    static func serverAfterClientFirst() -> SCRAMServerExchange {
        var server = server()
        _ = server.receiveInitialResponse(mechanism: "SCRAM-SHA-256", data: Array(clientFirst.utf8))
        return server
    }

    static func client(password: String = "pencil") -> SCRAMClientExchange {
        SCRAMClientExchange(secret: .password(password), username: "user", nonce: clientNonce)
    }

    /// A client that has already answered the RFC's server-first-message.
    static func clientAfterServerFirst() -> SCRAMClientExchange {
        var client = client()
        _ = client.receiveServerFirst(Array(serverFirst.utf8))
        return client
    }
}

extension SCRAMServerExchange.Action {
    var failureKind: SCRAMFailure.Kind? {
        switch self {
        case .fail(let failure): return failure.kind
        case .sendServerFirst, .sendServerFinal: return nil
        }
    }
}

extension SCRAMClientExchange.Action {
    var failureKind: SCRAMFailure.Kind? {
        switch self {
        case .fail(let failure): return failure.kind
        case .sendClientFinal, .authenticated: return nil
        }
    }
}

func bytes(_ text: String) -> [UInt8] {
    Array(text.utf8)
}

func text(_ bytes: [UInt8]) -> String {
    String(decoding: bytes, as: UTF8.self)
}
