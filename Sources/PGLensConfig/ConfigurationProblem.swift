/// One thing wrong with a configuration: which key, what is wrong, and where.
///
/// A problem names keys by their full dotted path (`listen_port`, `databases.app.port`,
/// `users.app.password`) or, for an environment override, by the variable (`PGLENS_LISTEN_PORT`).
/// A TOML syntax error has an empty key. The message never contains a value from the
/// configuration, so a problem can be printed or logged without leaking a password.
public struct ConfigurationProblem: Sendable, Equatable, Hashable {
    /// The full dotted key path, the environment variable, or `""` for a syntax error.
    public var key: String
    /// What is wrong, in words; never contains a configured value.
    public var message: String
    /// The 1-based line in the configuration file, when known.
    public var line: Int?

    /// Creates a problem for `key`, optionally at a line of the file.
    public init(key: String, message: String, line: Int? = nil) {
        self.key = key
        self.message = message
        self.line = line
    }
}

extension ConfigurationProblem: CustomStringConvertible {
    /// `line 12: databases.app.hots: unknown key`, leaving out what is not known.
    public var description: String {
        var parts: [String] = []
        if let line {
            parts.append("line \(line)")
        }
        if !key.isEmpty {
            parts.append(key)
        }
        parts.append(message)
        return parts.joined(separator: ": ")
    }
}
