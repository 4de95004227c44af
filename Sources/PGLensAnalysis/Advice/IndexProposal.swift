/// An index a plan asks for: a sequential scan with a filter on one table, turned into B-tree columns —
/// equality columns first, then one range column, then the ORDER BY columns the scan's rows are sorted on
/// (when the sort can come from the index).
public struct IndexProposal: Sendable, Equatable {
    /// The table's schema (`public` when the plan does not say).
    public var schema: String
    /// The table.
    public var table: String
    /// Columns compared with `=` (or `= ANY`).
    public var equalityColumns: [String]
    /// The first column compared with a range (`<`, `>=`, ...), if any.
    public var rangeColumns: [String]
    /// The columns of an ORDER BY that the index could return in order.
    public var orderColumns: [String]
    /// The filter's conditions, as read.
    public var conditions: [FilterCondition]
    /// The sequential scan it comes from.
    public var scan: PlanNode

    /// The index's columns, in order.
    public var columns: [String] {
        var columns: [String] = []
        for column in equalityColumns + rangeColumns + orderColumns where !columns.contains(column) {
            columns.append(column)
        }
        return columns
    }

    /// The columns an existing index must lead with to serve the lookup: the equality columns, or the
    /// first column when there are none.
    public var leadingGroup: [String] {
        equalityColumns.isEmpty ? Array(columns.prefix(1)) : equalityColumns
    }

    /// The statement to run: `CREATE INDEX CONCURRENTLY ON tokens (token_hash);`.
    public var createStatement: String {
        "CREATE INDEX CONCURRENTLY ON \(CatalogName.display(schema: schema, name: table)) "
            + "(\(columns.map(CatalogName.quoted).joined(separator: ", ")));"
    }

    /// The statement HypoPG is given (qualified, no CONCURRENTLY).
    public var hypotheticalStatement: String {
        "CREATE INDEX ON \(CatalogName.qualified(schema: schema, name: table)) "
            + "(\(columns.map(CatalogName.quoted).joined(separator: ", ")))"
    }

    /// Creates a proposal.
    public init(
        schema: String, table: String, equalityColumns: [String], rangeColumns: [String] = [],
        orderColumns: [String] = [], conditions: [FilterCondition] = [], scan: PlanNode
    ) {
        self.schema = schema
        self.table = table
        self.equalityColumns = equalityColumns
        self.rangeColumns = rangeColumns
        self.orderColumns = orderColumns
        self.conditions = conditions
        self.scan = scan
    }

    /// Nodes a sort's order passes through unchanged on its way down to a scan.
    private static let orderPreservingNodes: Set<String> = ["Gather", "Gather Merge", "Limit", "Result"]

    /// The proposals of `plan`: one per sequential scan with a filter that has an equality, range or
    /// sortable condition on a plain column, most expensive scan first.
    public static func proposals(from plan: PlanNode) -> [IndexProposal] {
        var proposals: [IndexProposal] = []
        collect(plan, sortKey: [], into: &proposals)
        return proposals.sorted { $0.scan.totalCost > $1.scan.totalCost }
    }

    private static func collect(_ node: PlanNode, sortKey: [String], into proposals: inout [IndexProposal]) {
        if node.isSequentialScan, let relation = node.relationName, let filter = node.filter,
            let proposal = proposal(scan: node, relation: relation, filter: filter, sortKey: sortKey)
        {
            proposals.append(proposal)
        }
        let passedDown: [String] =
            if node.nodeType == "Sort" || node.nodeType == "Incremental Sort" {
                node.sortKey
            } else if orderPreservingNodes.contains(node.nodeType) {
                sortKey
            } else {
                []
            }
        for child in node.children { collect(child, sortKey: passedDown, into: &proposals) }
    }

    private static func proposal(
        scan: PlanNode, relation: String, filter: String, sortKey: [String]
    ) -> IndexProposal? {
        let conditions = FilterCondition.conditions(in: filter)
        var equality: [String] = []
        var range: [String] = []
        for condition in conditions where !condition.functionOnColumn {
            guard let column = condition.column else { continue }
            switch condition.comparison {
            case .equality:
                if !equality.contains(column) { equality.append(column) }
            case .range:
                if range.isEmpty { range.append(column) }
            case .prefixPattern, .leadingWildcardPattern, .other:
                break
            }
        }
        range.removeAll { equality.contains($0) }
        var order = sortKey.compactMap { sortColumn($0, alias: scan.alias ?? relation) }
        if order.count != sortKey.count || (!range.isEmpty && order.first != range.first) { order = [] }
        guard !equality.isEmpty || !range.isEmpty else { return nil }
        return IndexProposal(
            schema: scan.schema ?? "public", table: relation, equalityColumns: equality, rangeColumns: range,
            orderColumns: order, conditions: conditions, scan: scan)
    }

    /// The column of one `Sort Key` item (`tokens.created_at DESC`) of the scan with `alias`; nil for an
    /// expression or another relation's column.
    private static func sortColumn(_ item: String, alias: String) -> String? {
        let lexer = SQLLexer(item)
        var tokens = Array(lexer)
        while let last = tokens.last, last.kind == .identifier,
            ["asc", "desc", "nulls", "first", "last"].contains(lexer.foldedText(of: last))
        {
            tokens.removeLast()
        }
        func name(_ token: SQLToken) -> String? {
            switch token.kind {
            case .identifier: return lexer.foldedText(of: token)
            case .quotedIdentifier: return String(lexer.text(of: token).dropFirst().dropLast())
            default: return nil
            }
        }
        if tokens.count == 1 { return name(tokens[0]) }
        guard tokens.count == 3, lexer.isSymbol(tokens[1], "."), name(tokens[0]) == alias else { return nil }
        return name(tokens[2])
    }
}
