import NIOCore
import PGWire
import Testing

@Suite struct StatementNameFieldTests {
    private func frame(_ message: FrontendMessage) -> ByteBuffer {
        var buffer = ByteBuffer()
        message.encode(into: &buffer)
        return buffer
    }

    @Test func findsTheNameInEachMessageThatCarriesOne() throws {
        let bind = frame(
            .bind(BindMessage(portal: "p1", statement: "s1", parameters: [ByteBuffer(string: "x")])))
        let cases: [(ByteBuffer, String)] = [
            (frame(.parse(name: "s1", query: "SELECT $1", parameterTypes: [23])), "s1"),
            (bind, "s1"),
            (frame(.describe(.statement, name: "s1")), "s1"),
            (frame(.close(.statement, name: "s1")), "s1"),
        ]
        for (message, name) in cases {
            let field = try #require(StatementNameField.locate(in: message))
            #expect(field.name(in: message) == name)
        }
    }

    @Test func portalsAndOtherMessagesHaveNoStatementName() {
        #expect(StatementNameField.locate(in: frame(.describe(.portal, name: "p"))) == nil)
        #expect(StatementNameField.locate(in: frame(.close(.portal, name: "p"))) == nil)
        #expect(StatementNameField.locate(in: frame(.execute(portal: "", maxRows: 0))) == nil)
        #expect(StatementNameField.locate(in: frame(.sync)) == nil)
    }

    @Test func replacingKeepsTheRestOfTheMessageIntact() throws {
        let original = BindMessage(
            portal: "portal", statement: "short", parameterFormats: [1],
            parameters: [ByteBuffer(bytes: [0, 1, 2, 255]), nil], resultFormats: [0, 1])
        let message = frame(.bind(original))
        let field = try #require(StatementNameField.locate(in: message))
        let renamed = field.replacing(with: "a_much_longer_statement_name", in: message)
        guard case .bind(let decoded) = try FrontendMessage.decode(frame: renamed) else {
            Issue.record("not a Bind")
            return
        }
        var expected = original
        expected.statement = "a_much_longer_statement_name"
        #expect(decoded == expected)
    }

    @Test func unnamedStatementIsEmpty() throws {
        let message = frame(.parse(name: "", query: "SELECT 1", parameterTypes: []))
        let field = try #require(StatementNameField.locate(in: message))
        #expect(field.isUnnamed)
    }

    @Test func aNameWithoutTerminatorIsNotFound() {
        var message = ByteBuffer()
        message.writeInteger(FrontendMessageID.parse.rawValue)
        message.writeInteger(Int32(7))
        message.writeString("abc")
        #expect(StatementNameField.locate(in: message) == nil)
    }
}
