/// A finding source whose findings another revises before they reach the report (the slow log's, by the
/// index advice).
public struct RevisedFindingSource: FindingSource {
    private let base: any FindingSource
    private let board: IndexAdviceBoard

    /// `base`'s findings as `board` revises them.
    public init(_ base: any FindingSource, revisedBy board: IndexAdviceBoard) {
        self.base = base
        self.board = board
    }

    /// The base's findings, revised.
    public func findings(captureParameters: Bool) -> [Finding] {
        board.revised(base.findings(captureParameters: captureParameters))
    }
}
