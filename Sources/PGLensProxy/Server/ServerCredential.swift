import PGLensAuth

/// How pglens proves itself to PostgreSQL when it opens a server connection.
enum ServerCredential: Sendable, Equatable {
    /// No secret known; only `trust` on the server will do.
    case none
    case password(String)
    /// `md5(password || user)` with the `md5` prefix: enough for md5 authentication.
    case md5Hash(String)
    /// A SCRAM key recovered from a client's successful SCRAM exchange with pglens, plus the verifier
    /// it was checked against: enough for SCRAM when the server's salt and iterations are the same.
    case scramKeys(clientKey: [UInt8], credential: SCRAMCredential)
}
