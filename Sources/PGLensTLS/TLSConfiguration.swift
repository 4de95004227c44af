/// What a ``TLSContext`` is built from: the role, PEM files, protocol floor, ciphers, peer verification
/// and ALPN protocols. A plain value; nothing is loaded until ``TLSContext/init(configuration:)``.
public struct TLSConfiguration: Sendable, Equatable {
    /// Which side of the handshake the context is for.
    public enum Role: Sendable, Equatable {
        /// Accepts connections (`SSL_accept`); needs a certificate chain and key.
        case server
        /// Opens connections (`SSL_connect`).
        case client
    }

    /// Whether and how the peer's certificate is checked.
    public enum PeerVerification: Sendable, Equatable {
        /// No check. A server does not ask for a client certificate.
        case none
        /// The peer's certificate, if it sends one, must chain to the trusted CAs.
        /// A client always receives one; a server asks for one but accepts a client without.
        case verifyPeer
        /// As ``verifyPeer``, and a server refuses a client that sends no certificate.
        case requirePeerCertificate
    }

    /// A TLS version, as a floor or ceiling of what the context accepts.
    public enum ProtocolVersion: Sendable, Equatable {
        /// TLS 1.2.
        case tls12
        /// TLS 1.3.
        case tls13
    }

    /// The side of the handshake.
    public var role: Role
    /// PEM file with the certificate, followed by any intermediates.
    public var certificateChainPath: String?
    /// PEM file with the private key of the certificate.
    public var privateKeyPath: String?
    /// PEM file with the CA certificates trusted to sign the peer's certificate.
    /// When `nil` and the peer is verified, the system's default trust store is used.
    public var trustedCAPath: String?
    /// The lowest TLS version accepted; TLS 1.2 by default.
    public var minimumProtocolVersion: ProtocolVersion
    /// The highest TLS version accepted; `nil` (the default) for the highest OpenSSL supports.
    public var maximumProtocolVersion: ProtocolVersion?
    /// An OpenSSL cipher list for TLS 1.2 (`SSL_CTX_set_cipher_list`); `nil` keeps OpenSSL's default.
    public var cipherList: String?
    /// How the peer's certificate is checked.
    public var peerVerification: PeerVerification
    /// ALPN protocols: a server accepts the first of these the client offers; a client offers them.
    public var applicationProtocols: [String]

    /// Creates a configuration; see the properties for the meaning of each value.
    public init(
        role: Role,
        certificateChainPath: String? = nil,
        privateKeyPath: String? = nil,
        trustedCAPath: String? = nil,
        minimumProtocolVersion: ProtocolVersion = .tls12,
        maximumProtocolVersion: ProtocolVersion? = nil,
        cipherList: String? = nil,
        peerVerification: PeerVerification,
        applicationProtocols: [String] = ["postgresql"]
    ) {
        self.role = role
        self.certificateChainPath = certificateChainPath
        self.privateKeyPath = privateKeyPath
        self.trustedCAPath = trustedCAPath
        self.minimumProtocolVersion = minimumProtocolVersion
        self.maximumProtocolVersion = maximumProtocolVersion
        self.cipherList = cipherList
        self.peerVerification = peerVerification
        self.applicationProtocols = applicationProtocols
    }

    /// A server presenting `certificateChainPath`/`privateKeyPath`, not asking for client certificates.
    public static func server(certificateChainPath: String, privateKeyPath: String) -> TLSConfiguration {
        TLSConfiguration(
            role: .server, certificateChainPath: certificateChainPath, privateKeyPath: privateKeyPath,
            peerVerification: .none)
    }

    /// A client verifying the server against `trustedCAPath` (or the system store when `nil`).
    public static func client(trustedCAPath: String?) -> TLSConfiguration {
        TLSConfiguration(role: .client, trustedCAPath: trustedCAPath, peerVerification: .verifyPeer)
    }
}
