import COpenSSL

/// Owns one OpenSSL `EVP_MAC_CTX` and frees it in `deinit`.
final class MACContext {
    private let context: OpaquePointer
    // Keeps the algorithm alive at least as long as the context that uses it.
    private let algorithm: MACAlgorithm

    /// Allocates an HMAC-SHA256 context keyed with `key`.
    init(hmacSHA256Key key: [UInt8]) throws(OpenSSLError) {
        algorithm = MACAlgorithm.hmac
        OpenSSLError.clearQueue()
        guard let context = EVP_MAC_CTX_new(algorithm.algorithm) else {
            throw OpenSSLError.drainQueue(operation: "EVP_MAC_CTX_new")
        }
        self.context = context
        try OpenSSLError.check("EVP_MAC_init(HMAC-SHA256)") {
            key.withUnsafeBufferPointer { pglens_hmac_sha256_init(context, $0.baseAddress, $0.count) }
        }
    }

    deinit {
        EVP_MAC_CTX_free(context)
    }

    /// Feeds `bytes` into the MAC.
    func update(_ bytes: [UInt8]) throws(OpenSSLError) {
        guard !bytes.isEmpty else {
            return
        }
        let context = self.context
        try OpenSSLError.check("EVP_MAC_update") {
            bytes.withUnsafeBufferPointer { EVP_MAC_update(context, $0.baseAddress, $0.count) }
        }
    }

    /// Finishes the MAC and returns it.
    func finish() throws(OpenSSLError) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length = 0
        let context = self.context
        try OpenSSLError.check("EVP_MAC_final") {
            output.withUnsafeMutableBufferPointer { EVP_MAC_final(context, $0.baseAddress, &length, $0.count) }
        }
        return Array(output.prefix(length))
    }
}
