import COpenSSL

/// MD5 from libcrypto, for PostgreSQL's legacy `md5` authentication only.
public enum MD5 {
    /// The digest length in bytes.
    public static let byteCount = 16

    /// Returns the MD5 digest of `bytes` (one-shot `EVP_Digest` with `EVP_md5()`).
    ///
    /// Stops the process only if libcrypto itself fails (for example when MD5 is disabled by a FIPS policy).
    public static func hash(_ bytes: some Collection<UInt8>) -> [UInt8] {
        let input = Array(bytes)
        var output = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        do {
            try OpenSSLError.check("EVP_Digest(MD5)") {
                input.withUnsafeBufferPointer { inputBuffer in
                    output.withUnsafeMutableBufferPointer { outputBuffer in
                        EVP_Digest(
                            inputBuffer.baseAddress, inputBuffer.count, outputBuffer.baseAddress, &length, EVP_md5(),
                            nil)
                    }
                }
            }
        } catch {
            fatalError("libcrypto MD5 failed: \(error)")
        }
        return Array(output.prefix(Int(length)))
    }
}
