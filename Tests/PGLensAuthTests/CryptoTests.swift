import PGLensCrypto
import Testing

@Suite struct CryptoTests {
    @Test func sha256OfABC() {
        #expect(
            SHA256.hash(Array("abc".utf8)).hexString
                == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test func sha256OfEmptyAndNonContiguousInput() {
        #expect(
            SHA256.hash([UInt8]()).hexString == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hash("abc".utf8) == SHA256.hash(Array("abc".utf8)))
    }

    @Test func md5OfEmptyString() {
        #expect(MD5.hash([UInt8]()).hexString == "d41d8cd98f00b204e9800998ecf8427e")
    }

    @Test func hmacRFC4231Case2() {
        let code = HMACSHA256.authenticationCode(
            key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8))
        #expect(code.hexString == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }

    @Test func hmacWithEmptyKeyAndMessage() {
        let code = HMACSHA256.authenticationCode(key: [], message: [])
        #expect(code.hexString == "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad")
    }

    @Test func pbkdf2RFC7914Vector() throws {
        let key = try PBKDF2.sha256(
            password: Array("passwd".utf8), salt: Array("salt".utf8), iterations: 1, keyLength: 64)
        #expect(
            key.hexString
                == "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"
                + "49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783")
    }

    @Test func pbkdf2RejectsBadArguments() {
        #expect(throws: CryptoArgumentError.self) {
            try PBKDF2.sha256(password: [1], salt: [2], iterations: 0, keyLength: 32)
        }
        #expect(throws: CryptoArgumentError.self) {
            try PBKDF2.sha256(password: [1], salt: [2], iterations: 1, keyLength: 0)
        }
    }

    @Test func secureRandomLengthsAndVariety() {
        #expect(SecureRandom.bytes(0).isEmpty)
        let first = SecureRandom.bytes(32)
        #expect(first.count == 32)
        #expect(first != SecureRandom.bytes(32))
    }

    @Test func constantTimeEquality() {
        #expect(ConstantTime.equals([1, 2, 3], [1, 2, 3]))
        #expect(!ConstantTime.equals([1, 2, 3], [1, 2, 4]))
        #expect(!ConstantTime.equals([1, 2, 3], [1, 2]))
        #expect(ConstantTime.equals([], []))
    }

    @Test func hexRoundTrip() {
        #expect([0x00, 0xab, 0xff].hexString == "00abff")
        #expect([UInt8](hexString: "00ABff") == [0x00, 0xab, 0xff])
        #expect([UInt8](hexString: "abc") == nil)
        #expect([UInt8](hexString: "zz") == nil)
    }

    @Test func openSSLErrorDescription() {
        let error = OpenSSLError(operation: "EVP_Test", reasons: ["a", "b"])
        #expect(error.description == "EVP_Test failed: a; b")
    }
}
