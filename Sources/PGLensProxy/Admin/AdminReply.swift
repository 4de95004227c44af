import PGWire

/// What one admin console command answers, before ReadyForQuery.
enum AdminReply: Equatable, Sendable {
    /// A result set (SHOW).
    case rows(AdminResultSet)
    /// A command that returns no rows: its CommandComplete tag, and notices to send before it.
    case done(tag: String, notices: [String] = [])
    /// The command failed; the rest of the Query is not run.
    case error(ErrorFields)
    /// The command succeeded and the session ends (SHUTDOWN).
    case doneAndClose(tag: String)

    /// The messages that carry the reply to the client.
    var messages: [BackendMessage] {
        switch self {
        case .rows(let resultSet):
            return resultSet.messages()
        case .done(let tag, let notices):
            return notices.map {
                .noticeResponse(ErrorFields(severity: "NOTICE", sqlState: .successfulCompletion, message: $0))
            }
                + [.commandComplete(CommandComplete(tag: tag))]
        case .error(let fields):
            return [.errorResponse(fields)]
        case .doneAndClose(let tag):
            return [.commandComplete(CommandComplete(tag: tag))]
        }
    }
}
