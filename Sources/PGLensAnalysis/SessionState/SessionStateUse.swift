/// One statement that leaves session state behind, and which kind.
public struct SessionStateUse: Sendable, Equatable {
    /// What the statement leaves behind.
    public var kind: SessionStateKind
    /// The statement's text, as written (without the separating `;`).
    public var statement: Substring
}
