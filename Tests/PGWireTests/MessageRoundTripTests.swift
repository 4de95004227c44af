import NIOCore
import PGWire
import Testing

@Suite struct MessageRoundTripTests {
    @Test func everyFrontendTypeIsSampled() {
        let sampled = Set(MessageSamples.frontend.map(\.id))
        #expect(sampled == Set(FrontendMessageID.allCases))
    }

    @Test func everyBackendTypeIsSampled() {
        let sampled = Set(MessageSamples.backend.map(\.id))
        #expect(sampled == Set(BackendMessageID.allCases))
    }

    @Test(arguments: MessageSamples.frontend)
    func frontendRoundTrip(message: FrontendMessage) throws {
        let frame = MessageSamples.encode(message)
        let (type, body) = MessageSamples.split(frame)
        #expect(type == message.id.rawValue)
        #expect(Int(frame.getInteger(at: frame.readerIndex + 1, as: Int32.self)!) == frame.readableBytes - 1)
        #expect(try FrontendMessage.decode(type: type, body: body) == message)
        #expect(try FrontendMessage.decode(frame: frame) == message)
    }

    @Test(arguments: MessageSamples.backend)
    func backendRoundTrip(message: BackendMessage) throws {
        let frame = MessageSamples.encode(message)
        let (type, body) = MessageSamples.split(frame)
        #expect(type == message.id.rawValue)
        #expect(Int(frame.getInteger(at: frame.readerIndex + 1, as: Int32.self)!) == frame.readableBytes - 1)
        #expect(try BackendMessage.decode(type: type, body: body) == message)
        #expect(try BackendMessage.decode(frame: frame) == message)
    }

    @Test func scannerDeliversEncodedBackendStream() throws {
        var stream = ByteBuffer()
        for message in MessageSamples.backend {
            message.encode(into: &stream)
        }
        var scanner = MessageScanner(watched: MessageTypeSet(Array(0...255)), maxMessageLength: 1 << 16)
        var decoded: [BackendMessage] = []
        while let event = try scanner.next(&stream) {
            guard case .message(let type, let frame) = event else {
                Issue.record("unexpected forward")
                continue
            }
            let message = try BackendMessage.decode(frame: frame)
            #expect(message.id.rawValue == type)
            decoded.append(message)
        }
        #expect(decoded == MessageSamples.backend)
    }

    @Test func saslHelpers() throws {
        guard case .passwordOrSASL(let body) = FrontendMessage.saslInitialResponse(mechanism: "M", data: [1, 2]) else {
            Issue.record("wrong case")
            return
        }
        #expect(try SASLInitialResponse.decode(body) == SASLInitialResponse(mechanism: "M", data: [1, 2]))
        guard case .passwordOrSASL(let empty) = FrontendMessage.saslInitialResponse(mechanism: "M", data: nil) else {
            Issue.record("wrong case")
            return
        }
        #expect(try SASLInitialResponse.decode(empty).data == nil)
        guard case .passwordOrSASL(let password) = FrontendMessage.password("secret") else {
            Issue.record("wrong case")
            return
        }
        #expect(try FrontendMessage.decodePassword(password) == "secret")
        #expect(throws: PGProtocolError.self) { try FrontendMessage.decodePassword(ByteBuffer(bytes: [0x61])) }
        #expect(throws: PGProtocolError.self) {
            try SASLInitialResponse.decode(ByteBuffer(bytes: [0x4D, 0, 0xFF, 0xFF, 0xFF, 0xFE]))
        }
        #expect(throws: PGProtocolError.self) {
            try SASLInitialResponse.decode(ByteBuffer(bytes: [0x4D, 0, 0, 0, 0, 5, 1]))
        }
    }

    @Test func errorResponseFrameAndFields() throws {
        let frame = BackendMessage.errorResponseFrame(
            sqlState: .tooManyConnections, message: "too many", detail: nil, hint: "wait")
        guard case .errorResponse(let fields) = try BackendMessage.decode(frame: frame) else {
            Issue.record("not an ErrorResponse")
            return
        }
        #expect(fields.severity == "ERROR")
        #expect(fields.sqlState == .tooManyConnections)
        #expect(fields.message == "too many")
        #expect(fields.detail == nil)
        #expect(fields.hint == "wait")
        #expect(!fields.isFatal)
        let fatal = BackendMessage.errorResponseFrame(PGProtocolError.malformed("x"))
        guard case .errorResponse(let fatalFields) = try BackendMessage.decode(frame: fatal) else {
            Issue.record("not an ErrorResponse")
            return
        }
        #expect(fatalFields.isFatal)
        #expect(fatalFields.sqlState == .protocolViolation)
        #expect(BackendMessage.readyForQueryFrame(.idle) == ByteBuffer(bytes: [0x5A, 0, 0, 0, 5, 0x49]))
    }

    @Test func cStringHelpers() {
        var buffer = ByteBuffer()
        #expect(buffer.writeCString("abc") == 4)
        buffer.writeBytes([0x64, 0x65])
        #expect(buffer.readCString() == "abc")
        #expect(buffer.readCString() == nil)
        #expect(buffer.readableBytes == 2)
        var empty = ByteBuffer(bytes: [0])
        #expect(empty.readCString() == "")
        #expect(empty.readableBytes == 0)
    }
}

@Suite struct CommandCompleteTests {
    @Test(arguments: [
        ("SELECT 5", 5), ("INSERT 0 3", 3), ("UPDATE 2", 2), ("COPY 7", 7), ("FETCH 1", 1), ("MOVE 1", 1),
        ("DELETE 0", 0), ("MERGE 4", 4),
    ])
    func rowCounts(tag: String, count: Int) {
        #expect(CommandComplete(tag: tag).rowCount == count)
    }

    @Test(arguments: ["CREATE TABLE", "BEGIN", "", "INSERT 3", "SELECT x", "SET", "SELECT 1 2"])
    func noRowCount(tag: String) {
        #expect(CommandComplete(tag: tag).rowCount == nil)
    }

    @Test func command() {
        #expect(CommandComplete(tag: "CREATE TABLE").command == "CREATE")
        #expect(CommandComplete(tag: "").command == "")
    }
}
