/// The migration that creates or drops an index in the application's framework, when pglens can tell the
/// framework from the application's name.
public enum IndexMigration {
    /// A framework whose migrations pglens can write.
    public enum Framework: String, Sendable, Equatable {
        /// SQLAlchemy with Alembic migrations.
        case alembic
        /// Django.
        case django
        /// Ruby on Rails (Active Record).
        case rails
    }

    /// The framework an `application_name` points to, if any.
    public static func framework(applicationName: String) -> Framework? {
        let name = applicationName.lowercased()
        if name.contains("django") { return .django }
        if ["rails", "puma", "sidekiq", "unicorn"].contains(where: name.contains) { return .rails }
        if ["alembic", "sqlalchemy", "flask", "fastapi"].contains(where: name.contains) { return .alembic }
        return nil
    }

    /// An index name in Alembic's style (`ix_tokens_customer_id`), at most 63 bytes.
    public static func indexName(table: String, columns: [String]) -> String {
        let name = (["ix", table] + columns).joined(separator: "_")
        return String(decoding: Array(name.utf8.prefix(63)), as: UTF8.self)
    }

    /// The migration that creates the index, in `framework`'s form.
    public static func creation(table: String, columns: [String], framework: Framework) -> String {
        let name = indexName(table: table, columns: columns)
        switch framework {
        case .alembic:
            let list = columns.map { "'\($0)'" }.joined(separator: ", ")
            return "with op.get_context().autocommit_block(): op.create_index('\(name)', '\(table)', [\(list)], "
                + "postgresql_concurrently=True)"
        case .django:
            let list = columns.map { "\"\($0)\"" }.joined(separator: ", ")
            return "class Meta: indexes = [models.Index(fields=[\(list)], name=\"\(name)\")] "
                + "(with AddIndexConcurrently in a non-atomic migration)"
        case .rails:
            let list =
                columns.count == 1 ? ":\(columns[0])" : "[" + columns.map { ":\($0)" }.joined(separator: ", ") + "]"
            return "add_index :\(table), \(list), algorithm: :concurrently (with disable_ddl_transaction!)"
        }
    }

    /// The migration that drops the index `name`, in `framework`'s form.
    public static func removal(index name: String, table: String, framework: Framework) -> String {
        switch framework {
        case .alembic:
            return "with op.get_context().autocommit_block(): op.drop_index('\(name)', table_name='\(table)', "
                + "postgresql_concurrently=True)"
        case .django:
            return "RemoveIndexConcurrently(model_name=..., name=\"\(name)\") in a non-atomic migration"
        case .rails:
            return "remove_index :\(table), name: :\(name), algorithm: :concurrently (with disable_ddl_transaction!)"
        }
    }
}
