import NIOCore
import PGLensCrypto
import PGWire

/// A named prepared statement as a client defined it with Parse, and the name pglens gives it on server
/// connections.
///
/// Under transaction pooling a client's statements belong to the client, not to a server connection:
/// the same statement is prepared on whichever server connection the client is given, under a name
/// derived from its text and parameter types, so that clients preparing the same query share it.
struct PreparedStatement: Sendable, Equatable {
    /// The name the client uses.
    let clientName: String
    /// The name on server connections: `pglens_` and 32 hex digits of SHA-256 over the query and types.
    let serverName: String
    let query: String
    let parameterTypes: [UInt32]

    init(clientName: String, query: String, parameterTypes: [UInt32]) {
        self.clientName = clientName
        self.query = query
        self.parameterTypes = parameterTypes
        self.serverName = Self.serverName(query: query, parameterTypes: parameterTypes)
    }

    /// The Parse message that prepares the statement under its server name.
    func parseFrame() -> ByteBuffer {
        var buffer = ByteBuffer()
        FrontendMessage.parse(name: serverName, query: query, parameterTypes: parameterTypes).encode(into: &buffer)
        return buffer
    }

    /// Names collide only if SHA-256 does (128 bits kept): a collision would run the wrong query.
    static func serverName(query: String, parameterTypes: [UInt32]) -> String {
        var input = Array(query.utf8)
        input.append(0)
        for type in parameterTypes {
            withUnsafeBytes(of: type.bigEndian) { input.append(contentsOf: $0) }
        }
        return "pglens_" + Array(SHA256.hash(input).prefix(16)).hexString
    }

    /// A statement name no server connection ever has: a client's Close of one of its statements is
    /// sent to the server as a Close of this name, so that the server answers CloseComplete in order.
    static let absentName = "pglens_absent"
}
