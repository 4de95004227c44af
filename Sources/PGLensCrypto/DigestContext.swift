import COpenSSL

/// Owns one OpenSSL `EVP_MD_CTX` and frees it in `deinit`.
final class DigestContext {
    private let context: OpaquePointer

    /// Allocates a context and initialises it for `digest` (for example `EVP_sha256()`).
    init(digest: OpaquePointer?, name: String) throws(OpenSSLError) {
        OpenSSLError.clearQueue()
        guard let context = EVP_MD_CTX_new() else {
            throw OpenSSLError.drainQueue(operation: "EVP_MD_CTX_new")
        }
        self.context = context
        try OpenSSLError.check("EVP_DigestInit_ex(\(name))") { EVP_DigestInit_ex(context, digest, nil) }
    }

    deinit {
        EVP_MD_CTX_free(context)
    }

    /// Feeds `bytes` into the digest.
    func update(_ bytes: some Collection<UInt8>) throws(OpenSSLError) {
        let context = self.context
        let result = bytes.withContiguousStorageIfAvailable { buffer in
            Self.update(context, buffer)
        }
        let status = result ?? Array(bytes).withUnsafeBufferPointer { Self.update(context, $0) }
        guard status == 1 else {
            throw OpenSSLError.drainQueue(operation: "EVP_DigestUpdate")
        }
    }

    /// Finishes the digest and returns it.
    func finish() throws(OpenSSLError) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let context = self.context
        try OpenSSLError.check("EVP_DigestFinal_ex") {
            output.withUnsafeMutableBufferPointer { EVP_DigestFinal_ex(context, $0.baseAddress, &length) }
        }
        return Array(output.prefix(Int(length)))
    }

    private static func update(_ context: OpaquePointer, _ buffer: UnsafeBufferPointer<UInt8>) -> Int32 {
        OpenSSLError.clearQueue()
        guard let base = buffer.baseAddress, !buffer.isEmpty else {
            return 1
        }
        return EVP_DigestUpdate(context, base, buffer.count)
    }
}
