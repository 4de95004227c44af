import Foundation

/// One node of a plan from `EXPLAIN (FORMAT JSON)`: the fields the advisor reads, and its children.
public struct PlanNode: Sendable, Equatable {
    /// Why a plan could not be read.
    public struct UnreadablePlan: Error, Equatable, CustomStringConvertible {
        /// What was wrong.
        public var description: String
    }

    /// `Node Type`: `Seq Scan`, `Index Scan`, `Sort`, `Nested Loop`, ...
    public var nodeType: String
    /// `Relation Name` of a scan.
    public var relationName: String?
    /// `Schema` of a scan (with VERBOSE).
    public var schema: String?
    /// `Alias` of a scan: what qualifies its columns in filters.
    public var alias: String?
    /// `Filter`: the condition applied to each row read.
    public var filter: String?
    /// `Index Name` of an index scan.
    public var indexName: String?
    /// `Index Cond` of an index scan.
    public var indexCondition: String?
    /// `Sort Key` of a sort (`tokens.created_at DESC`).
    public var sortKey: [String]
    /// `Total Cost`: the planner's estimate to return every row.
    public var totalCost: Double
    /// `Plan Rows`: the rows it expects the node to return.
    public var planRows: Double
    /// The child nodes.
    public var children: [PlanNode]

    /// Creates a node.
    public init(
        nodeType: String, relationName: String? = nil, schema: String? = nil, alias: String? = nil,
        filter: String? = nil, indexName: String? = nil, indexCondition: String? = nil, sortKey: [String] = [],
        totalCost: Double = 0, planRows: Double = 0, children: [PlanNode] = []
    ) {
        self.nodeType = nodeType
        self.relationName = relationName
        self.schema = schema
        self.alias = alias
        self.filter = filter
        self.indexName = indexName
        self.indexCondition = indexCondition
        self.sortKey = sortKey
        self.totalCost = totalCost
        self.planRows = planRows
        self.children = children
    }

    /// The top node of the plan in the text `EXPLAIN (FORMAT JSON)` answers (`[{"Plan": {...}}]`).
    public static func parse(explainJSON: String) throws(UnreadablePlan) -> PlanNode {
        let document: Any
        do {
            document = try JSONSerialization.jsonObject(with: Data(explainJSON.utf8))
        } catch {
            throw UnreadablePlan(description: "EXPLAIN did not answer JSON: \(error.localizedDescription)")
        }
        guard let entries = document as? [Any], let first = entries.first as? [String: Any],
            let plan = first["Plan"] as? [String: Any]
        else { throw UnreadablePlan(description: "EXPLAIN's JSON has no Plan") }
        return try node(plan, depth: 0)
    }

    private static func node(_ object: [String: Any], depth: Int) throws(UnreadablePlan) -> PlanNode {
        guard depth < 100 else { throw UnreadablePlan(description: "plan nested deeper than 100 nodes") }
        guard let type = object["Node Type"] as? String else {
            throw UnreadablePlan(description: "plan node without a Node Type")
        }
        var children: [PlanNode] = []
        for child in object["Plans"] as? [[String: Any]] ?? [] {
            children.append(try node(child, depth: depth + 1))
        }
        return PlanNode(
            nodeType: type, relationName: object["Relation Name"] as? String, schema: object["Schema"] as? String,
            alias: object["Alias"] as? String, filter: object["Filter"] as? String,
            indexName: object["Index Name"] as? String, indexCondition: object["Index Cond"] as? String,
            sortKey: object["Sort Key"] as? [String] ?? [], totalCost: number(object["Total Cost"]),
            planRows: number(object["Plan Rows"]), children: children)
    }

    private static func number(_ value: Any?) -> Double {
        (value as? NSNumber)?.doubleValue ?? 0
    }

    /// This node and every node under it, depth first.
    public var allNodes: [PlanNode] {
        [self] + children.flatMap(\.allNodes)
    }

    /// Whether the node reads a whole table (`Seq Scan`, parallel or not).
    public var isSequentialScan: Bool { nodeType == "Seq Scan" }

    /// The names of the indexes the plan uses anywhere.
    public var indexNames: Set<String> {
        Set(allNodes.compactMap(\.indexName))
    }

    /// A one-line excerpt of the node for a report: `Seq Scan on tokens (cost 4234.7, rows 1) Filter: ...`.
    public var excerpt: String {
        var text = nodeType
        if let relationName { text += " on \(relationName)" }
        if let indexName { text += " using \(indexName)" }
        text += " (cost \(Self.rounded(totalCost)), rows \(Int(planRows)))"
        if let indexCondition { text += " Index Cond: \(indexCondition)" }
        if let filter { text += " Filter: \(filter)" }
        return text
    }

    static func rounded(_ value: Double) -> Double {
        (value * 100).rounded() / 100
    }
}
