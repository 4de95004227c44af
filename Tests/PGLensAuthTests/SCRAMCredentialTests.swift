import PGLensAuth
import PGLensCrypto
import Testing

@Suite struct SCRAMCredentialTests {
    @Test func deriveProducesPostgreSQLVerifier() {
        let credential = RFC7677.credential
        #expect(credential.verifier == RFC7677.verifier)
        #expect(credential.verifier.hasPrefix("SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==$"))
        #expect(credential.storedKey == SHA256.hash([UInt8](hexString: RFC7677.clientKeyHex)!))
    }

    @Test func parsesVerifier() throws {
        let parsed = try SCRAMCredential(verifier: RFC7677.verifier)
        #expect(parsed == RFC7677.credential)
        #expect(parsed.iterations == 4096)
        #expect(parsed.salt == RFC7677.salt)
        #expect(parsed.verifier == RFC7677.verifier)
    }

    @Test func verifierRoundTripsWithRandomSalt() throws {
        let credential = SCRAMCredential.derive(password: "correct horse", salt: SecureRandom.bytes(16), iterations: 10)
        #expect(try SCRAMCredential(verifier: credential.verifier) == credential)
    }

    @Test(arguments: [
        "md5abcdef",
        "SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==",
        "SCRAM-SHA-256$0:W22ZaJ0SNY7soEsUEjb6gQ==$WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4qY=:"
            + "wfPLwcE6nTWhTAmQ7tl2KeoiWGPlZqQxSrmfPwDl2dU=",
        "SCRAM-SHA-256$x:W22ZaJ0SNY7soEsUEjb6gQ==$WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4qY=:"
            + "wfPLwcE6nTWhTAmQ7tl2KeoiWGPlZqQxSrmfPwDl2dU=",
        "SCRAM-SHA-256$4096:W22Z@J0SNY7soEsUEjb6gQ==$WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4qY=:"
            + "wfPLwcE6nTWhTAmQ7tl2KeoiWGPlZqQxSrmfPwDl2dU=",
        "SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==$WG5d8oPm3OtcPnkdi4Uo7Bke:wfPLwcE6nTWhTAmQ7tl2KeoiWGPlZqQxSrmfPwDl2dU=",
        "SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==$WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4qY=",
        "SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==$WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4qY=:"
            + "wfPLwcE6nTWhTAmQ7tl2KeoiWGPlZqQxSrmfPwDl2dU=$extra",
    ])
    func rejectsInvalidVerifiers(verifier: String) {
        #expect(throws: InvalidSCRAMVerifier.self) { try SCRAMCredential(verifier: verifier) }
    }

    @Test func descriptionHidesKeys() {
        let description = String(describing: RFC7677.credential)
        #expect(description == "SCRAMCredential(iterations: 4096, salt: 16 bytes)")
    }

    @Test func saslprepNormalizesNonASCIIPasswords() {
        let salt = RFC7677.salt
        // U+2168 ROMAN NUMERAL NINE is "IX" under NFKC; U+00A0 NO-BREAK SPACE maps to a space; U+00AD vanishes.
        #expect(
            SCRAMCredential.derive(password: "\u{2168}", salt: salt, iterations: 1)
                == SCRAMCredential.derive(password: "IX", salt: salt, iterations: 1))
        #expect(
            SCRAMCredential.derive(password: "a\u{00A0}b\u{00AD}", salt: salt, iterations: 1)
                == SCRAMCredential.derive(password: "a b", salt: salt, iterations: 1))
        // Composed and decomposed forms of é are the same password.
        #expect(
            SCRAMCredential.derive(password: "caf\u{00E9}", salt: salt, iterations: 1)
                == SCRAMCredential.derive(password: "cafe\u{0301}", salt: salt, iterations: 1))
    }

    @Test func saslprepFallsBackToRawBytesForProhibitedCharacters() throws {
        let password = "\u{00E9}\u{0007}"
        let saltedPassword = try PBKDF2.sha256(
            password: Array(password.utf8), salt: RFC7677.salt, iterations: 1, keyLength: 32)
        let serverKey = HMACSHA256.authenticationCode(key: saltedPassword, message: bytes("Server Key"))
        #expect(SCRAMCredential.derive(password: password, salt: RFC7677.salt, iterations: 1).serverKey == serverKey)
    }
}
