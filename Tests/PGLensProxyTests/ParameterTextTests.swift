import NIOCore
import Testing

@testable import PGLensProxy

/// How captured Bind parameter values read in the report.
@Suite struct ParameterTextTests {
    @Test func textValuesAreKeptAsSent() {
        #expect(StatementObserver.parameterText(ByteBuffer(string: "héllo"), binary: false) == "héllo")
    }

    @Test func binaryValuesReadAsByteaHex() {
        #expect(StatementObserver.parameterText(ByteBuffer(bytes: [0x00, 0x2a, 0xff]), binary: true) == "\\x002aff")
    }

    @Test func longBinaryValuesAreCut() {
        let text = StatementObserver.parameterText(ByteBuffer(repeating: 0xab, count: 1000), binary: true)
        #expect(text.utf8.count == 2 + 101 * 2)
    }
}
