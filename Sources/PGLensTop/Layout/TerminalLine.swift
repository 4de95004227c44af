/// One line of a frame: pieces of text, each with its style. Its width is that of its text; escape sequences
/// are added only when it is rendered with colour.
public struct TerminalLine: Sendable, Equatable {
    /// A piece of text in one style.
    public struct Span: Sendable, Equatable {
        /// The text, already on one line (see ``TerminalText/singleLine(_:)``).
        public var text: String
        /// How it is drawn when colour is on.
        public var style: TextStyle

        /// A piece of `text` in `style`.
        public init(_ text: String, style: TextStyle = .plain) {
            self.text = text
            self.style = style
        }
    }

    /// The pieces, left to right.
    public var spans: [Span]

    /// A line of the given pieces.
    public init(_ spans: [Span] = []) {
        self.spans = spans
    }

    /// A line of one piece.
    public init(_ text: String, style: TextStyle = .plain) {
        self.spans = [Span(text, style: style)]
    }

    /// The text without styles.
    public var text: String { spans.map(\.text).joined() }

    /// The columns the line takes.
    public var width: Int { spans.reduce(0) { $0 + TerminalText.width($1.text) } }

    /// The line cut to at most `columns` columns.
    public func cut(to columns: Int) -> TerminalLine {
        var remaining = columns
        var kept: [Span] = []
        for span in spans where remaining > 0 {
            let width = TerminalText.width(span.text)
            if width <= remaining {
                kept.append(span)
                remaining -= width
            } else {
                kept.append(Span(TerminalText.prefix(span.text, columns: remaining), style: span.style))
                remaining = 0
            }
        }
        return TerminalLine(kept)
    }

    /// The line as a string: its text alone, or with each styled piece between its SGR sequence and a reset.
    public func rendered(colour: Bool) -> String {
        guard colour else { return text }
        return spans.map { span in
            span.style == .plain || span.text.isEmpty
                ? span.text : span.style.opening + span.text + TextStyle.reset
        }.joined()
    }

    /// Appends a piece.
    public mutating func append(_ text: String, style: TextStyle = .plain) {
        spans.append(Span(text, style: style))
    }
}
