import COpenSSL

/// Owns one OpenSSL `SSL_CTX`: the certificate, key, trust store, protocol floor, ciphers, peer
/// verification and ALPN shared by many ``TLSConnection``s. Immutable once created, so it may be
/// shared across event loops.
public final class TLSContext: @unchecked Sendable {
    /// The configuration the context was built from.
    public let configuration: TLSConfiguration
    /// The `SSL_CTX`, freed in `deinit`.
    let pointer: OpaquePointer
    /// The server's ALPN protocols in wire format, ended by a zero length byte; read by the select callback.
    private let serverALPN: UnsafeMutableBufferPointer<UInt8>?

    /// Creates the `SSL_CTX` and applies `configuration`, loading the PEM files.
    /// - Throws: ``TLSError/fileNotReadable(path:reason:)`` for a missing or unreadable file,
    ///   ``TLSError/invalidCertificateChain(path:reasons:)``, ``TLSError/invalidPrivateKey(path:reasons:)``,
    ///   ``TLSError/privateKeyMismatch(certificatePath:privateKeyPath:reasons:)``, or
    ///   ``TLSError/invalidConfiguration(_:)``.
    public init(configuration: TLSConfiguration) throws(TLSError) {
        self.configuration = configuration
        for name in configuration.applicationProtocols where name.utf8.isEmpty || name.utf8.count > 255 {
            throw .invalidConfiguration("ALPN protocol names must have 1 to 255 bytes, not \(name.utf8.count)")
        }
        TLSError.clearQueue()
        let method: OpaquePointer?
        switch configuration.role {
        case .server:
            method = TLS_server_method()
        case .client:
            method = TLS_client_method()
        }
        guard let context = SSL_CTX_new(method) else {
            throw TLSError.drained("SSL_CTX_new")
        }
        pointer = context
        let wire = Self.wireFormat(configuration.applicationProtocols)
        switch configuration.role {
        case .server where !wire.isEmpty:
            let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: wire.count + 1)
            _ = buffer.initialize(from: wire + [0])
            serverALPN = buffer
        case .server, .client:
            serverALPN = nil
        }
        try configure()
    }

    /// Whether connections free their record buffers while idle (`SSL_MODE_RELEASE_BUFFERS`, always set):
    /// an idle TLS connection then holds about 14 KiB less, at the cost of taking a buffer again for the
    /// next record.
    public var releasesIdleBuffers: Bool {
        pglens_ssl_ctx_releases_idle_buffers(pointer) != 0
    }

    deinit {
        SSL_CTX_free(pointer)
        serverALPN?.deallocate()
    }

    private func configure() throws(TLSError) {
        pglens_ssl_ctx_set_default_options(pointer)
        pglens_ssl_ctx_disable_session_cache(pointer)
        pglens_ssl_ctx_release_idle_buffers(pointer)
        try TLSError.check("SSL_CTX_set_num_tickets") { SSL_CTX_set_num_tickets(pointer, 0) }
        let minimum = Self.versionConstant(configuration.minimumProtocolVersion)
        try TLSError.check("SSL_CTX_set_min_proto_version") {
            pglens_ssl_ctx_set_min_proto_version(pointer, minimum)
        }
        let maximum = configuration.maximumProtocolVersion.map(Self.versionConstant) ?? 0
        try TLSError.check("SSL_CTX_set_max_proto_version") {
            pglens_ssl_ctx_set_max_proto_version(pointer, maximum)
        }
        if let cipherList = configuration.cipherList {
            try TLSError.check("SSL_CTX_set_cipher_list") { SSL_CTX_set_cipher_list(pointer, cipherList) }
        }
        try loadIdentity()
        try configureVerification()
        try configureALPN()
    }

    private func loadIdentity() throws(TLSError) {
        switch (configuration.certificateChainPath, configuration.privateKeyPath) {
        case (nil, nil):
            switch configuration.role {
            case .server:
                throw .invalidConfiguration("a server needs a certificate chain and a private key")
            case .client:
                return
            }
        case (.some, nil), (nil, .some):
            throw .invalidConfiguration("a certificate chain and a private key go together")
        case (.some(let certificatePath), .some(let keyPath)):
            try TLSError.checkReadable(certificatePath)
            try TLSError.checkReadable(keyPath)
            TLSError.clearQueue()
            guard SSL_CTX_use_certificate_chain_file(pointer, certificatePath) == 1 else {
                throw .invalidCertificateChain(path: certificatePath, reasons: TLSError.drainQueue())
            }
            TLSError.clearQueue()
            guard SSL_CTX_use_PrivateKey_file(pointer, keyPath, pglens_ssl_filetype_pem()) == 1 else {
                let reasons = TLSError.drainQueue()
                if reasons.contains(where: { $0.contains("mismatch") }) {
                    throw .privateKeyMismatch(
                        certificatePath: certificatePath, privateKeyPath: keyPath, reasons: reasons)
                }
                throw .invalidPrivateKey(path: keyPath, reasons: reasons)
            }
            TLSError.clearQueue()
            guard SSL_CTX_check_private_key(pointer) == 1 else {
                throw .privateKeyMismatch(
                    certificatePath: certificatePath, privateKeyPath: keyPath, reasons: TLSError.drainQueue())
            }
        }
    }

    private func configureVerification() throws(TLSError) {
        if let caPath = configuration.trustedCAPath {
            try TLSError.checkReadable(caPath)
            try TLSError.check("SSL_CTX_load_verify_locations(\(caPath))") {
                SSL_CTX_load_verify_locations(pointer, caPath, nil)
            }
        }
        let mode: Int32
        switch (configuration.role, configuration.peerVerification) {
        case (_, .none):
            mode = SSL_VERIFY_NONE
        case (.client, .verifyPeer), (.client, .requirePeerCertificate), (.server, .verifyPeer):
            mode = SSL_VERIFY_PEER
        case (.server, .requirePeerCertificate):
            mode = SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT
        }
        SSL_CTX_set_verify(pointer, mode, nil)
        switch (configuration.role, configuration.peerVerification, configuration.trustedCAPath) {
        case (_, .none, _):
            return
        case (.server, .verifyPeer, nil), (.server, .requirePeerCertificate, nil):
            throw .invalidConfiguration("verifying client certificates needs a trusted CA file")
        case (.server, .verifyPeer, .some(let caPath)), (.server, .requirePeerCertificate, .some(let caPath)):
            TLSError.clearQueue()
            guard let names = SSL_load_client_CA_file(caPath) else {
                throw TLSError.drained("SSL_load_client_CA_file(\(caPath))")
            }
            SSL_CTX_set_client_CA_list(pointer, names)
        case (.client, .verifyPeer, nil), (.client, .requirePeerCertificate, nil):
            try TLSError.check("SSL_CTX_set_default_verify_paths") { SSL_CTX_set_default_verify_paths(pointer) }
        case (.client, .verifyPeer, .some), (.client, .requirePeerCertificate, .some):
            return
        }
    }

    private func configureALPN() throws(TLSError) {
        switch configuration.role {
        case .server:
            guard let serverALPN else {
                return
            }
            SSL_CTX_set_alpn_select_cb(pointer, Self.selectALPN, UnsafeMutableRawPointer(serverALPN.baseAddress))
        case .client:
            let wire = Self.wireFormat(configuration.applicationProtocols)
            guard !wire.isEmpty else {
                return
            }
            TLSError.clearQueue()
            // Unlike most OpenSSL calls, SSL_CTX_set_alpn_protos returns 0 on success.
            guard SSL_CTX_set_alpn_protos(pointer, wire, UInt32(wire.count)) == 0 else {
                throw TLSError.drained("SSL_CTX_set_alpn_protos")
            }
        }
    }

    private static func versionConstant(_ version: TLSConfiguration.ProtocolVersion) -> Int32 {
        switch version {
        case .tls12:
            return pglens_tls1_2_version()
        case .tls13:
            return pglens_tls1_3_version()
        }
    }

    /// ALPN protocol names in wire format: each name preceded by its length byte.
    private static func wireFormat(_ names: [String]) -> [UInt8] {
        names.flatMap { [UInt8($0.utf8.count)] + Array($0.utf8) }
    }

    /// The server's ALPN choice: the first of its own protocols the client offers. When the client offers
    /// none of them, no protocol is acknowledged and the handshake goes on without ALPN.
    private static let selectALPN:
        @convention(c) (
            OpaquePointer?, UnsafeMutablePointer<UnsafePointer<UInt8>?>?, UnsafeMutablePointer<UInt8>?,
            UnsafePointer<UInt8>?, UInt32, UnsafeMutableRawPointer?
        ) -> Int32 = { _, out, outLength, offered, offeredLength, argument in
            guard let out, let outLength, let offered, let argument else {
                return SSL_TLSEXT_ERR_NOACK
            }
            let own = argument.assumingMemoryBound(to: UInt8.self)
            let client = UnsafeBufferPointer(start: offered, count: Int(offeredLength))
            var ownIndex = 0
            while own[ownIndex] != 0 {
                let ownLength = Int(own[ownIndex])
                let ownName = UnsafeBufferPointer(start: own + ownIndex + 1, count: ownLength)
                var clientIndex = 0
                while clientIndex < client.count {
                    let length = Int(client[clientIndex])
                    guard clientIndex + 1 + length <= client.count else {
                        return SSL_TLSEXT_ERR_NOACK
                    }
                    let name = UnsafeBufferPointer(rebasing: client[(clientIndex + 1)..<(clientIndex + 1 + length)])
                    if name.elementsEqual(ownName) {
                        out.pointee = offered + clientIndex + 1
                        outLength.pointee = UInt8(length)
                        return SSL_TLSEXT_ERR_OK
                    }
                    clientIndex += 1 + length
                }
                ownIndex += 1 + ownLength
            }
            return SSL_TLSEXT_ERR_NOACK
        }
}
