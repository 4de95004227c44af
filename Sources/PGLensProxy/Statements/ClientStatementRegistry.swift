/// The named prepared statements one client has defined, by the client's names.
struct ClientStatementRegistry: Sendable {
    private var statements: [String: PreparedStatement] = [:]

    var count: Int { statements.count }

    subscript(clientName: String) -> PreparedStatement? { statements[clientName] }

    /// Records a statement from the client's Parse, replacing one of the same name.
    @discardableResult
    mutating func define(_ clientName: String, query: String, parameterTypes: [UInt32]) -> PreparedStatement {
        let statement = PreparedStatement(clientName: clientName, query: query, parameterTypes: parameterTypes)
        statements[clientName] = statement
        return statement
    }

    /// Forgets a statement (Close, `DEALLOCATE`, or a Parse the server rejected). Returns it if it existed.
    @discardableResult
    mutating func remove(_ clientName: String) -> PreparedStatement? {
        statements.removeValue(forKey: clientName)
    }

    /// Forgets `clientName` only if it still names the statement prepared as `serverName`.
    mutating func remove(_ clientName: String, ifServerName serverName: String) {
        if statements[clientName]?.serverName == serverName { statements[clientName] = nil }
    }

    /// `DEALLOCATE ALL` or `DISCARD ALL`.
    mutating func removeAll() {
        statements.removeAll()
    }
}
