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
