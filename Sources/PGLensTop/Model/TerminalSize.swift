/// The size of the screen a frame is laid out for.
public struct TerminalSize: Sendable, Equatable {
    /// Columns per line (at least 1).
    public var columns: Int
    /// Lines, or `nil` for output that is not a screen (one frame printed as text: each section at its
    /// natural length, within the frame's limits).
    public var rows: Int?

    /// A size of `columns` by `rows`.
    public init(columns: Int, rows: Int?) {
        self.columns = max(1, columns)
        self.rows = rows.map { max(1, $0) }
    }
}
