/// One `name`/`value` pair of a StartupMessage, in the order the frontend sent it.
public struct StartupParameter: Sendable, Hashable {
    /// The parameter name, for example `user` or `_pq_.some_option`.
    public var name: String
    /// The parameter value.
    public var value: String

    /// Creates a pair.
    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}
