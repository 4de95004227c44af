import ArgumentParser
import Foundation
import Logging
import PGLensAnalysis
import PGLensConfig
import PGLensProxy

/// `pglens run -- COMMAND`: an app's test suite as an N+1 check. pglens starts in front of the
/// environment's `DATABASE_URL` (or `--upstream`), the command runs against pglens, then the findings are
/// summarized and checked against the budget of `pglens check`.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a command (a test suite) through pglens, then fail if its findings exceed a budget.",
        discussion: """
            Starts pglens in front of --upstream (default: the DATABASE_URL of the environment), runs the \
            command with DATABASE_URL, PGHOST and PGPORT pointing at pglens (same user, password and \
            database), waits for the analysis to see all of its statements, prints the findings summary and \
            applies the budget (as `pglens check`: default, fail on any n_plus_one). --audit FILE also writes \
            the Markdown audit.

            Exit status: the command's own when it fails (128 + the signal when a signal ended it); otherwise \
            1 when the budget is exceeded, 0 when it is not; 2 when pglens could not start, the command could \
            not be started, or a file could not be written; 64 for invalid options.
            """
    )

    @Option(name: .long, help: "postgres://user:password@host:port/database (default: $DATABASE_URL).")
    var upstream: String?

    @Option(name: .long, help: "host:port pglens listens on (default 127.0.0.1 and a free port).")
    var listen = "127.0.0.1:0"

    @Option(name: .long, help: ArgumentHelp("Also write the Markdown audit to this file.", valueName: "file"))
    var audit: String?

    @Option(name: .customLong("log-level"), help: "pglens's own log level on standard error.")
    var logLevel = "warning"

    @OptionGroup var budget: FindingBudgetOptions

    @Argument(parsing: .postTerminator, help: "The command to run, after --.")
    var command: [String] = []

    func validate() throws {
        guard !command.isEmpty else { throw ValidationError("give the command to run after --") }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("unknown --log-level \(logLevel)") }
    }

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        guard let upstream = upstream ?? environment["DATABASE_URL"], !upstream.isEmpty else {
            Self.say("no --upstream and no DATABASE_URL in the environment")
            throw ExitCode(2)
        }
        let configuration: Configuration
        do {
            configuration = try UpstreamURL.configuration(upstream: upstream, listen: listen)
        } catch {
            Self.say("\(error)")
            throw ExitCode(2)
        }
        let level = Logger.Level(rawValue: logLevel) ?? .warning
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let server: ProxyServer
        do {
            server = try await ProxyServer.start(configuration: configuration, logger: Logger(label: "pglens"))
        } catch {
            Self.say("pglens could not start: \(error)")
            throw ExitCode(2)
        }
        let status: Int32
        do {
            status = try await CommandUnderProxy.run(
                command, environment: Self.environment(environment, configuration, port: server.localAddress?.port))
        } catch {
            try? await server.shutdown()
            Self.say("cannot run \(command[0]): \(error)")
            throw ExitCode(2)
        }
        guard let analysis = server.analysis else {
            try? await server.shutdown()
            Self.say("the analysis is off")
            throw ExitCode(2)
        }
        let report = await Self.settledReport(analysis)
        try? await server.shutdown()
        FileHandle.standardOutput.write(Data(Self.summary(report, commandStatus: status).utf8))
        var written = true
        if let audit {
            do {
                try Data(MarkdownAuditRenderer().render(report).utf8).write(to: URL(fileURLWithPath: audit))
            } catch {
                Self.say("cannot write \(audit): \(error)")
                written = false
            }
        }
        let verdict = budget.check(report, command: "pglens run")
        if status != 0 { throw ExitCode(status) }
        guard let verdict, written else { throw ExitCode(2) }
        if !verdict.passed { throw ExitCode(1) }
    }

    /// The command's environment: `DATABASE_URL`, `PGHOST` and `PGPORT` point at pglens.
    static func environment(
        _ inherited: [String: String], _ configuration: Configuration, port: Int?
    ) -> [String: String] {
        var environment = inherited
        let host =
            configuration.listenAddr.isEmpty || configuration.listenAddr == "0.0.0.0"
            ? "127.0.0.1" : configuration.listenAddr
        let port = port ?? configuration.listenPort
        let user = configuration.users.keys.sorted().first ?? ""
        var password = ""
        if case .plain(let secret)? = configuration.users[user]?.secret { password = secret }
        let database = configuration.databases.keys.sorted().first ?? user
        func encoded(_ text: String) -> String {
            var allowed = CharacterSet.alphanumerics
            allowed.insert(charactersIn: "-._~")
            return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
        }
        let hostPart = host.contains(":") ? "[\(host)]" : host
        environment["DATABASE_URL"] =
            "postgresql://\(encoded(user)):\(encoded(password))@\(hostPart):\(port)/\(encoded(database))"
        environment["PGHOST"] = host
        environment["PGPORT"] = "\(port)"
        return environment
    }

    /// The report once the analysis has caught up: the same counts three polls in a row (at most 10 s).
    static func settledReport(_ analysis: AnalysisPipeline) async -> Report {
        var last: [Int] = []
        var stable = 0
        for _ in 0..<100 {
            let report = analysis.report()
            let counts = [
                report.analysis.eventsReceived, report.findings.count,
                report.statements.reduce(0) { $0 + Int($1.calls) },
            ]
            stable = counts == last ? stable + 1 : 0
            if stable >= 3 { return report }
            last = counts
            try? await Task.sleep(nanoseconds: 100_000_000)
        }
        return analysis.report()
    }

    /// `pglens run: the command exited 0; 21 calls of 2 statements; 1 finding (1 critical)`.
    static func summary(_ report: Report, commandStatus: Int32) -> String {
        let calls = report.statements.reduce(UInt64(0)) { $0 + $1.calls }
        let bySeverity = [FindingSeverity.critical, .warning, .info].compactMap { severity -> String? in
            let count = report.findings.filter { $0.severity == severity }.count
            return count == 0 ? nil : "\(count) \(severity.rawValue)"
        }
        var text =
            "pglens run: the command exited \(commandStatus); \(calls) calls of \(report.statements.count) "
            + "statements; \(report.findings.count) finding\(report.findings.count == 1 ? "" : "s")"
        if !bySeverity.isEmpty { text += " (\(bySeverity.joined(separator: ", ")))" }
        for finding in MarkdownAuditRenderer.costliestFirst(report.findings) {
            text += "\n  [\(finding.severity.rawValue)] \(FindingBudgetText.headline(finding))"
        }
        return text + "\n"
    }

    private static func say(_ message: String) {
        FileHandle.standardError.write(Data("pglens run: \(message)\n".utf8))
    }
}
