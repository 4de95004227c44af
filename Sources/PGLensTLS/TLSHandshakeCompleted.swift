/// The user inbound event a ``TLSHandler`` fires once its handshake has finished.
public struct TLSHandshakeCompleted: Sendable, Equatable {
    /// The ALPN protocol both sides agreed on, such as `"postgresql"`, or `nil` when none was.
    public let negotiatedALPN: String?

    /// Creates the event.
    public init(negotiatedALPN: String?) {
        self.negotiatedALPN = negotiatedALPN
    }
}
