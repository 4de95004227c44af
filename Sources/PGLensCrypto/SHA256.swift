import COpenSSL

/// SHA-256 from libcrypto.
public enum SHA256 {
    /// The digest length in bytes.
    public static let byteCount = 32

    /// Returns the SHA-256 digest of `bytes`.
    ///
    /// Stops the process only if libcrypto itself fails (for example on allocation failure).
    public static func hash(_ bytes: some Collection<UInt8>) -> [UInt8] {
        do {
            let context = try DigestContext(digest: EVP_sha256(), name: "SHA256")
            try context.update(bytes)
            return try context.finish()
        } catch {
            fatalError("libcrypto SHA-256 failed: \(error)")
        }
    }
}
