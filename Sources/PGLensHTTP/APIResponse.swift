import Foundation

/// What the HTTP API answers to one request, decided without any I/O.
public struct APIResponse: Sendable, Equatable {
    /// The HTTP status code.
    public var status: Int
    /// The `Content-Type` header.
    public var contentType: String
    /// The body.
    public var body: Data

    /// A JSON answer.
    static func json(_ body: Data, status: Int = 200) -> APIResponse {
        APIResponse(status: status, contentType: "application/json; charset=utf-8", body: body)
    }

    /// A JSON error object `{"error": message}`.
    static func error(_ message: String, status: Int) -> APIResponse {
        let body = (try? JSONEncoder().encode(["error": message])) ?? Data()
        return .json(body, status: status)
    }
}
