import Foundation
import Logging
import NIOCore
import PGLensAnalysis
import PGLensConfig
import PGLensTLS
import PGWire

/// The admin console, and what SHOW CLIENTS and KILL see of a session.
extension ClientSessionHandler {
    // MARK: Admin console

    /// A client logged in to the virtual database `pglens` / `pgbouncer`: users of `admin_users` and
    /// `stats_users` get the console, anyone else is refused, as PgBouncer does.
    func startConsole(_ client: AuthenticatedClient) {
        guard let context else { return }
        guard let role = AdminRole(user: client.user, configuration: shared.currentConfiguration) else {
            return sendErrorAndClose(
                ErrorFields(
                    severity: "FATAL", sqlState: .invalidAuthorizationSpecification,
                    message: "pglens: not allowed",
                    detail: "Only admin_users and stats_users may log in to the admin console."))
        }
        self.client = client
        clientID = shared.clientIDs.wrappingAdd(1, ordering: .relaxed).newValue
        shared.clients.add(self, id: clientID, database: client.database)
        registered = true
        state = .console
        do {
            try context.pipeline.syncOperations.addHandler(
                AdminConsoleHandler(console: AdminConsole(shared: shared), role: role), position: .after(self))
        } catch {
            return close()
        }
        announce([
            "server_version": "1.25.0/pglens", "server_encoding": "UTF8", "client_encoding": "UTF8",
            "DateStyle": "ISO", "standard_conforming_strings": "on", "integer_datetimes": "on",
            "application_name": client.applicationName,
        ])
        sendLoginCompletion()
        let held = heldInput
        heldInput = []
        for bytes in held { context.fireChannelRead(NIOAny(bytes)) }
    }

    /// What SHOW CLIENTS lists about this session; nil before login and after it ended.
    func snapshot() -> ConnectionSnapshot? {
        guard let client else { return nil }
        var linkedServer: Int?
        var waitMicroseconds: UInt64 = 0
        let snapshotState: ConnectionSnapshot.State
        switch state {
        case .startup, .authenticating, .closed:
            return nil
        case .idle:
            snapshotState = .idle
        case .waitingForServer:
            snapshotState = .waiting
            if let serverRequestedAt {
                waitMicroseconds = UInt64(max(0, (NIODeadline.now() - serverRequestedAt).nanoseconds) / 1000)
            }
        case .preparingServer(let server), .linked(let server):
            snapshotState = .active
            linkedServer = server.id
        case .console:
            snapshotState = .active
        }
        let remote = context?.channel.remoteAddress
        let local = context?.channel.localAddress
        let requestTime = meter.lastRequestAt.map { deadline in
            shared.clockAnchor.wall.addingTimeInterval(
                Double(Int64(deadline.uptimeNanoseconds) - Int64(shared.clockAnchor.monotonic.uptimeNanoseconds)) / 1e9)
        }
        return ConnectionSnapshot(
            id: clientID, user: client.user, database: client.database, state: snapshotState,
            address: remote?.ipAddress ?? "", port: remote?.port ?? 0, localAddress: local?.ipAddress ?? "",
            localPort: local?.port ?? 0, connectTime: connectedAt, requestTime: requestTime,
            waitMicroseconds: waitMicroseconds, linkedServerID: linkedServer,
            tls: tlsHandler?.connection.negotiatedProtocolVersion ?? "", applicationName: client.applicationName,
            preparedStatements: traffic.router.registry.count)
    }

    /// Ends the session from the admin console (KILL, KILL_CLIENT).
    func kill(_ message: String) {
        if case .linked(let server) = state {
            // What the server was doing for the client is abandoned: the connection cannot be reused.
            state = .closed
            shared.pools.discard(server)
        }
        sendErrorAndClose(ErrorFields(severity: "FATAL", sqlState: .adminShutdown, message: message))
    }
}
