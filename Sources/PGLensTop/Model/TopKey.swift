/// A key `pglens top` acts on.
public enum TopKey: Sendable, Equatable {
    /// Order the statements differently (`t`, `m`, `c`).
    case sort(TopSortOrder)
    /// Leave (`q`, Ctrl-C, Ctrl-D).
    case quit
    /// Redraw the whole screen now (Ctrl-L).
    case redraw
}
