import NIOCore

extension TimeAmount {
    /// A duration given in seconds, as the configuration gives them (fractions allowed).
    init(configuredSeconds seconds: Double) {
        self = .nanoseconds(Int64(seconds * 1e9))
    }
}
