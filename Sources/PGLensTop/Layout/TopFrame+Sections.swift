import Foundation
import PGLensAnalysis
import PGLensHTTP

extension TopFrame {
    /// The header's items, packed onto as few lines as the width allows (an item is never split).
    func headerLines(width: Int) -> [TerminalLine] {
        var items: [TerminalLine] = [TerminalLine("pglens top", style: .bold)]
        items.append(TerminalLine(TerminalText.singleLine(Self.shortSource(source))))
        func figure(_ label: String, _ value: String, style: TextStyle = .cyan) {
            items.append(TerminalLine([.init(label + " "), .init(value, style: style)]))
        }
        let status = sample.flatMap { try? $0.status.get() }
        let report = sample.flatMap { try? $0.report.get() }
        if let status {
            figure("up", TopQuantity.elapsed(seconds: status.generatedAt.timeIntervalSince(status.startedAt)))
            let cap = status.maximumClientConnections > 0 ? "/\(status.maximumClientConnections)" : ""
            figure("clients", "\(status.clientConnections)\(cap)")
        } else if let report {
            figure(
                "window",
                TopQuantity.elapsed(seconds: report.window.endedAt.timeIntervalSince(report.window.startedAt)))
        }
        if let rates {
            if let transactions = rates.transactions { figure("tps", TopQuantity.rate(transactions.perSecond)) }
            if let queries = rates.queries { figure("qps", TopQuantity.rate(queries.perSecond)) }
            if let events = rates.analysisEvents { figure("events/s", TopQuantity.rate(events.perSecond)) }
        }
        if let report {
            let dropped = report.analysis.eventsDropped
            figure("dropped", "\(dropped)", style: dropped > 0 ? .red.with(.bold) : .cyan)
        }
        if let rates, rates.transactions != nil || rates.analysisEvents != nil {
            let sinceStart = [rates.transactions, rates.analysisEvents].contains { $0?.isSinceStart == true }
            if sinceStart {
                items.append(TerminalLine("(rates since start)", style: .dim))
            } else if let seconds = rates.intervalSeconds {
                items.append(TerminalLine("(rates over \(String(format: "%.1f", seconds))s)", style: .dim))
            }
        }
        var lines: [TerminalLine] = []
        var line = TerminalLine()
        for item in items {
            if line.width > 0 && line.width + 2 + item.width > width {
                lines.append(line)
                line = TerminalLine()
            }
            if line.width > 0 { line.append("  ") }
            line.spans += item.spans
        }
        lines.append(line)
        return lines
    }

    /// The pools, as `SHOW POOLS` lists them.
    func poolsSection(_ sample: TopSample, width: Int) -> Section {
        let pools: [ProxyStatus.Pool]
        switch sample.status {
        case .failure(let problem):
            return message("Pools", "not shown: \(problem.description)", style: .dim)
        case .success(let status):
            pools = status.pools.sorted { ($0.database, $0.user) < ($1.database, $1.user) }
        }
        guard !pools.isEmpty else { return message("Pools", "none yet: no client has logged in", style: .dim) }
        let table = TextTable(columns: [
            .flexible("DATABASE", minimumWidth: 8),
            .fixed("USER", .left, dropRank: 4, maximumWidth: 16),
            .fixed("MODE", .left, dropRank: 5),
            .fixed("CL_ACT", .right),
            .fixed("CL_WAIT", .right),
            .fixed("SV_ACT", .right),
            .fixed("SV_IDLE", .right, dropRank: 2),
            .fixed("SV_CONN", .right, dropRank: 3),
            .fixed("MAXWAIT", .right, dropRank: 1),
            .fixed("SIZE", .right, dropRank: 6),
        ])
        let rows = pools.map { pool in
            TextTable.Row(
                [
                    pool.database, pool.user, pool.poolMode, TopQuantity.count(pool.clientsActive),
                    TopQuantity.count(pool.clientsWaiting), TopQuantity.count(pool.serversActive),
                    TopQuantity.count(pool.serversIdle), TopQuantity.count(pool.serversConnecting),
                    TopQuantity.duration(milliseconds: Double(pool.maximumWaitMicroseconds) / 1000),
                    pool.maximumDatabaseConnections > 0
                        ? "\(pool.poolSize)/\(pool.maximumDatabaseConnections)" : "\(pool.poolSize)",
                ],
                styles: pool.clientsWaiting > 0 ? [4: .yellow.with(.bold), 8: .yellow] : [:])
        }
        let total = pools.count
        return Section(
            title: { shown in Self.title("Pools", shown: shown, of: total) },
            body: table.lines(rows, width: width), hasTableHeader: true, wanted: 1 + poolLimit)
    }

    /// The statements in the chosen order.
    func statementsSection(_ sample: TopSample, width: Int, limit: Int) -> Section {
        let name = "Statements \(order.title)"
        let report: Report
        switch sample.report {
        case .failure(let problem): return message(name, "not shown: \(problem.description)", style: .dim)
        case .success(let value): report = value
        }
        guard !report.statements.isEmpty else { return message(name, "none seen yet", style: .dim) }
        // The order's own column is never dropped; the others go p95 first, then the time columns, then calls.
        func rank(_ column: TopSortOrder, _ value: Int) -> Int? { column == order ? nil : value }
        let table = TextTable(columns: [
            .fixed("CALLS", .right, dropRank: rank(.calls, 3)),
            .fixed("TOTAL", .right, dropRank: rank(.totalTime, 4)),
            .fixed("MEAN", .right, dropRank: rank(.meanTime, 5)),
            .fixed("P95", .right, dropRank: 6),
            .fixed("ROWS", .right, dropRank: 7),
            .fixed("DATABASE", .left, dropRank: 8, maximumWidth: 16),
            .fixed("APPLICATION", .left, dropRank: 9, maximumWidth: 20),
            .flexible("QUERY", minimumWidth: max(20, width / 2)),
        ])
        let ordered = order.sorted(report.statements)
        let listed = ordered.prefix(limit)
        let rows = listed.map { statement in
            TextTable.Row([
                TopQuantity.count(statement.calls), TopQuantity.duration(milliseconds: statement.totalMilliseconds),
                TopQuantity.duration(milliseconds: statement.meanMilliseconds),
                TopQuantity.duration(milliseconds: statement.p95Milliseconds), TopQuantity.count(statement.rows),
                statement.database, statement.applicationName.isEmpty ? "-" : statement.applicationName,
                statement.query,
            ])
        }
        let total = report.statements.count
        return Section(
            title: { shown in Self.title(name, shown: shown, of: total) },
            body: table.lines(rows, width: width), hasTableHeader: true, wanted: .max)
    }

    /// The newest findings; `nil` when the report could not be read (the statements say why).
    func findingsSection(_ sample: TopSample, width: Int) -> Section? {
        guard case .success(let report) = sample.report else { return nil }
        let name = "Findings, newest first"
        guard !report.findings.isEmpty else { return message(name, "none so far", style: .dim) }
        let newest = report.findings.sorted { left, right in
            left.lastSeen != right.lastSeen ? left.lastSeen > right.lastSeen : left.id < right.id
        }
        let table = TextTable(columns: [
            .fixed("SEVERITY", .left, dropRank: 1),
            .fixed("KIND", .left, maximumWidth: 22),
            .fixed("SEEN", .right, dropRank: 2),
            .fixed("TIME", .right, dropRank: 3),
            .flexible("QUERY", minimumWidth: max(16, width / 3)),
        ])
        let rows = newest.prefix(findingLimit).map { finding in
            let style = Self.style(of: finding.severity)
            let seen = finding.repetitions.map { "\(finding.occurrences)x\($0)" } ?? "\(finding.occurrences)"
            return TextTable.Row(
                [
                    finding.severity.rawValue, finding.kind.rawValue, seen,
                    TopQuantity.duration(milliseconds: finding.timeMilliseconds), finding.query,
                ], styles: [0: style, 1: style])
        }
        let total = report.findings.count
        return Section(
            title: { shown in Self.title(name, shown: shown, of: total) },
            body: table.lines(rows, width: width), hasTableHeader: true, wanted: 1 + findingLimit)
    }

    private func message(_ name: String, _ text: String, style: TextStyle) -> Section {
        Section(
            title: { _ in TerminalLine(name, style: .bold) },
            body: [TerminalLine(TerminalText.singleLine(text), style: style)], hasTableHeader: false, wanted: 1)
    }

    private static func title(_ name: String, shown: Int, of total: Int) -> TerminalLine {
        TerminalLine([.init(name, style: .bold), .init(shown == total ? " (\(total))" : " (\(shown) of \(total))")])
    }

    private static func style(of severity: FindingSeverity) -> TextStyle {
        switch severity {
        case .critical: return .red.with(.bold)
        case .warning: return .yellow
        case .info: return .plain
        }
    }

    /// The API's address without its scheme: `127.0.0.1:9930`.
    private static func shortSource(_ source: String) -> String {
        var text = source
        for scheme in ["http://", "https://"] where text.hasPrefix(scheme) { text.removeFirst(scheme.count) }
        return text.hasSuffix("/") ? String(text.dropLast()) : text
    }
}
