/// What one OpenSSL step on a ``TLSConnection`` came to, from `SSL_get_error`.
public enum TLSStepResult: Sendable, Equatable {
    /// The step finished; for reads and writes, `bytes` is the plaintext count moved.
    case done(bytes: Int)
    /// OpenSSL needs more ciphertext from the peer before it can go on (`SSL_ERROR_WANT_READ`).
    case wantRead
    /// The peer sent close_notify (`SSL_ERROR_ZERO_RETURN`): no more plaintext will come.
    case closeNotifyReceived
    /// The step failed (`SSL_ERROR_SSL`, `SSL_ERROR_SYSCALL` or anything unexpected); the connection is unusable.
    case failed(TLSError)
}
