import NIOCore
import PGWire

/// The rows a `SHOW` command answers with, all values in text form (nil is SQL NULL).
struct AdminResultSet: Equatable, Sendable {
    var columns: [AdminColumn]
    var rows: [[String?]] = []

    /// The column names, in order.
    var columnNames: [String] { columns.map(\.name) }

    /// Appends a row; it must have one value per column.
    mutating func append(_ row: [String?]) {
        precondition(row.count == columns.count, "a row of \(row.count) values for \(columns.count) columns")
        rows.append(row)
    }

    /// RowDescription, one DataRow per row and CommandComplete `SHOW`.
    func messages() -> [BackendMessage] {
        var messages: [BackendMessage] = [.rowDescription(columns.map(\.fieldDescription))]
        messages.reserveCapacity(rows.count + 2)
        for row in rows {
            messages.append(.dataRow(row.map { $0.map { ByteBuffer(string: $0) } }))
        }
        messages.append(.commandComplete(CommandComplete(tag: "SHOW")))
        return messages
    }
}
