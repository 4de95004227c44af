import NIOCore
import PGWire

/// One sample of every message, used by the round-trip and malformed-input tests.
enum MessageSamples {
    static func bytes(_ values: [UInt8]) -> ByteBuffer { ByteBuffer(bytes: values) }

    static let frontend: [FrontendMessage] = [
        .bind(
            BindMessage(
                portal: "p1", statement: "s1", parameterFormats: [0, 1],
                parameters: [bytes([1, 2, 3]), nil, ByteBuffer()], resultFormats: [1])),
        .bind(BindMessage()),
        .close(.statement, name: "s1"),
        .close(.portal, name: ""),
        .copyData(bytes([9, 8, 7])),
        .copyDone,
        .copyFail(message: "aborted by user"),
        .describe(.portal, name: "p1"),
        .describe(.statement, name: "s2"),
        .execute(portal: "p1", maxRows: 100),
        .flush,
        .functionCall(
            FunctionCallMessage(functionOID: 1234, argumentFormats: [1], arguments: [bytes([0, 0, 0, 1]), nil])),
        .parse(name: "s1", query: "SELECT $1::int, $2", parameterTypes: [23, 0]),
        .parse(name: "", query: "SELECT 1", parameterTypes: []),
        .query("SELECT 'héllo'"),
        .sync,
        .terminate,
        .password("md5abcdef"),
        .saslInitialResponse(mechanism: "SCRAM-SHA-256", data: Array("n,,n=,r=abc".utf8)),
        .saslInitialResponse(mechanism: "SCRAM-SHA-256", data: nil),
        .saslResponse(Array("c=biws,r=abc,p=xyz".utf8)),
    ]

    static let backend: [BackendMessage] = [
        .authentication(.ok),
        .authentication(.kerberosV5),
        .authentication(.cleartextPassword),
        .authentication(.md5Password(salt: [1, 2, 3, 4])),
        .authentication(.gss),
        .authentication(.gssContinue(data: [5, 6])),
        .authentication(.sspi),
        .authentication(.sasl(mechanisms: ["SCRAM-SHA-256-PLUS", "SCRAM-SHA-256"])),
        .authentication(.saslContinue(data: Array("r=abc,s=salt,i=4096".utf8))),
        .authentication(.saslFinal(data: Array("v=sig".utf8))),
        .backendKeyData(CancelKey(processID: 4242, secret: Int32(-99))),
        .backendKeyData(CancelKey(processID: 1, secret: [UInt8](repeating: 7, count: 32))),
        .bindComplete,
        .closeComplete,
        .commandComplete(CommandComplete(tag: "INSERT 0 3")),
        .copyData(bytes([1, 2, 3, 4, 5])),
        .copyDone,
        .copyInResponse(CopyResponse(overallFormat: 0, columnFormats: [0, 0])),
        .copyOutResponse(CopyResponse(overallFormat: 1, columnFormats: [1])),
        .copyBothResponse(CopyResponse(overallFormat: 0, columnFormats: [])),
        .dataRow([bytes(Array("42".utf8)), nil, ByteBuffer()]),
        .dataRow([]),
        .emptyQueryResponse,
        .errorResponse(
            ErrorFields(severity: "FATAL", sqlState: .invalidPassword, message: "bad", detail: "d", hint: "h")),
        .functionCallResponse(bytes([0, 1])),
        .functionCallResponse(nil),
        .negotiateProtocolVersion(newestVersion: 196_608, unrecognized: ["_pq_.a", "_pq_.b"]),
        .noData,
        .noticeResponse(ErrorFields(severity: "NOTICE", sqlState: .successfulCompletion, message: "note")),
        .notificationResponse(processID: 77, channel: "events", payload: "{\"a\":1}"),
        .parameterDescription([23, 25, 0]),
        .parameterStatus(name: "server_version", value: "17.2"),
        .parseComplete,
        .portalSuspended,
        .readyForQuery(.idle),
        .readyForQuery(.inTransaction),
        .readyForQuery(.failed),
        .rowDescription([
            FieldDescription(
                name: "id", tableOID: 16384, columnAttributeNumber: 1, dataTypeOID: 23, dataTypeSize: 4,
                typeModifier: -1, formatCode: 0),
            FieldDescription(name: "name", dataTypeOID: 25, dataTypeSize: -1, formatCode: 1),
        ]),
        .rowDescription([]),
    ]

    /// Splits an encoded frame into type and body.
    static func split(_ frame: ByteBuffer) -> (type: UInt8, body: ByteBuffer) {
        (
            frame.getInteger(at: frame.readerIndex)!,
            frame.getSlice(at: frame.readerIndex + 5, length: frame.readableBytes - 5)!
        )
    }

    static func encode(_ message: FrontendMessage) -> ByteBuffer {
        var buffer = ByteBuffer()
        message.encode(into: &buffer)
        return buffer
    }

    static func encode(_ message: BackendMessage) -> ByteBuffer {
        var buffer = ByteBuffer()
        message.encode(into: &buffer)
        return buffer
    }
}
