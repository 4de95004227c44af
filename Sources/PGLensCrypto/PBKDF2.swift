import COpenSSL

/// PBKDF2 from libcrypto (`PKCS5_PBKDF2_HMAC`).
public enum PBKDF2 {
    /// Derives `keyLength` bytes from `password` and `salt` with PBKDF2-HMAC-SHA256.
    ///
    /// - Throws: `CryptoArgumentError` if `iterations`, `keyLength` or an input length is outside
    ///   `1...Int32.max` (`0...` for the inputs), `OpenSSLError` if libcrypto fails.
    public static func sha256(password: [UInt8], salt: [UInt8], iterations: Int, keyLength: Int) throws -> [UInt8] {
        let range = 1...Int(Int32.max)
        guard range.contains(iterations) else {
            throw CryptoArgumentError("iterations must be in \(range), got \(iterations)")
        }
        guard range.contains(keyLength) else {
            throw CryptoArgumentError("keyLength must be in \(range), got \(keyLength)")
        }
        guard password.count <= Int32.max, salt.count <= Int32.max else {
            throw CryptoArgumentError("password and salt must be shorter than 2^31 bytes")
        }
        var output = [UInt8](repeating: 0, count: keyLength)
        try OpenSSLError.check("PKCS5_PBKDF2_HMAC") {
            password.withUnsafeBufferPointer { passwordBuffer in
                salt.withUnsafeBufferPointer { saltBuffer in
                    output.withUnsafeMutableBufferPointer { outputBuffer in
                        passwordBuffer.withMemoryRebound(to: CChar.self) { passwordChars in
                            PKCS5_PBKDF2_HMAC(
                                passwordChars.baseAddress, Int32(passwordChars.count),
                                saltBuffer.baseAddress, Int32(saltBuffer.count),
                                Int32(iterations), EVP_sha256(), Int32(keyLength), outputBuffer.baseAddress)
                        }
                    }
                }
            }
        }
        return output
    }
}
