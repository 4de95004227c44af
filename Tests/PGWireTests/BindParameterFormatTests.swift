import PGWire
import Testing

@Suite struct BindParameterFormatTests {
    @Test func formatCodesApplyAsTheProtocolSays() {
        #expect(!BindMessage(parameters: [nil, nil]).isBinaryParameter(at: 1))
        #expect(BindMessage(parameterFormats: [1], parameters: [nil, nil]).isBinaryParameter(at: 1))
        let mixed = BindMessage(parameterFormats: [0, 1], parameters: [nil, nil])
        #expect(!mixed.isBinaryParameter(at: 0))
        #expect(mixed.isBinaryParameter(at: 1))
    }
}
