/// One foreign-key constraint: the referencing table and columns, and the table they reference.
public struct CatalogForeignKey: Sendable, Equatable, Codable {
    /// The schema of the referencing (child) table.
    public var schema: String
    /// The referencing table.
    public var table: String
    /// The constraint's name.
    public var name: String
    /// The referencing columns, in the constraint's order.
    public var columns: [String]
    /// The schema of the referenced (parent) table.
    public var referencedSchema: String
    /// The referenced table.
    public var referencedTable: String

    /// Creates a foreign-key entry.
    public init(
        schema: String = "public", table: String, name: String, columns: [String],
        referencedSchema: String = "public", referencedTable: String
    ) {
        self.schema = schema
        self.table = table
        self.name = name
        self.columns = columns
        self.referencedSchema = referencedSchema
        self.referencedTable = referencedTable
    }

    enum CodingKeys: String, CodingKey {
        case schema, table, name, columns
        case referencedSchema = "referenced_schema"
        case referencedTable = "referenced_table"
    }
}
