import COpenSSL

/// Comparisons whose running time does not depend on the contents compared.
public enum ConstantTime {
    /// Returns whether `lhs` and `rhs` are equal, in time independent of their contents (`CRYPTO_memcmp`).
    ///
    /// The lengths are not secret: different lengths return `false` at once.
    public static func equals(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else {
            return false
        }
        guard !lhs.isEmpty else {
            return true
        }
        OpenSSLError.clearQueue()
        return lhs.withUnsafeBytes { left in
            rhs.withUnsafeBytes { right in
                CRYPTO_memcmp(left.baseAddress, right.baseAddress, left.count) == 0
            }
        }
    }
}
