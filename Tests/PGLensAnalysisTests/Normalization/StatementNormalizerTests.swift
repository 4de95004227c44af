import Testing

@testable import PGLensAnalysis

@Suite struct StatementNormalizerTests {
    let normalizer = StatementNormalizer()

    @Test(arguments: NormalizerFixtures.cases)
    func normalizesFixture(_ fixture: NormalizerFixtures.Case) {
        #expect(normalizer.normalize(fixture.input).text == fixture.expected)
    }

    @Test func fixtureTableIsLarge() {
        #expect(NormalizerFixtures.cases.count >= 80)
    }
}

@Suite struct StatementNormalizerLargeInputTests {
    @Test func longListsCollapse() {
        let list = (1...10_000).map(String.init).joined(separator: ", ")
        let normalizer = StatementNormalizer()
        #expect(
            normalizer.normalize("select * from t where id in (\(list))").text == "select * from t where id in ($1)")
        let rows = (1...5_000).map { "(\($0), 'v\($0)')" }.joined(separator: ", ")
        #expect(normalizer.normalize("insert into t values \(rows)").text == "insert into t values ($1, $2)")
    }
}
