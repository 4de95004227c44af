import NIOCore
import PGWire
import Testing

@Suite struct MalformedMessageTests {
    /// Whether any proper prefix of the body may legitimately decode (raw or variable-length payloads).
    static func acceptsPrefixes(_ message: FrontendMessage) -> Bool {
        switch message {
        case .copyData, .passwordOrSASL: return true
        case .bind, .close, .copyDone, .copyFail, .describe, .execute, .flush, .functionCall, .parse, .query, .sync,
            .terminate:
            return false
        }
    }

    static func acceptsPrefixes(_ message: BackendMessage) -> Bool {
        switch message {
        case .copyData, .backendKeyData:
            return true
        case .authentication(let request):
            switch request {
            case .gssContinue, .saslContinue, .saslFinal: return true
            case .ok, .kerberosV5, .cleartextPassword, .md5Password, .gss, .sspi, .sasl: return false
            }
        case .bindComplete, .closeComplete, .commandComplete, .copyDone, .copyInResponse, .copyOutResponse,
            .copyBothResponse, .dataRow, .emptyQueryResponse, .errorResponse, .functionCallResponse,
            .negotiateProtocolVersion, .noData, .noticeResponse, .notificationResponse, .parameterDescription,
            .parameterStatus, .parseComplete, .portalSuspended, .readyForQuery, .rowDescription:
            return false
        }
    }

    static func expectViolation(_ body: () throws -> Void, _ comment: Comment) {
        do {
            try body()
            Issue.record(comment)
        } catch let error as PGProtocolError {
            #expect(error.sqlState == .protocolViolation)
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test(arguments: MessageSamples.frontend)
    func frontendTruncationAndTrailingBytes(message: FrontendMessage) {
        let (type, body) = MessageSamples.split(MessageSamples.encode(message))
        guard !Self.acceptsPrefixes(message) else { return }
        for cut in 0..<body.readableBytes {
            Self.expectViolation(
                { _ = try FrontendMessage.decode(type: type, body: body.getSlice(at: body.readerIndex, length: cut)!) },
                "prefix \(cut) of \(message) decoded")
        }
        var longer = body
        longer.writeInteger(UInt8(0))
        Self.expectViolation({ _ = try FrontendMessage.decode(type: type, body: longer) }, "trailing byte accepted")
    }

    @Test(arguments: MessageSamples.backend)
    func backendTruncationAndTrailingBytes(message: BackendMessage) {
        let (type, body) = MessageSamples.split(MessageSamples.encode(message))
        guard !Self.acceptsPrefixes(message) else { return }
        for cut in 0..<body.readableBytes {
            Self.expectViolation(
                { _ = try BackendMessage.decode(type: type, body: body.getSlice(at: body.readerIndex, length: cut)!) },
                "prefix \(cut) of \(message) decoded")
        }
        var longer = body
        longer.writeInteger(UInt8(0))
        Self.expectViolation({ _ = try BackendMessage.decode(type: type, body: longer) }, "trailing byte accepted")
    }

    static func body(_ bytes: [UInt8]) -> ByteBuffer { ByteBuffer(bytes: bytes) }

    @Test func specificViolations() {
        let cases: [(String, () throws -> Void)] = [
            ("unknown frontend type", { _ = try FrontendMessage.decode(type: 0x7A, body: Self.body([])) }),
            ("unknown backend type", { _ = try BackendMessage.decode(type: 0x7A, body: Self.body([])) }),
            (
                "DataRow length -2",
                { _ = try BackendMessage.decode(type: 0x44, body: Self.body([0, 1, 255, 255, 255, 254])) }
            ),
            (
                "DataRow count too big",
                { _ = try BackendMessage.decode(type: 0x44, body: Self.body([255, 255, 0, 0])) }
            ),
            (
                "Bind param -3",
                {
                    _ = try FrontendMessage.decode(
                        type: 0x42, body: Self.body([0, 0, 0, 0, 0, 1, 255, 255, 255, 253, 0, 0]))
                }
            ),
            (
                "NegotiateProtocolVersion count -1",
                { _ = try BackendMessage.decode(type: 0x76, body: Self.body([0, 0, 0, 0, 255, 255, 255, 255])) }
            ),
            (
                "RowDescription count too big",
                { _ = try BackendMessage.decode(type: 0x54, body: Self.body([0, 2, 0x61, 0])) }
            ),
            ("ReadyForQuery status X", { _ = try BackendMessage.decode(type: 0x5A, body: Self.body([0x58])) }),
            ("Describe target X", { _ = try FrontendMessage.decode(type: 0x44, body: Self.body([0x58, 0])) }),
            ("Authentication code 6", { _ = try BackendMessage.decode(type: 0x52, body: Self.body([0, 0, 0, 6])) }),
            ("MD5 salt short", { _ = try BackendMessage.decode(type: 0x52, body: Self.body([0, 0, 0, 5, 1, 2])) }),
            (
                "BackendKeyData secret short",
                { _ = try BackendMessage.decode(type: 0x4B, body: Self.body([0, 0, 0, 1, 2])) }
            ),
            (
                "ErrorResponse missing NUL",
                { _ = try BackendMessage.decode(type: 0x45, body: Self.body([0x4D, 0x61])) }
            ),
            ("frame length mismatch", { _ = try BackendMessage.decode(frame: Self.body([0x5A, 0, 0, 0, 6, 0x49])) }),
            ("frame length 3", { _ = try BackendMessage.decode(frame: Self.body([0x5A, 0, 0, 0, 3])) }),
            ("frame truncated header", { _ = try FrontendMessage.decode(frame: Self.body([0x51, 0])) }),
        ]
        for (name, body) in cases {
            Self.expectViolation(body, "\(name) accepted")
        }
    }

    /// Random bodies for every type must decode or throw ``PGProtocolError``, never trap.
    @Test func randomBodiesNeverTrap() {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func random() -> UInt8 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: state >> 33)
        }
        let interesting: [UInt8] = [0, 1, 0xFF, 0xFE, 0x7F, 0x49, 0x53, 0x50]
        for _ in 0..<3000 {
            let length = Int(random() % 24)
            let bytes = (0..<length).map { _ in random() % 3 == 0 ? interesting[Int(random()) % 8] : random() }
            for id in FrontendMessageID.allCases {
                do { _ = try FrontendMessage.decode(type: id.rawValue, body: Self.body(bytes)) } catch {
                    #expect(error is PGProtocolError)
                }
            }
            for id in BackendMessageID.allCases {
                do { _ = try BackendMessage.decode(type: id.rawValue, body: Self.body(bytes)) } catch {
                    #expect(error is PGProtocolError)
                }
            }
        }
    }
}
