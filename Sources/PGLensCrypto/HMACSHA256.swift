/// HMAC-SHA256 from libcrypto (`EVP_MAC` "HMAC" with digest SHA256).
public enum HMACSHA256 {
    /// The MAC length in bytes.
    public static let byteCount = 32

    /// Returns HMAC-SHA256(`key`, `message`).
    ///
    /// Stops the process only if libcrypto itself fails (for example on allocation failure).
    public static func authenticationCode(key: [UInt8], message: [UInt8]) -> [UInt8] {
        do {
            let context = try MACContext(hmacSHA256Key: key)
            try context.update(message)
            return try context.finish()
        } catch {
            fatalError("libcrypto HMAC-SHA256 failed: \(error)")
        }
    }
}
