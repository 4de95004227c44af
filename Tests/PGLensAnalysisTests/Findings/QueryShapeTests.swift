import Testing

@testable import PGLensAnalysis

@Suite struct QueryShapeTests {
    static let examples: [(String, String?, [String])] = [
        ("select * from users where id = 1", "users", ["id"]),
        ("select * from public.users u where u.email = 'a' and age > 3", "public.users", ["email", "age"]),
        ("update accounts set balance = 1 where id = 2", "accounts", ["balance", "id"]),
        ("delete from only sessions where expires_at < now()", "sessions", []),
        ("select * from t where id in (1, 2) or k = any(array[1])", "t", ["id", "k"]),
        ("select count(*) from t where lower(email) = 'x'", "t", []),
        ("select 1", nil, []),
        ("insert into \"Events\" (a) values (1)", "\"Events\"", []),
        ("select * from (select 1) s join items i on i.id = s.id where i.kind = 'a'", "items", ["kind"]),
    ]

    @Test(arguments: examples)
    func readsTableAndColumns(_ example: (String, String?, [String])) {
        let shape = QueryShape(normalizedText: StatementNormalizer().normalize(example.0).text)
        #expect(shape.table == example.1)
        #expect(shape.filterColumns == example.2)
    }
}
