import Foundation

/// The statements the advisor runs to take a ``CatalogSnapshot``, and the reading of their answers. Each
/// answers one row (the lists as one JSON document each), so that the snapshot costs three round trips
/// whatever the schema's size; the number of tables read is bounded by ``tableLimit`` (largest first) and
/// indexes and foreign keys by those tables.
public enum CatalogQueries {
    /// The most tables a snapshot holds: the largest ones.
    public static let tableLimit = 2000
    /// The most indexes and foreign keys a snapshot holds.
    public static let indexLimit = 10000

    /// Why an answer could not be read.
    public struct UnreadableAnswer: Error, Equatable, CustomStringConvertible {
        /// What was wrong.
        public var description: String
    }

    /// The server and database facts, one row: `server_version_num`, `max_connections`, the installed
    /// HypoPG version (NULL when not installed), whether HypoPG is available (`t`/`f`), `current_user`,
    /// the statistics reset time as epoch seconds (NULL when never reset).
    public static let server = """
        SELECT current_setting('server_version_num'), current_setting('max_connections'), \
        (SELECT extversion FROM pg_extension WHERE extname = 'hypopg'), \
        EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'hypopg'), current_user, \
        (SELECT extract(epoch FROM stats_reset)::float8 FROM pg_stat_database WHERE datname = current_database())
        """

    private static let largestTables = """
        SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
        WHERE c.relkind IN ('r', 'p', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema') \
        AND n.nspname !~ '^pg_toast' AND n.nspname !~ '^pg_temp' \
        ORDER BY pg_total_relation_size(c.oid) DESC, c.oid LIMIT \(tableLimit + 1)
        """

    /// The schema, one row of three JSON arrays: tables (with one more than ``tableLimit`` to tell that
    /// there are more), their indexes, their foreign keys.
    public static let schema = """
        WITH top AS (\(largestTables)) SELECT \
        (SELECT coalesce(json_agg(t), '[]') FROM (SELECT n.nspname AS schema, c.relname AS name, \
        c.reltuples::float8 AS row_estimate, pg_total_relation_size(c.oid) AS size_bytes, \
        coalesce(s.seq_scan, 0) AS seq_scan, coalesce(s.seq_tup_read, 0) AS seq_tup_read, \
        coalesce(s.idx_scan, 0) AS idx_scan FROM top JOIN pg_class c ON c.oid = top.oid \
        JOIN pg_namespace n ON n.oid = c.relnamespace LEFT JOIN pg_stat_all_tables s ON s.relid = c.oid \
        ORDER BY pg_total_relation_size(c.oid) DESC, c.oid) t), \
        (SELECT coalesce(json_agg(i), '[]') FROM (SELECT n.nspname AS schema, t.relname AS table, \
        ic.relname AS name, (SELECT json_agg(a.attname ORDER BY k.i) FROM generate_series(0, x.indnkeyatts - 1) \
        k(i) LEFT JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = x.indkey[k.i] \
        AND x.indkey[k.i] <> 0) AS columns, x.indisunique AS is_unique, x.indisprimary AS is_primary, \
        x.indisvalid AS is_valid, pg_get_expr(x.indpred, x.indrelid) AS predicate, \
        pg_get_indexdef(x.indexrelid) AS definition, am.amname AS method, \
        pg_relation_size(x.indexrelid) AS size_bytes, coalesce(s.idx_scan, 0) AS scans \
        FROM pg_index x JOIN top ON top.oid = x.indrelid JOIN pg_class ic ON ic.oid = x.indexrelid \
        JOIN pg_class t ON t.oid = x.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace \
        JOIN pg_am am ON am.oid = ic.relam LEFT JOIN pg_stat_all_indexes s ON s.indexrelid = x.indexrelid \
        ORDER BY n.nspname, t.relname, ic.relname LIMIT \(indexLimit)) i), \
        (SELECT coalesce(json_agg(f), '[]') FROM (SELECT n.nspname AS schema, t.relname AS table, \
        c.conname AS name, (SELECT json_agg(a.attname ORDER BY k.ord) FROM unnest(c.conkey) WITH ORDINALITY \
        k(attnum, ord) JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum) AS columns, \
        rn.nspname AS referenced_schema, r.relname AS referenced_table \
        FROM pg_constraint c JOIN top ON top.oid = c.conrelid JOIN pg_class t ON t.oid = c.conrelid \
        JOIN pg_namespace n ON n.oid = t.relnamespace JOIN pg_class r ON r.oid = c.confrelid \
        JOIN pg_namespace rn ON rn.oid = r.relnamespace WHERE c.contype = 'f' \
        ORDER BY n.nspname, t.relname, c.conname LIMIT \(indexLimit)) f)
        """

    /// Builds the snapshot from the answers of ``server`` (its one row) and ``schema`` (its one row).
    public static func snapshot(
        serverRow: [String?], schemaRow: [String?], takenAt: Date = Date()
    ) throws(UnreadableAnswer) -> CatalogSnapshot {
        guard serverRow.count >= 6, schemaRow.count >= 3 else {
            throw UnreadableAnswer(description: "catalog answer has too few columns")
        }
        guard let version = serverRow[0].flatMap({ Int($0) }), let maxConnections = serverRow[1].flatMap({ Int($0) })
        else { throw UnreadableAnswer(description: "server_version_num or max_connections is not a number") }
        let hypothetical: CatalogSnapshot.HypotheticalIndexes =
            if let installed = serverRow[2] {
                .installed(version: installed)
            } else if serverRow[3] == "t" {
                .availableNotInstalled
            } else {
                .unavailable
            }
        var tables: [CatalogTable] = try decode(schemaRow[0], "tables")
        let isTruncated = tables.count > tableLimit
        if isTruncated { tables.removeLast(tables.count - tableLimit) }
        return CatalogSnapshot(
            serverVersionNumber: version, maxConnections: maxConnections, user: serverRow[4] ?? "",
            hypotheticalIndexes: hypothetical,
            statisticsResetAt: serverRow[5].flatMap(Double.init).map(Date.init(timeIntervalSince1970:)),
            tables: tables, indexes: try decode(schemaRow[1], "indexes"),
            foreignKeys: try decode(schemaRow[2], "foreign keys"), isTruncated: isTruncated, takenAt: takenAt)
    }

    private static func decode<T: Decodable>(_ text: String?, _ what: String) throws(UnreadableAnswer) -> [T] {
        guard let text else { return [] }
        do {
            return try JSONDecoder().decode([T].self, from: Data(text.utf8))
        } catch {
            throw UnreadableAnswer(description: "catalog \(what) could not be read: \(error)")
        }
    }
}
