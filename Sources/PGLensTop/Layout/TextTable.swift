/// A table laid out to a terminal's width: columns are dropped, least useful first, until the rest fit with
/// the flexible column (the query) at its least width; that column takes what is left and its text is cut.
/// No cell ever wraps.
public struct TextTable: Sendable {
    /// Where a cell's text sits in its column.
    public enum Alignment: Sendable, Equatable {
        /// Text at the left, padded on the right.
        case left
        /// Numbers at the right, padded on the left.
        case right
    }

    /// One column.
    public struct Column: Sendable {
        /// The header.
        public var title: String
        /// Where its cells sit.
        public var alignment: Alignment
        /// When the table is too wide, columns of a higher rank go first; `nil` is never dropped.
        public var dropRank: Int?
        /// The widest a fixed column grows to (longer cells are cut).
        public var maximumWidth: Int
        /// Whether the column takes the width the others leave, up to its widest cell (at most one column).
        public var isFlexible: Bool
        /// The least width of a flexible column before other columns are dropped for it.
        public var minimumWidth: Int

        /// A fixed column as wide as its widest cell, at most `maximumWidth`.
        public static func fixed(
            _ title: String, _ alignment: Alignment, dropRank: Int? = nil, maximumWidth: Int = 24
        ) -> Column {
            Column(
                title: title, alignment: alignment, dropRank: dropRank, maximumWidth: maximumWidth, isFlexible: false,
                minimumWidth: 0)
        }

        /// The column that takes the rest of the width, at least `minimumWidth` while other columns can go.
        public static func flexible(_ title: String, minimumWidth: Int) -> Column {
            Column(
                title: title, alignment: .left, dropRank: nil, maximumWidth: .max, isFlexible: true,
                minimumWidth: minimumWidth)
        }
    }

    /// A row: one text per column, and the style of each cell (missing styles are plain).
    public struct Row: Sendable {
        /// The cells' texts.
        public var cells: [String]
        /// The cells' styles, by column index.
        public var styles: [Int: TextStyle]

        /// A row of `cells`.
        public init(_ cells: [String], styles: [Int: TextStyle] = [:]) {
            self.cells = cells.map(TerminalText.singleLine)
            self.styles = styles
        }
    }

    /// The columns, left to right.
    public var columns: [Column]
    /// The spaces between two columns.
    public var separator = 2

    /// A table of `columns`.
    public init(columns: [Column]) {
        self.columns = columns
    }

    /// The header line and one line per row, each at most `width` columns wide.
    public func lines(_ rows: [Row], width: Int, headerStyle: TextStyle = .reverse) -> [TerminalLine] {
        let kept = keptColumns(rows, width: width)
        let widths = columnWidths(kept, rows: rows, width: width)
        func line(_ texts: [String], styles: [Int: TextStyle], base: TextStyle, padLast: Bool) -> TerminalLine {
            var line = TerminalLine()
            for (position, (index, columnWidth)) in zip(kept, widths).enumerated() {
                let column = columns[index]
                if position > 0 { line.append(String(repeating: " ", count: separator), style: base) }
                // The last column is not padded with trailing spaces, except in the header (a full bar).
                var text = TerminalText.fitted(texts[index], columns: columnWidth, alignment: column.alignment)
                if position == kept.count - 1 && !padLast && column.alignment == .left {
                    text = TerminalText.prefix(texts[index], columns: columnWidth)
                }
                line.append(text, style: (styles[index] ?? .plain).with(base))
            }
            return line.cut(to: width)
        }
        let header = line(columns.map(\.title), styles: [:], base: headerStyle, padLast: true)
        return [header]
            + rows.map { row in
                line(
                    columns.indices.map { $0 < row.cells.count ? row.cells[$0] : "" }, styles: row.styles,
                    base: .plain, padLast: false)
            }
    }

    /// The indices of the columns shown at `width`.
    func keptColumns(_ rows: [Row], width: Int) -> [Int] {
        var kept = Array(columns.indices)
        let natural = columns.indices.map { naturalWidth(of: $0, rows: rows) }
        func needed() -> Int {
            kept.reduce(0) { sum, index in
                sum + (columns[index].isFlexible ? columns[index].minimumWidth : natural[index])
            } + separator * max(0, kept.count - 1)
        }
        while needed() > width {
            let droppable = kept.filter { columns[$0].dropRank != nil }
            guard let victim = droppable.max(by: { columns[$0].dropRank! < columns[$1].dropRank! }) else { break }
            kept.removeAll { $0 == victim }
        }
        return kept
    }

    private func columnWidths(_ kept: [Int], rows: [Row], width: Int) -> [Int] {
        let fixed = kept.filter { !columns[$0].isFlexible }.reduce(0) { $0 + naturalWidth(of: $1, rows: rows) }
        let rest = max(0, width - fixed - separator * max(0, kept.count - 1))
        return kept.map { index in
            let natural = naturalWidth(of: index, rows: rows)
            return columns[index].isFlexible ? min(rest, natural) : natural
        }
    }

    private func naturalWidth(of index: Int, rows: [Row]) -> Int {
        let column = columns[index]
        let widest = rows.reduce(TerminalText.width(column.title)) { widest, row in
            index < row.cells.count ? max(widest, TerminalText.width(row.cells[index])) : widest
        }
        return min(widest, max(column.maximumWidth, TerminalText.width(column.title)))
    }
}
