extension AdminTables {
    /// SHOW STATS: per database, the totals then the averages of the last stats period.
    static func stats(totals: [String: TrafficCounters], averages: [String: TrafficCounters]) -> AdminResultSet {
        let names = [
            "server_assignment_count", "xact_count", "query_count", "received", "sent", "xact_time", "query_time",
            "wait_time", "client_parse_count", "server_parse_count", "bind_count", "client_login_count",
        ]
        let averageNames = names.map { name -> String in
            switch name {
            case "received": return "avg_recv"
            default: return "avg_" + name
            }
        }
        var result = AdminResultSet(
            columns: [.text("database")] + names.map { .numeric("total_" + $0) } + averageNames.map(AdminColumn.numeric)
        )
        for database in Set(totals.keys).union(averages.keys).sorted() {
            let total = totals[database] ?? TrafficCounters()
            let average = averages[database] ?? TrafficCounters()
            result.append([database] + (total.values + average.values).map { String($0) })
        }
        return result
    }

    /// SHOW STATS_TOTALS.
    static func statsTotals(_ totals: [String: TrafficCounters]) -> AdminResultSet {
        counters(
            totals,
            names: [
                "server_assignment_count", "xact_count", "query_count", "bytes_received", "bytes_sent", "xact_time",
                "query_time", "wait_time", "client_parse_count", "server_parse_count", "bind_count",
                "client_login_count",
            ])
    }

    /// SHOW STATS_AVERAGES.
    static func statsAverages(_ averages: [String: TrafficCounters]) -> AdminResultSet {
        counters(
            averages,
            names: [
                "server_assignment_count", "xact_count", "query_count", "bytes_received", "bytes_sent", "xact_time",
                "query_time", "wait_time", "avg_client_parse_count", "avg_server_parse_count", "avg_bind_count",
                "avg_client_login_count",
            ])
    }

    private static func counters(_ values: [String: TrafficCounters], names: [String]) -> AdminResultSet {
        var result = AdminResultSet(columns: [.text("database")] + names.map(AdminColumn.numeric))
        for database in values.keys.sorted() {
            result.append([database] + values[database]!.values.map { String($0) })
        }
        return result
    }
}
