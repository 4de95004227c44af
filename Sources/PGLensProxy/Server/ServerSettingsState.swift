/// What pglens knows of the session settings on a server connection.
enum ServerSettingsState: Sendable, Equatable {
    /// As the connection logged in (it logs in with `user` and `database` only): the server's, role's
    /// and database's defaults; after a successful `DISCARD ALL` or `RESET ALL` too.
    case defaults
    /// The defaults, then exactly this client profile applied by pglens.
    case applied(ClientSettingsProfile)
    /// Changed in ways pglens did not follow (a session released without its reset query, a setting
    /// changed behind a statement pglens could not read): `RESET ALL` comes first.
    case unknown
}
