import COpenSSL
import NIOCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Owns one OpenSSL `SSL` and its memory BIO, a ``TLSBufferBIO`` over NIO's buffers: ciphertext from the
/// peer is handed to OpenSSL with ``receiveCiphertext(_:)``, ciphertext for the peer is taken with
/// ``takeCiphertext()``. No I/O: a ``TLSHandler`` moves the bytes. Not thread-safe; one owner.
public final class TLSConnection {
    /// The context this connection was made from (kept alive as long as the connection).
    public let context: TLSContext
    /// The `SSL`; `SSL_free` also frees its BIO.
    private let ssl: OpaquePointer
    /// The ciphertext both ways, which the `SSL`'s BIO reads and writes; released after `ssl`.
    private let buffers: TLSBufferBIO

    /// Creates a connection for `context`'s role.
    /// - Parameters:
    ///   - serverName: a client's SNI host name; ignored for IP address literals, which SNI does not carry.
    ///   - expectedHostName: for a client, the DNS name or IP address the server certificate must match
    ///     (`SSL_set1_host`, PostgreSQL's `verify-full`); `nil` checks only the chain (`verify-ca`).
    public init(context: TLSContext, serverName: String? = nil, expectedHostName: String? = nil) throws(TLSError) {
        self.context = context
        TLSError.clearQueue()
        guard let ssl = SSL_new(context.pointer) else {
            throw TLSError.drained("SSL_new")
        }
        let buffers = TLSBufferBIO()
        guard let bio = buffers.makeBIO() else {
            SSL_free(ssl)
            throw TLSError.drained("BIO_new")
        }
        // One BIO both ways: the SSL takes the one reference.
        SSL_set_bio(ssl, bio, bio)
        self.ssl = ssl
        self.buffers = buffers
        switch context.configuration.role {
        case .server:
            SSL_set_accept_state(ssl)
        case .client:
            SSL_set_connect_state(ssl)
            try configureClient(serverName: serverName, expectedHostName: expectedHostName)
        }
    }

    deinit {
        SSL_free(ssl)
    }

    private func configureClient(serverName: String?, expectedHostName: String?) throws(TLSError) {
        if let serverName, !Self.isIPAddress(serverName) {
            try TLSError.check("SSL_set_tlsext_host_name") { pglens_ssl_set_tlsext_host_name(ssl, serverName) }
        }
        guard let expectedHostName else {
            return
        }
        if Self.isIPAddress(expectedHostName) {
            try TLSError.check("X509_VERIFY_PARAM_set1_ip_asc") {
                X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), expectedHostName)
            }
        } else {
            try TLSError.check("SSL_set1_host") { SSL_set1_host(ssl, expectedHostName) }
        }
    }

    private static func isIPAddress(_ name: String) -> Bool {
        var address = in6_addr()
        return inet_pton(AF_INET, name, &address) == 1 || inet_pton(AF_INET6, name, &address) == 1
    }

    /// Hands ciphertext received from the peer to OpenSSL, which reads it from `buffer` itself (kept, not
    /// copied) in the next steps. The BIO takes all of it.
    public func receiveCiphertext(_ buffer: ByteBuffer) {
        buffers.append(input: buffer)
    }

    /// Takes the ciphertext waiting for the peer, as OpenSSL wrote it, or `nil` when there is none. Call
    /// after every other step.
    public func takeCiphertext() -> ByteBuffer? {
        buffers.takeOutput()
    }

    /// Whether OpenSSL holds input not yet turned into plaintext: decrypted bytes not read yet, or
    /// ciphertext in the read BIO. When `false`, ``readPlaintext(into:maximum:)`` could only answer
    /// `wantRead`, so the call can be saved.
    public var hasPendingInput: Bool {
        pendingInputCount > 0
    }

    /// How many bytes of input OpenSSL holds: decrypted bytes not read yet plus ciphertext its BIO has not
    /// given it yet. The next ``readPlaintext(into:maximum:)`` gives at most this many plaintext bytes, since a
    /// record's plaintext is shorter than its ciphertext (a record that began in an earlier read may give
    /// more in later calls, as ``hasPendingInput`` then tells).
    public var pendingInputCount: Int {
        Int(SSL_pending(ssl)) + buffers.inputCount
    }

    /// Whether the handshake has finished.
    public var isHandshakeComplete: Bool {
        SSL_is_init_finished(ssl) == 1
    }

    /// Runs the handshake as far as the received ciphertext allows (`SSL_do_handshake`).
    public func handshake() -> TLSStepResult {
        TLSError.clearQueue()
        let result = SSL_do_handshake(ssl)
        return result == 1 ? .done(bytes: 0) : stepResult(result, operation: "SSL_do_handshake")
    }

    /// Decrypts up to `maximum` plaintext bytes into `buffer` (`SSL_read`).
    public func readPlaintext(into buffer: inout ByteBuffer, maximum: Int = 16_384) -> TLSStepResult {
        TLSError.clearQueue()
        var result: Int32 = 0
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: maximum) { bytes in
            result = SSL_read(ssl, bytes.baseAddress, Int32(min(bytes.count, Int(Int32.max))))
            return Int(max(0, result))
        }
        return result > 0 ? .done(bytes: Int(result)) : stepResult(result, operation: "SSL_read")
    }

    /// Encrypts all of `plaintext` (`SSL_write`); the ciphertext then waits for ``takeCiphertext()``.
    public func writePlaintext(_ plaintext: ByteBuffer) -> TLSStepResult {
        var written = 0
        while written < plaintext.readableBytes {
            TLSError.clearQueue()
            let result = plaintext.withUnsafeReadableBytes { bytes in
                let remaining = bytes.count - written
                return SSL_write(ssl, bytes.baseAddress! + written, Int32(min(remaining, Int(Int32.max))))
            }
            guard result > 0 else {
                return stepResult(result, operation: "SSL_write")
            }
            written += Int(result)
        }
        return .done(bytes: written)
    }

    /// Sends close_notify (`SSL_shutdown`), without waiting for the peer's.
    public func shutdown() -> TLSStepResult {
        TLSError.clearQueue()
        let result = SSL_shutdown(ssl)
        return result >= 0 ? .done(bytes: 0) : stepResult(result, operation: "SSL_shutdown")
    }

    private func stepResult(_ result: Int32, operation: String) -> TLSStepResult {
        let code = SSL_get_error(ssl, result)
        switch code {
        case SSL_ERROR_WANT_READ:
            return .wantRead
        case SSL_ERROR_ZERO_RETURN:
            return .closeNotifyReceived
        case SSL_ERROR_WANT_WRITE:
            // Memory BIOs always take writes, so this means OpenSSL broke its own contract.
            return .failed(.openSSL(operation: operation, reasons: ["unexpected SSL_ERROR_WANT_WRITE"]))
        case SSL_ERROR_SYSCALL:
            let reasons = TLSError.drainQueue()
            return .failed(.openSSL(operation: operation, reasons: reasons.isEmpty ? ["unexpected EOF"] : reasons))
        case SSL_ERROR_SSL:
            var reasons = TLSError.drainQueue()
            let verify = SSL_get_verify_result(ssl)
            if verify != X509_V_OK {
                reasons.append("certificate verify result: " + String(cString: X509_verify_cert_error_string(verify)))
            }
            return .failed(.openSSL(operation: operation, reasons: reasons))
        default:
            let reasons = TLSError.drainQueue()
            return .failed(.openSSL(operation: operation, reasons: reasons + ["SSL_get_error \(code)"]))
        }
    }

    /// The negotiated TLS version, such as `"TLSv1.3"`, once the handshake is complete.
    public var negotiatedProtocolVersion: String? {
        guard isHandshakeComplete, let version = SSL_get_version(ssl) else {
            return nil
        }
        return String(cString: version)
    }

    /// The ALPN protocol both sides agreed on, such as `"postgresql"`, or `nil` when none was.
    public var negotiatedALPN: String? {
        var data: UnsafePointer<UInt8>?
        var length: UInt32 = 0
        SSL_get0_alpn_selected(ssl, &data, &length)
        guard let data, length > 0 else {
            return nil
        }
        return String(decoding: UnsafeBufferPointer(start: data, count: Int(length)), as: UTF8.self)
    }

    /// Whether the peer presented a certificate.
    public var hasPeerCertificate: Bool {
        SSL_get0_peer_certificate(ssl) != nil
    }

    /// The `tls-server-end-point` channel binding data (RFC 5929) for SCRAM-SHA-256-PLUS: the hash of the
    /// server's certificate, with the certificate's signature hash, or SHA-256 when that is MD5, SHA-1
    /// or unknown. A server hashes its own certificate, a client the server's. `nil` before the
    /// handshake or without a server certificate.
    public var serverEndPointChannelBinding: [UInt8]? {
        let certificate: OpaquePointer?
        switch context.configuration.role {
        case .server:
            certificate = SSL_get_certificate(ssl)
        case .client:
            certificate = SSL_get0_peer_certificate(ssl)
        }
        guard isHandshakeComplete, let certificate else {
            return nil
        }
        var digestNID: Int32 = NID_undef
        var flags: UInt32 = 0
        TLSError.clearQueue()
        if X509_get_signature_info(certificate, &digestNID, nil, nil, &flags) != 1 {
            digestNID = NID_undef
        }
        switch digestNID {
        case NID_undef, NID_md5, NID_sha1, NID_md5_sha1:
            digestNID = NID_sha256
        default:
            break
        }
        guard let digest = pglens_evp_get_digestbynid(digestNID) ?? EVP_sha256() else {
            return nil
        }
        var output = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        guard X509_digest(certificate, digest, &output, &length) == 1 else {
            TLSError.clearQueue()
            return nil
        }
        return Array(output.prefix(Int(length)))
    }
}
