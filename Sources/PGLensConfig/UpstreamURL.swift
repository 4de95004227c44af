/// Builds a one-database `Configuration` from `pglens serve --upstream URL [--listen ADDR]`.
///
/// The URL is `postgres://user:password@host:port/dbname` (or `postgresql://`). User, password
/// and database name are percent-decoded; the host defaults to `127.0.0.1`, the port to 5432 and
/// the database name to the user name; an IPv6 host is written in brackets (`[::1]`). Errors name
/// what is wrong and never contain the password (nor the URL, which holds it).
public enum UpstreamURL {
    /// The listen address used when `--listen` is not given.
    public static let defaultListen = "127.0.0.1:6432"

    /// The configuration for proxying to the server at `upstream`, listening on `listen`
    /// (`host:port` or `[v6]:port`; default `127.0.0.1:6432`).
    ///
    /// The result has one database, named for clients as the URL's database name, and one user
    /// whose secret is `.plain(password)`; the database carries the same password so that the
    /// proxy can log in to the server. Pool mode is session; everything else has its default.
    ///
    /// - Throws: `ConfigurationError` whose problems have the key `upstream` or `listen`.
    public static func configuration(upstream: String, listen: String?) throws(ConfigurationError) -> Configuration {
        var problems: [ConfigurationProblem] = []
        var configuration = Configuration()
        configuration.poolMode = .session

        do {
            let endpoint = try HostPort(
                parsing: listen ?? defaultListen, defaultHost: nil, defaultPort: nil, lowestPort: 0)
            configuration.listenAddr = endpoint.host
            configuration.listenPort = endpoint.port
        } catch {
            problems.append(ConfigurationProblem(key: "listen", message: error.message))
        }

        do {
            let server = try ServerURL(parsing: upstream)
            configuration.databases[server.database] = DatabaseConfiguration(
                name: server.database, host: server.host, port: server.port, dbname: server.database,
                poolMode: .session, password: server.password)
            configuration.users[server.user] = UserConfiguration(name: server.user, secret: .plain(server.password))
        } catch {
            problems.append(ConfigurationProblem(key: "upstream", message: error.message))
        }

        if problems.isEmpty {
            problems = configuration.validate()
        }
        guard problems.isEmpty else {
            throw ConfigurationError(problems: problems, source: "command line")
        }
        return configuration
    }
}

extension UpstreamURL {
    /// What is wrong with `--upstream` or `--listen`; the message never contains the password.
    struct Invalid: Error {
        var message: String
    }

    /// The parts of a `postgres://` URL.
    struct ServerURL {
        var user: String
        var password: String
        var host: String
        var port: Int
        var database: String

        init(parsing url: String) throws(Invalid) {
            var rest = Substring(url.trimmingWhitespace)
            var matched = false
            for scheme in ["postgresql://", "postgres://"] where rest.lowercased().hasPrefix(scheme) {
                rest = rest.dropFirst(scheme.count)
                matched = true
                break
            }
            guard matched else {
                throw Invalid(message: "must start with postgres:// or postgresql://")
            }
            if rest.contains("?") || rest.contains("#") {
                throw Invalid(message: "query parameters (?...) are not supported")
            }
            let authority: Substring
            let path: Substring
            if let slash = rest.firstIndex(of: "/") {
                authority = rest[..<slash]
                path = rest[rest.index(after: slash)...]
            } else {
                authority = rest
                path = ""
            }
            guard let at = authority.lastIndex(of: "@") else {
                throw Invalid(
                    message: "a user and password are required (postgres://user:password@host:port/dbname; "
                        + "percent-encode '/', '?', '#' and '@' in them)")
            }
            let userInfo = authority[..<at]
            let hostPart = authority[authority.index(after: at)...]

            let rawUser: Substring
            let rawPassword: Substring?
            if let colon = userInfo.firstIndex(of: ":") {
                rawUser = userInfo[..<colon]
                rawPassword = userInfo[userInfo.index(after: colon)...]
            } else {
                rawUser = userInfo
                rawPassword = nil
            }
            user = try Self.percentDecoded(rawUser, what: "the user name")
            guard !user.isEmpty else {
                throw Invalid(message: "a user name is required (postgres://user:password@host:port/dbname)")
            }
            guard let rawPassword, !rawPassword.isEmpty else {
                throw Invalid(message: "a password is required (postgres://user:password@host:port/dbname)")
            }
            password = try Self.percentDecoded(rawPassword, what: "the password")

            let endpoint = try HostPort(parsing: String(hostPart), defaultHost: "127.0.0.1", defaultPort: 5432)
            host = endpoint.host
            port = endpoint.port

            let decodedDatabase = try Self.percentDecoded(path, what: "the database name")
            database = decodedDatabase.isEmpty ? user : decodedDatabase
        }

        /// Decodes `%XX` escapes as UTF-8; the error names only `what` was malformed.
        static func percentDecoded(_ text: Substring, what: String) throws(Invalid) -> String {
            var bytes: [UInt8] = []
            var utf8 = text.utf8[...]
            while let byte = utf8.popFirst() {
                if byte == UInt8(ascii: "%") {
                    guard utf8.count >= 2,
                        let high = Self.hexValue(utf8[utf8.startIndex]),
                        let low = Self.hexValue(utf8[utf8.index(after: utf8.startIndex)])
                    else {
                        throw Invalid(message: "\(what) has a malformed percent-escape")
                    }
                    bytes.append(high << 4 | low)
                    utf8 = utf8.dropFirst(2)
                } else {
                    bytes.append(byte)
                }
            }
            var decoder = UTF8()
            var iterator = bytes.makeIterator()
            var decoded = ""
            while true {
                switch decoder.decode(&iterator) {
                case .scalarValue(let scalar): decoded.unicodeScalars.append(scalar)
                case .emptyInput: return decoded
                case .error: throw Invalid(message: "\(what) is not valid UTF-8 once percent-decoded")
                }
            }
        }

        private static func hexValue(_ byte: UInt8) -> UInt8? {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
            default: return nil
            }
        }
    }

    /// `host:port`, `[v6]:port`, or (where defaults are given) `host`, `[v6]` or nothing.
    struct HostPort {
        var host: String
        var port: Int

        init(parsing text: String, defaultHost: String?, defaultPort: Int?, lowestPort: Int = 1) throws(Invalid) {
            let text = Substring(text)
            let hostText: Substring
            let portText: Substring?
            if text.hasPrefix("[") {
                guard let close = text.firstIndex(of: "]") else {
                    throw Invalid(message: "an IPv6 address must be closed with ']'")
                }
                hostText = text[text.index(after: text.startIndex)..<close]
                let after = text[text.index(after: close)...]
                if after.isEmpty {
                    portText = nil
                } else if after.first == ":" {
                    portText = after.dropFirst()
                } else {
                    throw Invalid(message: "expected ':port' after the IPv6 address")
                }
            } else if let colon = text.lastIndex(of: ":") {
                hostText = text[..<colon]
                portText = text[text.index(after: colon)...]
                if hostText.contains(":") {
                    throw Invalid(message: "write an IPv6 address in brackets, as [::1]:6432")
                }
            } else {
                hostText = text
                portText = nil
            }

            if hostText.isEmpty {
                guard let defaultHost else { throw Invalid(message: "a host is required (host:port)") }
                host = defaultHost
            } else {
                host = String(hostText)
            }
            if let portText {
                guard let value = Int(portText), (lowestPort...65535).contains(value) else {
                    throw Invalid(message: "the port must be a number between \(lowestPort) and 65535")
                }
                port = value
            } else {
                guard let defaultPort else { throw Invalid(message: "a port is required (host:port)") }
                port = defaultPort
            }
        }
    }
}
