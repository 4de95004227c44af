/// A `host:port` to listen on, as written in `admin_http_listen`: `127.0.0.1:9930`, `[::1]:9930`,
/// `localhost:9930`, or `:9930` (every interface).
public struct ListenAddress: Sendable, Equatable {
    /// The host name or address; empty means every interface.
    public var host: String
    /// The TCP port; 0 picks any free port.
    public var port: Int

    /// Creates an address.
    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `host:port`; nil when the text is not of that form or the port is out of range.
    public init?(parsing text: String) {
        let trimmed = text.trimmingWhitespace
        guard let colon = trimmed.lastIndex(of: ":") else { return nil }
        var host = String(trimmed[..<colon])
        guard let port = Int(trimmed[trimmed.index(after: colon)...]), (0...65535).contains(port) else { return nil }
        if host.hasPrefix("[") {
            guard host.hasSuffix("]"), host.count > 2 else { return nil }
            host = String(host.dropFirst().dropLast())
        } else if host.contains(":") {
            return nil
        }
        guard !host.contains(where: \.isWhitespace) else { return nil }
        self.init(host: host, port: port)
    }

    /// Whether the address is reachable only from this machine.
    public var isLoopback: Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }
}
