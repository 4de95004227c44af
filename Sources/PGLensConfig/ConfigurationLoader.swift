import Foundation
import TOMLKit

/// Loads a `Configuration` from a TOML file and the environment.
///
/// The file's top-level keys are the instance settings (PgBouncer's names: `listen_port`,
/// `pool_mode`, ...). `[databases.NAME]` tables (or PgBouncer-style strings under `[databases]`,
/// `app = "host=127.0.0.1 port=5432 dbname=app"`) declare databases, `[users.NAME]` tables users.
/// Unknown keys are errors.
///
/// **Environment overrides.** Every top-level key can be overridden by an environment variable
/// named `PGLENS_` followed by the key in upper case, e.g. `PGLENS_LISTEN_PORT=7000` or
/// `PGLENS_POOL_MODE=transaction`. The override wins over the file and is parsed by the same
/// type rules (`true`/`false`/`yes`/`no`/`on`/`off`/`1`/`0` for booleans); a bad value is a problem
/// naming the variable. Databases and users cannot be set from the environment. Other `PGLENS_`
/// variables are ignored, and their names and values are never reported or logged.
///
/// Loading reports every problem it finds, not only the first, and never puts a configured value
/// (in particular a password) in a problem.
public enum ConfigurationLoader {
    /// The prefix of the environment variables that override instance settings.
    public static let environmentPrefix = "PGLENS_"

    /// The environment variable that overrides the top-level `key`, e.g. `PGLENS_LISTEN_PORT`
    /// for `listen_port`; nil when `key` is not an instance setting.
    public static func environmentVariable(for key: String) -> String? {
        InstanceSetting(rawValue: key)?.environmentVariable
    }

    /// Reads the file at `path`, applies the `PGLENS_*` overrides from `environment` and validates.
    ///
    /// - Throws: `ConfigurationError` with every problem found, including an unreadable file.
    public static func load(path: String, environment: [String: String]) throws(ConfigurationError) -> Configuration {
        let text: String
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            guard let decoded = String(data: data, encoding: .utf8) else {
                throw ConfigurationError(
                    problems: [ConfigurationProblem(key: "", message: "the file is not valid UTF-8")], source: path)
            }
            text = decoded
        } catch let error as ConfigurationError {
            throw error
        } catch {
            throw ConfigurationError(
                problems: [ConfigurationProblem(key: "", message: "cannot read the file (\(readFailure(error)))")],
                source: path)
        }
        return try parse(toml: text, environment: environment, source: path)
    }

    /// Parses TOML `toml`, applies the `PGLENS_*` overrides from `environment` and validates.
    ///
    /// - Parameter source: where the text came from, used in the error's description.
    /// - Throws: `ConfigurationError` with every problem found; a TOML syntax error is one
    ///   problem with an empty key and the line TOMLKit reports.
    public static func parse(
        toml: String, environment: [String: String], source: String
    ) throws(ConfigurationError) -> Configuration {
        let root: TOMLTable
        do {
            root = try TOMLTable(string: toml)
        } catch let error as TOMLParseError {
            let position = error.source.begin
            let problem = ConfigurationProblem(
                key: "", message: "TOML syntax error at column \(position.column): \(redacted(error.description))",
                line: position.line)
            throw ConfigurationError(problems: [problem], source: source)
        } catch {
            throw ConfigurationError(
                problems: [ConfigurationProblem(key: "", message: "TOML syntax error")], source: source)
        }
        var reader = ConfigurationReader(lines: SourceLineIndex(toml: toml))
        reader.read(root)
        reader.applyEnvironment(environment)
        reader.validate()
        if !reader.problems.isEmpty {
            throw ConfigurationError(problems: reader.problems, source: source)
        }
        return reader.configuration
    }

    /// toml++'s message without the quoted source text it may echo (`saw 'x'`, `'\q'`), which could be
    /// part of a password; key paths in "cannot redefine" messages are kept.
    static func redacted(_ message: String) -> String {
        if message.contains("redefine") {
            return message
        }
        var kept = ""
        var quoted = false
        for character in message {
            if character == "'" {
                quoted.toggle()
            } else if !quoted {
                kept.append(character)
            }
        }
        kept = kept.trimmingWhitespace
        for suffix in [", saw", " saw"] where kept.hasSuffix(suffix) {
            kept.removeLast(suffix.count)
        }
        return kept
    }

    /// A short reason for a failed read, without the path (the source already names it).
    private static func readFailure(_ error: any Error) -> String {
        let nsError = error as NSError
        if nsError.domain == NSCocoaErrorDomain {
            switch nsError.code {
            case NSFileReadNoSuchFileError: return "no such file"
            case NSFileReadNoPermissionError: return "permission denied"
            default: break
            }
        }
        return "error \(nsError.code)"
    }
}
