/// A five-character PostgreSQL error code (SQLSTATE), as sent in the `C` field of an ErrorResponse.
///
/// See PostgreSQL documentation, appendix A "PostgreSQL Error Codes".
public struct SQLState: Sendable, Hashable, CustomStringConvertible {
    /// The five-character code, for example `"08P01"`.
    public let code: String

    /// Wraps a code. The code is not validated: a server may send codes this module does not know.
    public init(_ code: String) {
        self.code = code
    }

    public var description: String { code }

    /// `00000` successful_completion.
    public static let successfulCompletion = SQLState("00000")
    /// `01000` warning.
    public static let warning = SQLState("01000")
    /// `08000` connection_exception.
    public static let connectionException = SQLState("08000")
    /// `08001` sqlclient_unable_to_establish_sqlconnection.
    public static let sqlclientUnableToEstablishSQLConnection = SQLState("08001")
    /// `08006` connection_failure.
    public static let connectionFailure = SQLState("08006")
    /// `08P01` protocol_violation.
    public static let protocolViolation = SQLState("08P01")
    /// `0A000` feature_not_supported.
    public static let featureNotSupported = SQLState("0A000")
    /// `28000` invalid_authorization_specification.
    public static let invalidAuthorizationSpecification = SQLState("28000")
    /// `28P01` invalid_password.
    public static let invalidPassword = SQLState("28P01")
    /// `3D000` invalid_catalog_name.
    public static let invalidCatalogName = SQLState("3D000")
    /// `53300` too_many_connections.
    public static let tooManyConnections = SQLState("53300")
    /// `54000` program_limit_exceeded.
    public static let programLimitExceeded = SQLState("54000")
    /// `57014` query_canceled.
    public static let queryCanceled = SQLState("57014")
    /// `57P01` admin_shutdown.
    public static let adminShutdown = SQLState("57P01")
    /// `57P05` idle_session_timeout.
    public static let idleSessionTimeout = SQLState("57P05")
    /// `25P03` idle_in_transaction_session_timeout.
    public static let idleInTransactionSessionTimeout = SQLState("25P03")
    /// `57P03` cannot_connect_now.
    public static let cannotConnectNow = SQLState("57P03")
    /// `XX000` internal_error.
    public static let internalError = SQLState("XX000")
}
