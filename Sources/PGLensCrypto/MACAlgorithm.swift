import COpenSSL

/// Owns one fetched OpenSSL `EVP_MAC` algorithm object and frees it in `deinit`.
///
/// `@unchecked Sendable`: a fetched `EVP_MAC` is immutable and reference-counted by OpenSSL,
/// which documents fetched algorithm objects as safe to share between threads.
final class MACAlgorithm: @unchecked Sendable {
    let algorithm: OpaquePointer

    /// The HMAC algorithm from the default library context, fetched once.
    static let hmac: MACAlgorithm = {
        do {
            return try MACAlgorithm(name: "HMAC")
        } catch {
            fatalError("libcrypto has no HMAC: \(error)")
        }
    }()

    /// Fetches the MAC algorithm `name` from the default library context.
    init(name: String) throws(OpenSSLError) {
        OpenSSLError.clearQueue()
        guard let algorithm = EVP_MAC_fetch(nil, name, nil) else {
            throw OpenSSLError.drainQueue(operation: "EVP_MAC_fetch(\(name))")
        }
        self.algorithm = algorithm
    }

    deinit {
        EVP_MAC_free(algorithm)
    }
}
