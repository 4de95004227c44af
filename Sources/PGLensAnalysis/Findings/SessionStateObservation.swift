import Foundation

/// What the proxy did about a statement that leaves session state under transaction pooling.
public enum SessionStateAction: String, Sendable, Hashable, Codable {
    /// The client was pinned to its server connection until it disconnects.
    case pin
    /// The statement ran; a warning was sent to the client.
    case warn
    /// The statement was refused with an error.
    case error
}

/// One statement the proxy saw leave session state on a server connection in transaction-pooling mode.
public struct SessionStateObservation: Sendable, Equatable {
    /// The statement's text as the client sent it.
    public var statementText: String
    /// The database.
    public var database: String
    /// The client's `application_name`.
    public var applicationName: String
    /// What the proxy did.
    public var action: SessionStateAction
    /// When it happened.
    public var observedAt: Date

    /// Creates an observation.
    public init(
        statementText: String, database: String, applicationName: String, action: SessionStateAction,
        observedAt: Date
    ) {
        self.statementText = statementText
        self.database = database
        self.applicationName = applicationName
        self.action = action
        self.observedAt = observedAt
    }
}
