import COpenSSL

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// An error from the TLS layer: a configuration problem found while building a ``TLSContext``,
/// or a failure reported by OpenSSL on a connection, carrying OpenSSL's reason texts.
public enum TLSError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A PEM file named in the configuration is missing or cannot be read.
    case fileNotReadable(path: String, reason: String)
    /// The certificate chain file could not be loaded.
    case invalidCertificateChain(path: String, reasons: [String])
    /// The private key file could not be loaded.
    case invalidPrivateKey(path: String, reasons: [String])
    /// The private key does not belong to the certificate.
    case privateKeyMismatch(certificatePath: String, privateKeyPath: String, reasons: [String])
    /// The configuration asks for something that cannot work, for example a server without a certificate.
    case invalidConfiguration(String)
    /// An OpenSSL call failed; `reasons` are OpenSSL's own error strings, oldest first.
    case openSSL(operation: String, reasons: [String])
    /// The channel closed, or was closed, before the TLS handshake completed.
    case closedBeforeHandshake
    /// The connection was already shut down or failed when more data was written.
    case connectionClosed

    /// A one-line description naming the failed step and OpenSSL's reasons.
    public var description: String {
        switch self {
        case .fileNotReadable(let path, let reason):
            return "cannot read \(path): \(reason)"
        case .invalidCertificateChain(let path, let reasons):
            return Self.withReasons("cannot load certificate chain from \(path)", reasons)
        case .invalidPrivateKey(let path, let reasons):
            return Self.withReasons("cannot load private key from \(path)", reasons)
        case .privateKeyMismatch(let certificatePath, let privateKeyPath, let reasons):
            return Self.withReasons(
                "private key \(privateKeyPath) does not match certificate \(certificatePath)", reasons)
        case .invalidConfiguration(let problem):
            return "invalid TLS configuration: \(problem)"
        case .openSSL(let operation, let reasons):
            return Self.withReasons("\(operation) failed", reasons)
        case .closedBeforeHandshake:
            return "the connection closed before the TLS handshake completed"
        case .connectionClosed:
            return "the TLS connection is closed"
        }
    }

    /// OpenSSL's reason texts carried by this error; empty for errors that did not come from OpenSSL.
    public var reasons: [String] {
        switch self {
        case .invalidCertificateChain(_, let reasons), .invalidPrivateKey(_, let reasons),
            .privateKeyMismatch(_, _, let reasons), .openSSL(_, let reasons):
            return reasons
        case .fileNotReadable, .invalidConfiguration, .closedBeforeHandshake, .connectionClosed:
            return []
        }
    }

    private static func withReasons(_ text: String, _ reasons: [String]) -> String {
        reasons.isEmpty ? text : "\(text): \(reasons.joined(separator: "; "))"
    }

    /// Empties OpenSSL's thread-local error queue, so that a following failure reports only its own reasons
    /// (and `SSL_get_error`, which looks at the queue, judges only the call before it).
    ///
    /// `ERR_clear_error` resets all sixteen slots of the queue whether or not any holds an error; it cost
    /// about 0.2 µs per call in a microbenchmark, a quarter of a small record's encryption. The queue is
    /// therefore looked at first (`ERR_peek_error`, which reports any error not yet cleared) and cleared only
    /// when it holds one: the queue is empty afterwards either way.
    static func clearQueue() {
        if ERR_peek_error() != 0 {
            ERR_clear_error()
        }
    }

    /// Drains OpenSSL's thread-local error queue into reason strings, oldest first.
    static func drainQueue() -> [String] {
        var reasons: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 {
                return reasons
            }
            var buffer = [CChar](repeating: 0, count: 256)
            buffer.withUnsafeMutableBufferPointer { pointer in
                ERR_error_string_n(code, pointer.baseAddress, pointer.count)
            }
            let end = buffer.firstIndex(of: 0) ?? buffer.endIndex
            reasons.append(String(decoding: buffer[..<end].map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
    }

    /// Drains the error queue into an ``openSSL(operation:reasons:)`` error.
    static func drained(_ operation: String) -> TLSError {
        .openSSL(operation: operation, reasons: drainQueue())
    }

    /// Runs an OpenSSL call that returns 1 on success, throwing the drained error queue otherwise.
    static func check(_ operation: String, _ call: () -> Int32) throws(TLSError) {
        clearQueue()
        guard call() == 1 else {
            throw drained(operation)
        }
    }

    /// Throws ``fileNotReadable(path:reason:)`` unless `path` names a readable file.
    static func checkReadable(_ path: String) throws(TLSError) {
        guard access(path, R_OK) == 0 else {
            let reason = String(cString: strerror(errno))
            throw .fileNotReadable(path: path, reason: reason)
        }
    }
}
