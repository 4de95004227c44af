/// The identity statistics are kept under: one normalized statement run by one application as one user
/// in one database.
public struct StatementKey: Hashable, Sendable {
    /// The normalized statement's fingerprint.
    public var fingerprint: StatementFingerprint
    /// The database.
    public var database: String
    /// The user.
    public var user: String
    /// The `application_name`.
    public var applicationName: String

    /// Creates a key.
    public init(fingerprint: StatementFingerprint, database: String, user: String, applicationName: String) {
        self.fingerprint = fingerprint
        self.database = database
        self.user = user
        self.applicationName = applicationName
    }

    /// The key of an event's statement.
    public init(_ event: StatementEvent) {
        self.init(
            fingerprint: event.statement.fingerprint, database: event.database, user: event.user,
            applicationName: event.applicationName)
    }
}
