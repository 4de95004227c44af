import PGLensAuth
import Testing

@Suite struct MD5AuthenticationTests {
    // python3 -c 'import hashlib;print(hashlib.md5(b"secretapp").hexdigest())'
    static let storedHash = "md56a422f785c9e20873908ce25d1736ae2"
    // md5 of the hex part above followed by the bytes 01 02 03 04, computed with Python's hashlib.
    static let response = "md5911f527656472583a006e7727877b33e"
    static let salt: [UInt8] = [1, 2, 3, 4]

    @Test func storedHashKnownAnswer() {
        #expect(MD5Authentication.storedHash(password: "secret", user: "app") == Self.storedHash)
    }

    @Test func responseKnownAnswer() {
        #expect(MD5Authentication.response(storedHash: Self.storedHash, salt: Self.salt) == Self.response)
        #expect(MD5Authentication.response(password: "secret", user: "app", salt: Self.salt) == Self.response)
    }

    @Test func verify() {
        #expect(MD5Authentication.verify(response: Self.response, storedHash: Self.storedHash, salt: Self.salt))
        #expect(!MD5Authentication.verify(response: Self.response, storedHash: Self.storedHash, salt: [1, 2, 3, 5]))
        #expect(!MD5Authentication.verify(response: "md5", storedHash: Self.storedHash, salt: Self.salt))
        let wrong = MD5Authentication.response(password: "secreT", user: "app", salt: Self.salt)
        #expect(!MD5Authentication.verify(response: wrong, storedHash: Self.storedHash, salt: Self.salt))
    }
}
