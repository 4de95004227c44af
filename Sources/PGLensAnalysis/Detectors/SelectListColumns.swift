/// The names of a SELECT's result columns, read from its normalized text: what a loop's keys are said to
/// come from in the lineage evidence (`leads.id`). A column reference keeps its table (`"app_lead"."id"` is
/// `app_lead.id`; a bare `id` takes the query's main table); another expression is named by its alias, or
/// by its position.
enum SelectListColumns {
    /// The result column names of `query`, in order; empty when it is not a plain SELECT.
    static func names(in query: String, mainTable: String?) -> [String] {
        let lexer = SQLLexer(query)
        let tokens = Array(lexer).filter { !$0.isComment }
        guard let select = tokens.firstIndex(where: { lexer.isKeyword($0, "select") }) else { return [] }
        var items: [[SQLToken]] = [[]]
        var depth = 0
        for token in tokens[(select + 1)...] {
            if lexer.isSymbol(token, "(") { depth += 1 }
            if lexer.isSymbol(token, ")") { depth -= 1 }
            if depth == 0, lexer.isKeyword(token, "from") || lexer.isSymbol(token, ";") { break }
            if depth == 0, lexer.isSymbol(token, ",") {
                items.append([])
            } else {
                items[items.count - 1].append(token)
            }
        }
        if let first = items.first?.first, lexer.isKeyword(first, "distinct") { items[0].removeFirst() }
        let table = mainTable.map { $0.split(separator: ".").last.map(String.init) ?? $0 }
        return items.enumerated().map { position, item in
            name(of: item, lexer: lexer, table: table) ?? "column \(position + 1)"
        }
    }

    private static func name(of item: [SQLToken], lexer: SQLLexer, table: String?) -> String? {
        func bare(_ token: SQLToken) -> String { lexer.foldedText(of: token).replacing("\"", with: "") }
        func isName(_ token: SQLToken) -> Bool { token.kind == .identifier || token.kind == .quotedIdentifier }
        var expression = item
        var alias: String?
        if expression.count >= 3, lexer.isKeyword(expression[expression.count - 2], "as"), let last = expression.last {
            alias = bare(last)
            expression.removeLast(2)
        }
        // `t.col`, `"t"."col"`, `s.t.col`, or a bare `col`.
        if !expression.isEmpty, expression.count % 2 == 1,
            expression.enumerated().allSatisfy({
                $0.offset % 2 == 0 ? isName($0.element) : lexer.isSymbol($0.element, ".")
            })
        {
            let parts = stride(from: 0, to: expression.count, by: 2).map { bare(expression[$0]) }
            if parts.count == 1 { return table.map { "\($0).\(parts[0])" } ?? parts[0] }
            return parts.suffix(2).joined(separator: ".")
        }
        return alias
    }
}
