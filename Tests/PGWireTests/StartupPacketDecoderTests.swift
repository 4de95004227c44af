import NIOCore
import PGWire
import Testing

@Suite struct StartupPacketDecoderTests {
    func decodeAll(_ bytes: ByteBuffer) throws -> [StartupPacket] {
        var decoder = StartupPacketDecoder()
        var input = bytes
        var packets: [StartupPacket] = []
        while let packet = try decoder.decode(&input) {
            packets.append(packet)
        }
        #expect(input.readableBytes == 0)
        return packets
    }

    static let startup = StartupMessage(
        minorVersion: 2,
        parameters: [
            StartupParameter(name: "user", value: "alice"),
            StartupParameter(name: "application_name", value: "psql"),
            StartupParameter(name: "_pq_.compression", value: "on"),
            StartupParameter(name: "options", value: "-c search_path=x"),
        ])

    @Test func roundTripsEveryPacket() throws {
        let packets: [StartupPacket] = [
            .sslRequest, .gssEncRequest,
            .cancel(CancelKey(processID: 42, secret: Int32(-7))),
            .cancel(CancelKey(processID: 1, secret: [UInt8](repeating: 9, count: 256))),
            .startup(Self.startup),
            .startup(StartupMessage(parameters: [])),
        ]
        var buffer = ByteBuffer()
        for packet in packets {
            packet.encode(into: &buffer)
        }
        #expect(try decodeAll(buffer) == packets)
    }

    @Test func returnsNilUntilComplete() throws {
        var whole = ByteBuffer()
        StartupPacket.startup(Self.startup).encode(into: &whole)
        for cut in 0..<whole.readableBytes {
            var decoder = StartupPacketDecoder()
            var partial = whole.getSlice(at: 0, length: cut)!
            #expect(try decoder.decode(&partial) == nil)
            #expect(partial.readableBytes == cut)
        }
    }

    @Test func accessors() {
        let message = Self.startup
        #expect(message.user == "alice")
        #expect(message.database == "alice")
        #expect(message.applicationName == "psql")
        #expect(message.options == "-c search_path=x")
        #expect(message.replication == nil)
        #expect(message.protocolOptions == [StartupParameter(name: "_pq_.compression", value: "on")])
        var other = message
        other.parameters.append(StartupParameter(name: "database", value: "db"))
        other.parameters.append(StartupParameter(name: "replication", value: "database"))
        #expect(other.database == "db")
        #expect(other.replication == "database")
    }

    func error(_ bytes: [UInt8], maxLength: Int = 10_000) -> PGProtocolError? {
        var decoder = StartupPacketDecoder(maxLength: maxLength)
        var input = ByteBuffer(bytes: bytes)
        do {
            _ = try decoder.decode(&input)
            return nil
        } catch {
            return error as? PGProtocolError
        }
    }

    static func packet(code: Int32, _ body: [UInt8]) -> [UInt8] {
        var buffer = ByteBuffer()
        buffer.writeInteger(Int32(8 + body.count))
        buffer.writeInteger(code)
        buffer.writeBytes(body)
        return Array(buffer.readableBytesView)
    }

    @Test func rejectsMalformedPackets() {
        let violation = SQLState.protocolViolation
        #expect(error([0, 0, 0, 7, 0, 0, 0])?.sqlState == violation)
        #expect(error([0xFF, 0xFF, 0xFF, 0xFF])?.sqlState == violation)
        #expect(error([0, 0, 0x27, 0x11]) == .messageTooLong(type: nil, length: 10_001, limit: 10_000))
        #expect(error([0, 0, 0, 100], maxLength: 99)?.sqlState == violation)
        #expect(error(Self.packet(code: 2 << 16, [0])) == .unexpectedStartupCode(2 << 16))
        #expect(error(Self.packet(code: 1234, [0])) == .unexpectedStartupCode(1234))
        // Missing the final terminator, a value without NUL, a name without value.
        #expect(error(Self.packet(code: 3 << 16, Array("user\0bob\0".utf8)))?.sqlState == violation)
        #expect(error(Self.packet(code: 3 << 16, Array("user\0bob".utf8)))?.sqlState == violation)
        #expect(error(Self.packet(code: 3 << 16, Array("user\0".utf8)))?.sqlState == violation)
        #expect(error(Self.packet(code: 3 << 16, []))?.sqlState == violation)
        #expect(error(Self.packet(code: 3 << 16, [0, 0]))?.sqlState == violation)
        // Cancel secrets must be 4 to 256 bytes.
        #expect(error(Self.packet(code: 80_877_102, [0, 0, 0, 1, 1, 2, 3]))?.sqlState == violation)
        #expect(error(Self.packet(code: 80_877_102, [0, 0, 0, 1] + [UInt8](repeating: 1, count: 257))) != nil)
        #expect(error(Self.packet(code: 80_877_103, [0])) != nil)
        #expect(error(Self.packet(code: 80_877_104, [0])) != nil)
    }

    @Test func decodesPacketFollowedByMoreBytes() throws {
        var buffer = ByteBuffer()
        StartupPacket.sslRequest.encode(into: &buffer)
        buffer.writeBytes([0x16, 0x03])
        var decoder = StartupPacketDecoder()
        #expect(try decoder.decode(&buffer) == .sslRequest)
        #expect(buffer.readableBytes == 2)
    }
}
