import TOMLKit

/// Reads a parsed TOML document into a `Configuration`, collecting every problem on the way.
struct ConfigurationReader {
    private(set) var configuration = Configuration()
    private(set) var problems: [ConfigurationProblem] = []
    /// The instance settings set from the environment, by key.
    private(set) var overridden: [String: String] = [:]
    let lines: SourceLineIndex

    init(lines: SourceLineIndex) {
        self.lines = lines
    }

    private mutating func report(_ key: String, _ message: String) {
        problems.append(ConfigurationProblem(key: key, message: message, line: lines.line(for: key)))
    }

    /// Reads the top-level table: instance settings, `databases` and `users`; the problems
    /// found are in the order of the file's lines.
    mutating func read(_ root: TOMLTable) {
        let before = problems.count
        defer {
            let found = problems[before...].enumerated().sorted { lhs, rhs in
                (lhs.element.line ?? .max, lhs.offset) < (rhs.element.line ?? .max, rhs.offset)
            }
            problems.replaceSubrange(before..., with: found.map(\.element))
        }
        for key in root.keys.sorted() {
            guard let value = root[key] else { continue }
            switch key {
            case "databases":
                guard let table = value.table else {
                    report(key, "must be a table of databases")
                    continue
                }
                readDatabases(table)
            case "users":
                guard let table = value.table else {
                    report(key, "must be a table of users")
                    continue
                }
                readUsers(table)
            default:
                guard let setting = InstanceSetting(rawValue: key) else {
                    report(key, "unknown key")
                    continue
                }
                do {
                    try setting.apply(SettingValue(toml: value), to: &configuration)
                } catch {
                    report(key, error.message)
                }
            }
        }
    }

    private mutating func readDatabases(_ table: TOMLTable) {
        for name in table.keys.sorted() {
            guard let value = table[name] else { continue }
            let path = "databases.\(name)"
            var database = DatabaseConfiguration(name: name)
            if let fields = value.table {
                for key in fields.keys.sorted() {
                    guard let field = fields[key] else { continue }
                    applyDatabaseSetting(key, SettingValue(toml: field), to: &database, path: path)
                }
            } else if let string = value.string {
                do {
                    for word in try ConnectionStringWords(parsing: string).words {
                        applyDatabaseSetting(word.key, .text(word.value), to: &database, path: path)
                    }
                } catch {
                    report(path, error.message)
                }
            } else {
                report(path, "must be a table or a connection string, not \(SettingValue(toml: value).kindName)")
                continue
            }
            configuration.databases[name] = database
        }
    }

    private mutating func applyDatabaseSetting(
        _ key: String, _ value: SettingValue, to database: inout DatabaseConfiguration, path: String
    ) {
        let fullKey = "\(path).\(key)"
        guard let setting = DatabaseSetting(rawValue: key) else {
            report(fullKey, "unknown key")
            return
        }
        do {
            try setting.apply(value, to: &database)
        } catch {
            report(fullKey, error.message)
        }
    }

    private mutating func readUsers(_ table: TOMLTable) {
        for name in table.keys.sorted() {
            guard let value = table[name] else { continue }
            let path = "users.\(name)"
            guard let fields = value.table else {
                report(path, "must be a table, not \(SettingValue(toml: value).kindName)")
                continue
            }
            var user = UserConfiguration(name: name, secret: nil)
            for key in fields.keys.sorted() {
                guard let field = fields[key] else { continue }
                guard let setting = UserSetting(rawValue: key) else {
                    report("\(path).\(key)", "unknown key")
                    continue
                }
                do {
                    try setting.apply(SettingValue(toml: field), to: &user)
                } catch {
                    report("\(path).\(key)", error.message)
                }
            }
            configuration.users[name] = user
        }
    }

    /// Applies the `PGLENS_<KEY>` overrides; other `PGLENS_` variables are ignored.
    mutating func applyEnvironment(_ environment: [String: String]) {
        for setting in InstanceSetting.allCases {
            guard let text = environment[setting.environmentVariable] else { continue }
            do {
                try setting.apply(.text(text), to: &configuration)
                overridden[setting.rawValue] = setting.environmentVariable
            } catch {
                problems.append(ConfigurationProblem(key: setting.environmentVariable, message: error.message))
            }
        }
    }

    /// Runs `Configuration.validate()` and adds its problems, with lines from the file, or the
    /// environment variable when the value came from there.
    mutating func validate() {
        for var problem in configuration.validate() {
            if let variable = overridden[problem.key] {
                problem.message += " (set by \(variable))"
            } else {
                problem.line = lines.line(for: problem.key)
            }
            problems.append(problem)
        }
    }
}
