import PGLensCrypto

/// PostgreSQL's legacy `md5` password authentication (AuthenticationMD5Password).
public enum MD5Authentication {
    /// The hash PostgreSQL stores: `"md5"` + hex(MD5(password + user)).
    public static func storedHash(password: String, user: String) -> String {
        "md5" + MD5.hash(Array(password.utf8) + Array(user.utf8)).hexString
    }

    /// The client's answer to a 4-byte `salt`: `"md5"` + hex(MD5(hex part of `storedHash` + salt)).
    ///
    /// `storedHash` is `"md5"` followed by 32 hex digits; a value without the `md5` prefix is used whole.
    public static func response(storedHash: String, salt: [UInt8]) -> String {
        let hexPart = storedHash.hasPrefix("md5") ? storedHash.utf8.dropFirst(3) : storedHash.utf8[...]
        return "md5" + MD5.hash(Array(hexPart) + salt).hexString
    }

    /// The client's answer to `salt` computed from the password itself.
    public static func response(password: String, user: String, salt: [UInt8]) -> String {
        response(storedHash: storedHash(password: password, user: user), salt: salt)
    }

    /// Whether a client's `response` matches `storedHash` for `salt`, compared in constant time.
    public static func verify(response: String, storedHash: String, salt: [UInt8]) -> Bool {
        let expected = Self.response(storedHash: storedHash, salt: salt)
        return ConstantTime.equals(Array(response.utf8), Array(expected.utf8))
    }
}
