import Foundation
import PGLensAnalysis
import PGLensHTTP

/// One frame of `pglens top` as lines of text: a pure function of the data, the order and the screen's size.
///
/// From the top: the header (source, uptime, client connections, transactions, queries and analysis
/// events per second, dropped events), the pools (what `SHOW POOLS` shows), the statements in the chosen
/// order, the newest findings, and the keys. Every line fits the width (columns are dropped, text is cut,
/// nothing wraps) and, on a screen, the frame fits its height: the statements get the lines the pools and
/// the findings leave, and on a very short screen the findings, then the pools, give theirs up.
public struct TopFrame: Sendable {
    /// Where the data comes from, for the header (the API's URL).
    public var source: String
    /// The newest poll, if any.
    public var sample: TopSample?
    /// The rates between the last two polls.
    public var rates: TopRates?
    /// The statements' order.
    public var order: TopSortOrder
    /// Why the last poll failed, if it did.
    public var pollProblem: TopProblem?
    /// Whether to end with the keys line (a live screen; not when printing one frame).
    public var keysShown: Bool
    /// Statements listed when the output is not a screen.
    public var statementLimit = 20
    /// Findings listed when the output is not a screen (on a screen: at most this many too).
    public var findingLimit = 8
    /// Pools listed on a screen before the statements get the rest.
    public var poolLimit = 8

    /// A frame of `sample` (with `rates`), statements in `order`.
    public init(
        source: String, sample: TopSample?, rates: TopRates?, order: TopSortOrder, pollProblem: TopProblem? = nil,
        keysShown: Bool
    ) {
        self.source = source
        self.sample = sample
        self.rates = rates
        self.order = order
        self.pollProblem = pollProblem
        self.keysShown = keysShown
    }

    /// A part of the frame below the header: a title and its body, of which a prefix is shown.
    struct Section {
        /// The title, given how many of the rows are shown.
        var title: (_ shownRows: Int) -> TerminalLine
        /// The table's header line and its rows, or one message line (``hasTableHeader`` false).
        var body: [TerminalLine]
        var hasTableHeader: Bool
        /// The body lines wanted on a screen (the statements: all of them).
        var wanted: Int

        /// Data rows in `lines` body lines.
        func rows(in lines: Int) -> Int { hasTableHeader ? max(0, lines - 1) : 0 }
        /// The fewest body lines that still say something: the header and one row, or the message.
        var minimum: Int { min(body.count, hasTableHeader ? 2 : 1) }
    }

    /// The frame's lines for a screen of `size` (at most `size.rows` of them, none wider than
    /// `size.columns`).
    public func lines(size: TerminalSize) -> [TerminalLine] {
        let width = size.columns
        var lines = headerLines(width: width)
        if let pollProblem {
            lines.append(TerminalLine("! " + TerminalText.singleLine(pollProblem.description), style: .red))
        }
        let footer = keysShown ? [keysLine()] : []
        guard let sample else {
            lines.append(TerminalLine("waiting for the first answer from \(TerminalText.singleLine(source))"))
            return Self.fitted(lines, footer: footer, size: size)
        }
        let sections =
            [
                poolsSection(sample, width: width),
                statementsSection(sample, width: width, limit: size.rows ?? statementLimit),
            ]
            + (findingsSection(sample, width: width).map { [$0] } ?? [])
        let statementsIndex = 1
        let gap: Int
        var bodies: [Int?]
        if let rows = size.rows {
            gap = rows >= 20 ? 1 : 0
            let available = rows - lines.count - footer.count
            bodies = Self.allocate(sections, available: available, gap: gap, statementsIndex: statementsIndex)
        } else {
            gap = 1
            bodies = sections.map { $0.body.count }
        }
        for (section, body) in zip(sections, bodies) {
            guard let body else { continue }
            lines += Array(repeating: TerminalLine(), count: gap)
            lines.append(section.title(section.rows(in: body)))
            lines += section.body.prefix(body)
        }
        return Self.fitted(lines, footer: footer, size: size)
    }

    /// The body lines of each section (`nil`: the section is left out) so that all fit in `available` lines,
    /// each section taking `gap` blank lines and a title besides.
    static func allocate(_ sections: [Section], available: Int, gap: Int, statementsIndex: Int) -> [Int?] {
        var bodies: [Int?] = sections.map { min($0.wanted, $0.body.count) }
        let statements = sections[statementsIndex]
        // The lines left for the statements' body once the other sections and the statements' title are in.
        func room() -> Int {
            let others = sections.indices.filter { $0 != statementsIndex }.reduce(0) { sum, index in
                bodies[index].map { sum + gap + 1 + $0 } ?? sum
            }
            return available - others - gap - 1
        }
        // The others give up lines, the findings (last on the screen) before the pools, down to their least
        // and then entirely.
        let givers = sections.indices.filter { $0 != statementsIndex }.reversed()
        for giver in givers {
            while room() < statements.minimum, let body = bodies[giver], body > sections[giver].minimum {
                bodies[giver] = body - 1
            }
        }
        for giver in givers where room() < statements.minimum {
            bodies[giver] = nil
        }
        let left = room()
        bodies[statementsIndex] = left >= 0 ? min(statements.body.count, left) : nil
        return bodies
    }

    /// `lines` and `footer` cut to the screen: each to its width, and at most its height (the footer on the
    /// last lines while there is room for it).
    private static func fitted(_ lines: [TerminalLine], footer: [TerminalLine], size: TerminalSize) -> [TerminalLine] {
        let body = lines.map { $0.cut(to: size.columns) }
        let footer = footer.map { $0.cut(to: size.columns) }
        guard let rows = size.rows else { return body + footer }
        let kept = rows > footer.count ? footer : []
        let shown = Array(body.prefix(rows - kept.count))
        guard !kept.isEmpty else { return shown }
        // The keys on the last line of the screen.
        return shown + Array(repeating: TerminalLine(), count: rows - kept.count - shown.count) + kept
    }

    private func keysLine() -> TerminalLine {
        var line = TerminalLine()
        for (index, (key, meaning)) in [("t", "total"), ("m", "mean"), ("c", "calls"), ("q", "quit")].enumerated() {
            if index > 0 { line.append("  ") }
            line.append(key, style: .bold)
            line.append(" " + meaning, style: .dim)
        }
        return line
    }
}
