import NIOCore

/// The StartupMessage a frontend sends first (after an optional SSLRequest/GSSENCRequest).
///
/// Layout (53.7 "Message Formats"): Int32 length including itself, Int32 protocol version
/// (major << 16 | minor, major 3), then NUL-terminated name/value string pairs ended by one extra NUL.
public struct StartupMessage: Sendable, Hashable {
    /// The requested protocol minor version (0 for 3.0, 2 for 3.2).
    public var minorVersion: UInt16
    /// The parameters in the order they were sent.
    public var parameters: [StartupParameter]

    /// Creates a message.
    public init(minorVersion: UInt16 = 0, parameters: [StartupParameter]) {
        self.minorVersion = minorVersion
        self.parameters = parameters
    }

    /// The value of the last parameter named `name` (the last one wins, as in PostgreSQL).
    public subscript(name: String) -> String? {
        parameters.last { $0.name == name }?.value
    }

    /// The `user` parameter. PostgreSQL requires it; a missing user is for the caller to reject.
    public var user: String? { self["user"] }

    /// The `database` parameter, defaulting to ``user`` when absent or empty, as PostgreSQL does.
    public var database: String? {
        if let database = self["database"], !database.isEmpty {
            return database
        }
        return user
    }

    /// The `application_name` parameter.
    public var applicationName: String? { self["application_name"] }

    /// The `replication` parameter (`true`, `database`, ...), if present.
    public var replication: String? { self["replication"] }

    /// The `options` parameter (command-line options for the backend), if present.
    public var options: String? { self["options"] }

    /// The protocol options: parameters whose name starts with `_pq_.` (53.2.1 "Start-up").
    public var protocolOptions: [StartupParameter] {
        parameters.filter { $0.name.hasPrefix("_pq_.") }
    }

    /// The parameters that are neither protocol options nor `user`/`database`.
    public var sessionParameters: [StartupParameter] {
        parameters.filter { !$0.name.hasPrefix("_pq_.") && $0.name != "user" && $0.name != "database" }
    }

    /// Writes the complete packet, length included.
    public func encode(into buffer: inout ByteBuffer) {
        let lengthIndex = buffer.writerIndex
        buffer.writeInteger(Int32(0))
        buffer.writeInteger(protocolVersion)
        for parameter in parameters {
            buffer.writeCString(parameter.name)
            buffer.writeCString(parameter.value)
        }
        buffer.writeInteger(UInt8(0))
        buffer.setInteger(Int32(truncatingIfNeeded: buffer.writerIndex - lengthIndex), at: lengthIndex)
    }

    /// Parses the parameter list that follows the version code; `body` must end with the extra NUL.
    static func decodeParameters(minorVersion: UInt16, body: ByteBuffer) throws -> StartupMessage {
        var body = body
        var parameters: [StartupParameter] = []
        while true {
            guard body.readableBytes > 0 else {
                throw PGProtocolError.malformed("startup packet: expected terminator as last byte")
            }
            if body.readableBytesView.first == 0 {
                body.moveReaderIndex(forwardBy: 1)
                break
            }
            let name = try body.pgReadCString("startup packet parameter name")
            let value = try body.pgReadCString("startup packet value of \(name)")
            parameters.append(StartupParameter(name: name, value: value))
        }
        try body.pgExpectEnd("startup packet")
        return StartupMessage(minorVersion: minorVersion, parameters: parameters)
    }
}

extension StartupMessage {
    /// The Int32 protocol version field: 3 << 16 | ``minorVersion`` (53.7 "Message Formats").
    public var protocolVersion: Int32 { Int32(3) << 16 | Int32(minorVersion) }
}
