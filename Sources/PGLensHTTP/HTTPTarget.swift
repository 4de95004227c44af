import Foundation

/// `http://host:port/path?query` taken apart.
struct HTTPTarget: Equatable {
    var host: String
    var port: Int
    var pathAndQuery: String

    init?(_ url: String) {
        guard let components = URLComponents(string: url), components.scheme?.lowercased() == "http",
            let host = components.host, !host.isEmpty
        else { return nil }
        self.host = host
        self.port = components.port ?? 80
        let path = components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath
        self.pathAndQuery = path + (components.percentEncodedQuery.map { "?" + $0 } ?? "")
    }
}
