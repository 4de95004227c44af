import ArgumentParser
import Foundation
import PGLensTop

#if canImport(Glibc)
    import Glibc
#endif

extension TopSortOrder: ExpressibleByArgument {}

/// `pglens top`: a live terminal view of a running pglens, refreshed every `--interval` seconds.
struct TopCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "top",
        abstract: "A live view of a running pglens: pools, statements by time, newest findings.",
        discussion: """
            Polls the HTTP API of a running pglens (--url; GET /api/v1/report and /api/v1/status) and redraws: \
            a header (uptime, client connections, transactions, queries and analysis events per second, \
            dropped events), the pools as SHOW POOLS shows them, the statements with their calls, total, mean \
            and p95 time and normalized query, and the newest findings. Narrow terminals lose columns, never \
            wrap.

            Keys: t sort by total time, m by mean time, c by calls, q or Ctrl-C quit (the terminal is restored). \
            SIGINT, SIGTERM and SIGHUP also quit cleanly; a resize redraws at the new size.

            When standard output is not a terminal, or with --once, one frame is printed as plain text (width: \
            $COLUMNS or 120) and pglens top exits. Colour only on a terminal and when NO_COLOR is not set.

            Exit status: 0 quit or printed, 2 --once could not reach the API.
            """
    )

    @Option(name: .long, help: "The HTTP API of the running pglens.")
    var url = "http://127.0.0.1:9930"

    @Option(name: .long, help: "Seconds between two polls.")
    var interval = 2.0

    @Option(name: .long, help: "The statements' order at start: total, mean or calls.")
    var order = TopSortOrder.totalTime

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Only the statements and findings of this application_name (repeat for several).", valueName: "name"))
    var application: [String] = []

    @Flag(name: .long, help: "Print one frame as plain text and exit, even on a terminal.")
    var once = false

    @Flag(name: .long, help: "No colour, even on a terminal.")
    var noColor = false

    func validate() throws {
        guard interval >= 0.1, interval <= 3600 else {
            throw ValidationError("--interval must be between 0.1 and 3600 seconds")
        }
    }

    func run() async throws {
        let base = url.hasSuffix("/") ? String(url.dropLast()) : url
        let poller = TopPoller(base: base, applications: application, timeout: max(2, min(interval * 2, 10)))
        let environment = ProcessInfo.processInfo.environment
        let outputIsTerminal = RawTerminal.isTerminal(STDOUT_FILENO)
        var capabilities = TerminalCapabilities(outputIsTerminal: outputIsTerminal, environment: environment)
        if noColor { capabilities.colour = false }
        guard outputIsTerminal, !once else {
            try await printOneFrame(poller, source: base, capabilities: capabilities, environment: environment)
            return
        }
        let screen = TopLiveScreen(
            poller: poller, source: base, interval: interval, order: order, colour: capabilities.colour)
        await screen.run()
    }

    /// The frame of one poll, as plain text at the terminal's width (or `$COLUMNS`), every section whole.
    private func printOneFrame(
        _ poller: TopPoller, source: String, capabilities: TerminalCapabilities, environment: [String: String]
    ) async throws {
        let columns =
            RawTerminal.size(of: STDOUT_FILENO)?.columns ?? TerminalCapabilities.plainWidth(environment: environment)
        var state = TopScreenState(order: order, size: TerminalSize(columns: columns, rows: nil))
        switch await poller.sample() {
        case .failure(let problem):
            FileHandle.standardError.write(Data("pglens top: \(problem)\n".utf8))
            throw ExitCode(2)
        case .success(let sample):
            _ = state.sampled(sample)
        }
        let text = ScreenOutput.text(state.frame(source: source, keysShown: false), colour: capabilities.colour)
        FileHandle.standardOutput.write(Data(text.utf8))
    }
}
