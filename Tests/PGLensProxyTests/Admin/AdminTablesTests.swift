import Foundation
import NIOCore
import PGLensAnalysis
import PGLensConfig
import PGWire
import Testing

@testable import PGLensProxy

/// The SHOW result sets: PgBouncer 1.25's columns in order, and values taken from the inputs.
@Suite struct AdminTablesTests {
    static let socketColumns =
        "type,user,database,replication,state,addr,port,local_addr,local_port,connect_time,request_time,wait,"
        + "wait_us,close_needed,ptr,link,remote_pid,tls,application_name,prepared_statements,id"

    private static func names(_ result: AdminResultSet) -> String { result.columnNames.joined(separator: ",") }

    private static func client(id: UInt64, state: ConnectionSnapshot.State, server: Int? = nil) -> ConnectionSnapshot {
        ConnectionSnapshot(
            id: id, user: "app", database: "app", state: state, address: "127.0.0.1", port: 50_000 + Int(id),
            localAddress: "127.0.0.1", localPort: 6432, connectTime: Date(timeIntervalSince1970: 0),
            requestTime: nil, waitMicroseconds: state == .waiting ? 2_500_000 : 0, linkedServerID: server,
            applicationName: "it")
    }

    @Test func poolsCountClientsAndServersPerPool() {
        let key = PoolKey(database: "app", user: "app")
        let result = AdminTables.pools(
            counts: [key: .init(idle: 2, active: 1, connecting: 1, waiting: 1)],
            clients: [Self.client(id: 1, state: .active, server: 7), Self.client(id: 2, state: .waiting)],
            poolMode: { _ in "transaction" })
        #expect(
            Self.names(result)
                == "database,user,cl_active,cl_waiting,cl_active_cancel_req,cl_waiting_cancel_req,sv_active,"
                + "sv_active_cancel,sv_being_canceled,sv_idle,sv_used,sv_tested,sv_login,maxwait,maxwait_us,pool_mode,"
                + "load_balance_hosts")
        #expect(
            result.rows == [
                [
                    "app", "app", "1", "1", "0", "0", "1", "0", "0", "2", "0", "0", "1", "2", "500000", "transaction",
                    nil,
                ]
            ])
    }

    @Test func statsHaveTotalsThenAverages() {
        var totals = TrafficCounters()
        totals.queries = 10
        totals.bytesReceived = 300
        var averages = TrafficCounters()
        averages.queries = 2
        let result = AdminTables.stats(totals: ["app": totals], averages: ["app": averages])
        #expect(
            Self.names(result)
                == "database,total_server_assignment_count,total_xact_count,total_query_count,total_received,"
                + "total_sent,total_xact_time,total_query_time,total_wait_time,total_client_parse_count,"
                + "total_server_parse_count,total_bind_count,total_client_login_count,avg_server_assignment_count,"
                + "avg_xact_count,avg_query_count,avg_recv,avg_sent,avg_xact_time,avg_query_time,avg_wait_time,"
                + "avg_client_parse_count,avg_server_parse_count,avg_bind_count,avg_client_login_count")
        #expect(result.rows.count == 1)
        #expect(result.rows[0][0] == "app")
        #expect(result.rows[0][3] == "10")
        #expect(result.rows[0][4] == "300")
        #expect(result.rows[0][15] == "2")
    }

    @Test func statsTotalsAndAveragesColumns() {
        #expect(
            Self.names(AdminTables.statsTotals([:]))
                == "database,server_assignment_count,xact_count,query_count,bytes_received,bytes_sent,xact_time,"
                + "query_time,wait_time,client_parse_count,server_parse_count,bind_count,client_login_count")
        #expect(
            Self.names(AdminTables.statsAverages([:]))
                == "database,server_assignment_count,xact_count,query_count,bytes_received,bytes_sent,xact_time,"
                + "query_time,wait_time,avg_client_parse_count,avg_server_parse_count,avg_bind_count,"
                + "avg_client_login_count")
    }

    @Test func serversAreLinkedToTheClientHoldingThem() {
        let server = ConnectionSnapshot(
            id: 7, user: "app", database: "app", state: .active, address: "127.0.0.1", port: 5432,
            localAddress: "127.0.0.1", localPort: 40_000, connectTime: Date(timeIntervalSince1970: 86_400),
            requestTime: nil, remotePID: 1234)
        let clients = [Self.client(id: 3, state: .active, server: 7)]
        let servers = AdminTables.servers([server], clients: clients)
        #expect(Self.names(servers) == Self.socketColumns)
        #expect(servers.rows[0][0] == "S")
        #expect(servers.rows[0][9] == "1970-01-02 00:00:00 UTC")
        #expect(servers.rows[0][15] == "c3")
        #expect(servers.rows[0][16] == "1234")
        let clientRows = AdminTables.clients(clients)
        #expect(Self.names(clientRows) == Self.socketColumns)
        #expect(clientRows.rows[0][14] == "c3")
        #expect(clientRows.rows[0][15] == "s7")
        #expect(clientRows.rows[0][18] == "it")
        #expect(clientRows.rows[0][20] == "3")
    }

    @Test func databasesUsersListsConfigColumns() {
        var configuration = Configuration()
        var app = DatabaseConfiguration(name: "app", poolSize: 5)
        app.minPoolSize = 2
        configuration.reservePoolSize = 1
        configuration.serverLifetime = 1800
        configuration.databases = ["app": app]
        var user = UserConfiguration(name: "app", secret: .plain("secret"))
        user.maxUserConnections = 4
        configuration.users = ["app": user]
        let databases = AdminTables.databases(
            configuration: configuration, serverCounts: ["app": 2], clientCounts: ["app": 3, "pgbouncer": 1],
            paused: { $0 == "app" },
            disabled: { _ in false })
        #expect(
            Self.names(databases)
                == "name,host,port,database,force_user,pool_size,min_pool_size,reserve_pool_size,server_lifetime,"
                + "pool_mode,load_balance_hosts,max_connections,current_connections,max_client_connections,"
                + "current_client_connections,paused,disabled")
        #expect(
            databases.rows == [
                [
                    "app", "127.0.0.1", "5432", "app", nil, "5", "2", "1", "1800", "session", nil, "0", "2", "0", "3",
                    "1",
                    "0",
                ],
                [
                    "pglens", nil, "6432", "pglens", nil, "0", "0", "0", "0", "statement", nil, "0", "0", "0", "1", "0",
                    "0",
                ],
            ])
        let users = AdminTables.users(configuration: configuration, serverCounts: [:], clientCounts: ["app": 1])
        #expect(
            Self.names(users)
                == "name,pool_size,reserve_pool_size,pool_mode,max_user_connections,current_connections,"
                + "max_user_client_connections,current_client_connections")
        #expect(users.rows.first?.last == "1")
        #expect(users.rows.first?[4] == "4")
        let config = AdminTables.config(configuration)
        #expect(Self.names(config) == "key,value,default,changeable")
        #expect(config.rows.contains(["default_pool_size", "20", "20", "yes"]))
        #expect(config.rows.contains(["listen_port", "6432", "6432", "no"]))
        #expect(!config.rows.flatMap { $0 }.contains("secret"))
        let lists = AdminTables.lists(databases: 1, users: 1, pools: 1, usedClients: 4, loginClients: 0, usedServers: 2)
        #expect(Self.names(lists) == "list,items")
        #expect(lists.rows.contains(["used_clients", "4"]))
        #expect(Self.names(AdminTables.version()) == "version")
    }

    @Test func resultSetMessagesAreRowDescriptionDataRowsAndShow() {
        var result = AdminResultSet(columns: [.text("name"), .int8("n")])
        result.append(["a", nil])
        let messages = result.messages()
        #expect(messages.count == 3)
        guard case .rowDescription(let fields) = messages[0] else {
            Issue.record("expected RowDescription")
            return
        }
        #expect(fields.map(\.name) == ["name", "n"])
        #expect(fields.map(\.dataTypeOID) == [25, 20])
        #expect(messages[1] == .dataRow([ByteBuffer(string: "a"), nil]))
        #expect(messages[2] == .commandComplete(CommandComplete(tag: "SHOW")))
    }
}
