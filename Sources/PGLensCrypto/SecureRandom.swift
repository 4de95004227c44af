import COpenSSL

/// Cryptographically secure random bytes from libcrypto (`RAND_bytes`).
public enum SecureRandom {
    /// Returns `count` random bytes.
    ///
    /// `count` must not be negative. Stops the process if the random number generator fails,
    /// because no caller can continue safely without randomness.
    public static func bytes(_ count: Int) -> [UInt8] {
        precondition(count >= 0 && count <= Int32.max, "SecureRandom.bytes: count out of range")
        guard count > 0 else {
            return []
        }
        var output = [UInt8](repeating: 0, count: count)
        do {
            try OpenSSLError.check("RAND_bytes") {
                output.withUnsafeMutableBufferPointer { RAND_bytes($0.baseAddress, Int32($0.count)) }
            }
        } catch {
            fatalError("libcrypto random number generator failed: \(error)")
        }
        return output
    }
}
