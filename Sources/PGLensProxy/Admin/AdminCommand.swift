/// One command of the admin console, parsed from the text of one statement.
///
/// The words are PgBouncer's (its documentation, "Admin console"); case does not matter, a trailing `;`
/// is allowed. Database names keep their case; `"quoted"` names lose their quotes.
enum AdminCommand: Equatable, Sendable {
    /// `SHOW target`: a result set.
    case show(AdminShowTarget)
    /// `PAUSE [db]`: stop handing out server connections, once those in use are given back.
    case pause(database: String?)
    /// `RESUME [db]`: undo `PAUSE`.
    case resume(database: String?)
    /// `DISABLE db`: refuse new client logins to the database.
    case disable(database: String)
    /// `ENABLE db`: undo `DISABLE`.
    case enable(database: String)
    /// `RECONNECT [db]`: close server connections when they are given back; new ones are opened.
    case reconnect(database: String?)
    /// `KILL [db]`: drop the clients and server connections of the database (of every database).
    case kill(database: String?)
    /// `KILL_CLIENT id`: drop one client (its `id` in `SHOW CLIENTS`).
    case killClient(id: UInt64)
    /// `WAIT_CLOSE [db]`: return once the server connections marked by `RECONNECT` are closed.
    case waitClose(database: String?)
    /// `RELOAD`: read the configuration file again and apply what can change while running.
    case reload
    /// `SHUTDOWN`: stop pglens.
    case shutdown
    /// `RESET STATS`: forget the analysis's statement statistics and slow log.
    case resetStats

    /// Whether a `stats_users` member may run it (SHOW only); everything else needs `admin_users`.
    var isReadOnly: Bool {
        if case .show = self { return true }
        return false
    }

    /// The tag of the CommandComplete that answers the command.
    var commandTag: String {
        switch self {
        case .show: return "SHOW"
        case .pause: return "PAUSE"
        case .resume: return "RESUME"
        case .disable: return "DISABLE"
        case .enable: return "ENABLE"
        case .reconnect: return "RECONNECT"
        case .kill: return "KILL"
        case .killClient: return "KILL_CLIENT"
        case .waitClose: return "WAIT_CLOSE"
        case .reload: return "RELOAD"
        case .shutdown: return "SHUTDOWN"
        case .resetStats: return "RESET"
        }
    }

    /// Parses one statement (no `;` inside it).
    init(parsing text: String) throws(AdminCommandError) {
        var statement = Substring(text)
        while let last = statement.last, last == ";" || last.isWhitespace { statement.removeLast() }
        let words = statement.split(whereSeparator: \.isWhitespace).map(String.init)
        guard let verb = words.first?.lowercased() else { throw .syntax("empty command") }
        let arguments = Array(words.dropFirst())
        switch verb {
        case "show":
            guard arguments.count == 1 else {
                throw .syntax("SHOW takes one word; SHOW HELP lists them")
            }
            guard let target = AdminShowTarget(rawValue: arguments[0].lowercased()) else {
                throw .syntax("unknown SHOW \(arguments[0].uppercased()); SHOW HELP lists what can be shown")
            }
            self = .show(target)
        case "pause": self = .pause(database: try Self.optionalName(arguments, verb))
        case "resume": self = .resume(database: try Self.optionalName(arguments, verb))
        case "reconnect": self = .reconnect(database: try Self.optionalName(arguments, verb))
        case "kill": self = .kill(database: try Self.optionalName(arguments, verb))
        case "wait_close": self = .waitClose(database: try Self.optionalName(arguments, verb))
        case "disable": self = .disable(database: try Self.requiredName(arguments, verb))
        case "enable": self = .enable(database: try Self.requiredName(arguments, verb))
        case "kill_client":
            guard arguments.count == 1, let id = UInt64(arguments[0]) else {
                throw .syntax("KILL_CLIENT takes the client's id, as in SHOW CLIENTS")
            }
            self = .killClient(id: id)
        case "reload": self = try Self.bare(.reload, arguments, verb)
        case "shutdown": self = try Self.bare(.shutdown, arguments, verb)
        case "reset":
            guard arguments.count == 1, arguments[0].lowercased() == "stats" else {
                throw .syntax("the only RESET is RESET STATS")
            }
            self = .resetStats
        default:
            throw .syntax("unknown command \(words[0].uppercased()); SHOW HELP lists the commands")
        }
    }

    private static func optionalName(_ arguments: [String], _ verb: String) throws(AdminCommandError) -> String? {
        guard arguments.count <= 1 else { throw .syntax("\(verb.uppercased()) takes at most one database name") }
        return arguments.first.map(unquoted)
    }

    private static func requiredName(_ arguments: [String], _ verb: String) throws(AdminCommandError) -> String {
        guard arguments.count == 1 else { throw .syntax("\(verb.uppercased()) takes one database name") }
        return unquoted(arguments[0])
    }

    private static func bare(
        _ command: AdminCommand, _ arguments: [String], _ verb: String
    ) throws(AdminCommandError) -> AdminCommand {
        guard arguments.isEmpty else { throw .syntax("\(verb.uppercased()) takes no argument") }
        return command
    }

    private static func unquoted(_ name: String) -> String {
        guard name.count >= 2, name.first == "\"", name.last == "\"" else { return name }
        return String(name.dropFirst().dropLast()).replacingOccurrences(of: "\"\"", with: "\"")
    }
}
