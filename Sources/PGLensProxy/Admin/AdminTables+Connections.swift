extension AdminTables {
    /// The columns of SHOW CLIENTS and SHOW SERVERS (PgBouncer's socket rows).
    static let connectionColumns: [AdminColumn] = [
        .text("type"), .text("user"), .text("database"), .text("replication"), .text("state"), .text("addr"),
        .int4("port"), .text("local_addr"), .int4("local_port"), .text("connect_time"), .text("request_time"),
        .int4("wait"), .int4("wait_us"), .int4("close_needed"), .text("ptr"), .text("link"), .int4("remote_pid"),
        .text("tls"), .text("application_name"), .int4("prepared_statements"), .int8("id"),
    ]

    /// SHOW CLIENTS: one row per logged-in client session.
    static func clients(_ clients: [ConnectionSnapshot]) -> AdminResultSet {
        var result = AdminResultSet(columns: connectionColumns)
        for client in clients {
            result.append(
                row(
                    client, type: "C", pointer: ConnectionSnapshot.pointer(client: client.id),
                    link: client.linkedServerID.map(ConnectionSnapshot.pointer(server:)) ?? ""))
        }
        return result
    }

    /// SHOW SERVERS: one row per logged-in server connection, linked to the client that holds it.
    static func servers(_ servers: [ConnectionSnapshot], clients: [ConnectionSnapshot]) -> AdminResultSet {
        var holders: [Int: ConnectionSnapshot] = [:]
        for client in clients {
            if let server = client.linkedServerID { holders[server] = client }
        }
        var result = AdminResultSet(columns: connectionColumns)
        for server in servers {
            let holder = holders[Int(server.id)]
            var row = server
            row.requestTime = holder?.requestTime
            result.append(
                self.row(
                    row, type: "S", pointer: ConnectionSnapshot.pointer(server: Int(server.id)),
                    link: holder.map { ConnectionSnapshot.pointer(client: $0.id) } ?? ""))
        }
        return result
    }

    private static func row(_ connection: ConnectionSnapshot, type: String, pointer: String, link: String) -> [String?]
    {
        [
            type, connection.user, connection.database, "none", connection.state.rawValue, connection.address,
            String(connection.port), connection.localAddress, String(connection.localPort),
            timestamp(connection.connectTime), timestamp(connection.requestTime),
            String(connection.waitMicroseconds / 1_000_000), String(connection.waitMicroseconds % 1_000_000), "0",
            pointer, link, String(connection.remotePID), connection.tls, connection.applicationName,
            String(connection.preparedStatements), String(connection.id),
        ]
    }
}
