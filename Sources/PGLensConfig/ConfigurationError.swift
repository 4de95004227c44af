/// Every problem found while loading or checking a configuration.
///
/// The loader does not stop at the first problem: `pglens check-config` prints them all.
/// The description is safe to print or log: it never contains a password.
public struct ConfigurationError: Error, Sendable, Equatable {
    /// Where the configuration came from (a file path, `--upstream`, ...), if known.
    public var source: String?
    /// The problems, in the order they were found; never empty when thrown.
    public var problems: [ConfigurationProblem]

    /// Creates an error holding `problems` found in `source`.
    public init(problems: [ConfigurationProblem], source: String? = nil) {
        self.problems = problems
        self.source = source
    }

    /// The keys of the problems, in order; convenient for tests and tools.
    public var keys: [String] { problems.map(\.key) }
}

extension ConfigurationError: CustomStringConvertible {
    /// One line per problem, in the style of a compiler: `pglens.toml:12: databases.app.hots: unknown key`.
    public var description: String {
        let prefix = source.map { "\($0):" } ?? ""
        return problems.map { problem in
            var line = prefix
            if let number = problem.line {
                line += "\(number):"
            }
            if !line.isEmpty {
                line += " "
            }
            if !problem.key.isEmpty {
                line += "\(problem.key): "
            }
            return line + problem.message
        }
        .joined(separator: "\n")
    }
}
