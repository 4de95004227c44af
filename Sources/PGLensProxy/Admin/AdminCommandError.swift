import PGWire

/// Why a statement sent to the admin console is not a command it runs.
enum AdminCommandError: Error, Equatable {
    /// Not a command of the console, or wrong arguments (42601).
    case syntax(String)

    /// The ErrorResponse fields that answer it.
    var fields: ErrorFields {
        switch self {
        case .syntax(let message):
            return ErrorFields(severity: "ERROR", sqlState: SQLState("42601"), message: "pglens: \(message)")
        }
    }
}
