import PGWire

/// Decides what a server connection needs before a client gets it, so that the session has exactly the
/// client's settings and nothing another client left: I/O-free, one place for every hand-over.
enum SessionSettings {
    /// The SQL that brings a connection in `state` to `profile`, or nil when it is there already.
    ///
    /// Values go through `set_config(name, value, false)`, which reads them as PostgreSQL reads a
    /// startup parameter or `options` (`search_path = 'a,b'` is two schemas; `SET x TO 'a,b'` would be
    /// one); settings of a previous client that this one did not ask for are `RESET` to the defaults.
    static func statements(from state: ServerSettingsState, to profile: ClientSettingsProfile) -> String? {
        var statements: [String] = []
        var toSet: [ClientSettingsProfile.Entry] = []
        switch state {
        case .defaults:
            toSet = profile.entries.map(\.entry)
        case .applied(let applied):
            if applied == profile { return nil }
            for (key, entry) in applied.entries where profile[key] == nil {
                statements.append("RESET \(quotedIdentifier(entry.name))")
            }
            toSet = profile.entries.filter { applied[$0.key] != $0.entry }.map(\.entry)
        case .unknown:
            statements.append("RESET ALL")
            toSet = profile.entries.map(\.entry)
        }
        if !toSet.isEmpty {
            let calls = toSet.map { "pg_catalog.set_config(\(literal($0.name)), \(literal($0.value)), false)" }
            statements.append("SELECT " + calls.joined(separator: ", "))
        }
        return statements.isEmpty ? nil : statements.joined(separator: "; ")
    }

    /// The state a connection is in once `statements(from:to:)` ran without an error.
    static func state(after profile: ClientSettingsProfile) -> ServerSettingsState {
        profile.isEmpty ? .defaults : .applied(profile)
    }

    /// `"name"`, with `"` doubled.
    static func quotedIdentifier(_ name: String) -> String {
        "\"" + name.replacing("\"", with: "\"\"") + "\""
    }

    /// A string constant that means `value` whatever `standard_conforming_strings` is: `'...'`, or
    /// `E'...'` when the value holds a backslash.
    static func literal(_ value: String) -> String {
        let quoted = value.replacing("'", with: "''")
        if quoted.contains("\\") { return "E'" + quoted.replacing("\\", with: "\\\\") + "'" }
        return "'" + quoted + "'"
    }
}
