import Dispatch
import Foundation
import NIOCore
import PGLensConfig
import PGWire

/// Runs admin console commands against the proxy's shared state: pools, client registry, statistics,
/// analysis. Each command's reply is delivered on the console session's event loop.
struct AdminConsole: Sendable {
    let shared: ProxyContext
    /// How often PAUSE and WAIT_CLOSE look whether the connections they wait for are back or closed.
    var pollInterval: TimeAmount = .milliseconds(20)

    /// Runs one command for a user of `role`. Commands that wait (PAUSE, WAIT_CLOSE) stop waiting once
    /// `stillWanted` returns false (the console client left).
    func run(
        _ command: AdminCommand, role: AdminRole, on loop: any EventLoop,
        stillWanted: @escaping @Sendable () -> Bool = { true }
    ) -> EventLoopFuture<AdminReply> {
        guard role.mayRun(command) else {
            return loop.makeSucceededFuture(
                .error(
                    ErrorFields(
                        severity: "ERROR", sqlState: SQLState("42501"),
                        message: "pglens: only admin_users may run \(command.commandTag)")))
        }
        switch command {
        case .show(let target):
            return show(target, on: loop)
        case .pause(let database):
            if let error = unknownDatabase(database) { return loop.makeSucceededFuture(error) }
            shared.pools.pause(database: database)
            return poll(on: loop, while: stillWanted) { shared.pools.activeCount(database: database) == 0 }
                .map { .done(tag: "PAUSE") }
        case .resume(let database):
            shared.pools.resume(database: database)
            return loop.makeSucceededFuture(.done(tag: "RESUME"))
        case .disable(let database), .enable(let database):
            if let error = unknownDatabase(database) { return loop.makeSucceededFuture(error) }
            shared.pools.setDisabled(command == .disable(database: database), database: database)
            return loop.makeSucceededFuture(.done(tag: command.commandTag))
        case .reconnect(let database):
            if let error = unknownDatabase(database) { return loop.makeSucceededFuture(error) }
            shared.pools.reconnect(database: database)
            return loop.makeSucceededFuture(.done(tag: "RECONNECT"))
        case .waitClose(let database):
            return poll(on: loop, while: stillWanted) { shared.pools.reconnectPendingCount(database: database) == 0 }
                .map { .done(tag: "WAIT_CLOSE") }
        case .kill(let database):
            if let error = unknownDatabase(database) { return loop.makeSucceededFuture(error) }
            for (session, sessionDatabase) in shared.clients.entries
            where !AdminRole.databaseNames.contains(sessionDatabase) && (database == nil || sessionDatabase == database)
            {
                session.eventLoop.execute { session.kill("pglens: killed by the admin console (KILL)") }
            }
            shared.pools.closeAll(database: database)
            return loop.makeSucceededFuture(.done(tag: "KILL"))
        case .killClient(let id):
            guard let session = shared.clients.session(id: id) else {
                return loop.makeSucceededFuture(
                    .error(
                        ErrorFields(
                            severity: "ERROR", sqlState: SQLState("42704"), message: "pglens: no client with id \(id)"))
                )
            }
            session.eventLoop.execute { session.kill("pglens: killed by the admin console (KILL_CLIENT)") }
            return loop.makeSucceededFuture(.done(tag: "KILL_CLIENT"))
        case .reload:
            return reload(on: loop)
        case .shutdown:
            let handler = shared.shutdownHandler.withLockedValue { $0 }
            // After the reply has gone out.
            loop.scheduleTask(in: .milliseconds(50)) { handler?() }
            return loop.makeSucceededFuture(.doneAndClose(tag: "SHUTDOWN"))
        case .resetStats:
            guard let analysis = shared.analysis else { return loop.makeSucceededFuture(Self.analysisOff) }
            analysis.reset()
            return loop.makeSucceededFuture(.done(tag: "RESET"))
        }
    }

    private func show(_ target: AdminShowTarget, on loop: any EventLoop) -> EventLoopFuture<AdminReply> {
        let configuration = shared.currentConfiguration
        switch target {
        case .pools:
            return shared.clients.snapshots(on: loop).map { clients in
                .rows(
                    AdminTables.pools(
                        counts: shared.pools.poolCounts(), clients: clients,
                        poolMode: { key in poolMode(key, configuration) }))
            }
        case .stats:
            let averages = shared.statistics.averages()
            return shared.statistics.totals(on: loop).map { .rows(AdminTables.stats(totals: $0, averages: averages)) }
        case .statsTotals:
            return shared.statistics.totals(on: loop).map { .rows(AdminTables.statsTotals($0)) }
        case .statsAverages:
            return loop.makeSucceededFuture(.rows(AdminTables.statsAverages(shared.statistics.averages())))
        case .clients:
            return shared.clients.snapshots(on: loop).map { .rows(AdminTables.clients($0)) }
        case .servers:
            let servers = shared.pools.serverSnapshots()
            return shared.clients.snapshots(on: loop).map { .rows(AdminTables.servers(servers, clients: $0)) }
        case .databases, .users, .lists:
            let servers = shared.pools.serverSnapshots()
            return shared.clients.snapshots(on: loop).map { clients in
                .rows(listing(target, configuration: configuration, servers: servers, clients: clients))
            }
        case .config:
            return loop.makeSucceededFuture(.rows(AdminTables.config(configuration)))
        case .version:
            return loop.makeSucceededFuture(.rows(AdminTables.version()))
        case .help:
            return loop.makeSucceededFuture(.done(tag: "SHOW", notices: AdminTables.helpLines))
        case .statements:
            guard let analysis = shared.analysis else { return loop.makeSucceededFuture(Self.analysisOff) }
            return loop.makeSucceededFuture(.rows(AdminTables.statements(analysis.statements())))
        case .slow:
            guard let analysis = shared.analysis else { return loop.makeSucceededFuture(Self.analysisOff) }
            return loop.makeSucceededFuture(.rows(AdminTables.slow(analysis.slowExecutions())))
        }
    }

    /// SHOW DATABASES, USERS and LISTS, which count connections per database or user.
    private func listing(
        _ target: AdminShowTarget, configuration: Configuration, servers: [ConnectionSnapshot],
        clients: [ConnectionSnapshot]
    ) -> AdminResultSet {
        func count(_ list: [ConnectionSnapshot], by key: (ConnectionSnapshot) -> String) -> [String: Int] {
            list.reduce(into: [:]) { counts, connection in counts[key(connection), default: 0] += 1 }
        }
        switch target {
        case .users:
            return AdminTables.users(
                configuration: configuration, serverCounts: count(servers, by: \.user),
                clientCounts: count(clients, by: \.user))
        case .lists:
            return AdminTables.lists(
                databases: configuration.databases.count, users: configuration.users.count,
                pools: shared.pools.poolCounts().count, usedClients: clients.count,
                loginClients: max(0, shared.clientCount.load(ordering: .relaxed) - clients.count),
                usedServers: servers.count)
        default:
            return AdminTables.databases(
                configuration: configuration, serverCounts: count(servers, by: \.database),
                clientCounts: count(clients, by: \.database), paused: shared.pools.isPaused,
                disabled: shared.pools.isDisabled)
        }
    }

    private func poolMode(_ key: PoolKey, _ configuration: Configuration) -> String {
        if AdminRole.databaseNames.contains(key.database) { return "statement" }
        guard let database = configuration.databases[key.database] else { return configuration.poolMode.rawValue }
        return configuration.poolMode(database: database, user: configuration.users[key.user]).rawValue
    }

    /// RELOAD: reads the configuration file again, off the event loop, and applies what can change.
    private func reload(on loop: any EventLoop) -> EventLoopFuture<AdminReply> {
        guard let path = shared.configurationPath else {
            return loop.makeSucceededFuture(
                .error(
                    ErrorFields(
                        severity: "ERROR", sqlState: SQLState("55000"),
                        message: "pglens: started without a configuration file (--upstream): nothing to reload")))
        }
        let promise = loop.makePromise(of: AdminReply.self)
        let shared = self.shared
        DispatchQueue.global().async {
            do {
                let ignored = try shared.reloadConfiguration(from: path)
                let notices =
                    ignored.isEmpty ? [] : ["changed, needs a restart to apply: " + ignored.joined(separator: ", ")]
                promise.succeed(.done(tag: "RELOAD", notices: notices))
            } catch {
                promise.succeed(
                    .error(
                        ErrorFields(
                            severity: "ERROR", sqlState: SQLState("F0000"),
                            message: "pglens: the configuration was not reloaded: \(error)")))
            }
        }
        return promise.futureResult
    }

    /// Refuses a command naming a database that is not configured.
    private func unknownDatabase(_ database: String?) -> AdminReply? {
        guard let database, shared.currentConfiguration.databases[database] == nil else { return nil }
        return .error(
            ErrorFields(
                severity: "ERROR", sqlState: .invalidCatalogName,
                message: "pglens: database \"\(database)\" does not exist"))
    }

    /// Completes once `condition` holds (or `wanted` no longer does), looking every `pollInterval`.
    private func poll(
        on loop: any EventLoop, while wanted: @escaping @Sendable () -> Bool,
        until condition: @escaping @Sendable () -> Bool
    ) -> EventLoopFuture<Void> {
        if condition() || !wanted() { return loop.makeSucceededVoidFuture() }
        return loop.scheduleTask(in: pollInterval) {}.futureResult.flatMap {
            poll(on: loop, while: wanted, until: condition)
        }
    }

    private static let analysisOff = AdminReply.error(
        ErrorFields(
            severity: "ERROR", sqlState: SQLState("55000"),
            message: "pglens: analysis is off", hint: "Set analysis = true in the configuration."))
}
