import NIOCore
import NIOEmbedded
import PGLensTLS
import Testing

/// The handler stops calling SSL_read when OpenSSL holds no more input (``TLSConnection/hasPendingInput``),
/// and still delivers every record that arrived in one read.
@Suite struct TLSPendingInputTests {
    @Test func recordsArrivingInOneReadAreAllDelivered() throws {
        let pair = try TLSChannelPair.standard()
        try pair.run()
        #expect(!pair.serverHandler.connection.hasPendingInput)
        var ciphertext = ByteBuffer()
        for text in ["first record ", "second record ", "third record"] {
            try pair.client.writeAndFlush(ByteBuffer(string: text)).wait()
            while var part = try pair.client.readOutbound(as: ByteBuffer.self) {
                ciphertext.writeBuffer(&part)
            }
        }
        // Three records, one read: the handler must loop over all of them.
        try pair.server.writeInbound(ciphertext)
        let received = try TLSChannelPair.plaintext(from: pair.server)
        #expect(String(decoding: received, as: UTF8.self) == "first record second record third record")
        #expect(!pair.serverHandler.connection.hasPendingInput)
        #expect(try pair.closeAndFinish())
    }

    @Test func aPartialRecordWaitsForItsRest() throws {
        let pair = try TLSChannelPair.standard()
        try pair.run()
        try pair.client.writeAndFlush(ByteBuffer(string: "split")).wait()
        var ciphertext = ByteBuffer()
        while var part = try pair.client.readOutbound(as: ByteBuffer.self) {
            ciphertext.writeBuffer(&part)
        }
        let head = ciphertext.getSlice(at: ciphertext.readerIndex, length: 7)!
        ciphertext.moveReaderIndex(forwardBy: 7)
        try pair.server.writeInbound(head)
        #expect(try TLSChannelPair.plaintext(from: pair.server).isEmpty)
        // OpenSSL took the partial record into its own buffer: nothing more can be decrypted yet.
        #expect(!pair.serverHandler.connection.hasPendingInput)
        try pair.server.writeInbound(ciphertext)
        #expect(try TLSChannelPair.plaintext(from: pair.server) == Array("split".utf8))
        #expect(!pair.serverHandler.connection.hasPendingInput)
        #expect(try pair.closeAndFinish())
    }

    /// The handler sizes its plaintext buffer by what OpenSSL holds (``TLSConnection/pendingInputCount``).
    /// When a record's first part came in an earlier read, its rest is shorter than its plaintext: the
    /// handler must then read on while OpenSSL holds decrypted bytes, and lose none.
    @Test func aRecordLongerThanItsLastPartIsDeliveredWhole() throws {
        let pair = try TLSChannelPair.standard()
        try pair.run()
        let text = (0..<10_000).map { UInt8(truncatingIfNeeded: $0 % 251) }
        try pair.client.writeAndFlush(ByteBuffer(bytes: text)).wait()
        var ciphertext = ByteBuffer()
        while var part = try pair.client.readOutbound(as: ByteBuffer.self) {
            ciphertext.writeBuffer(&part)
        }
        let head = ciphertext.readSlice(length: 9_000)!
        try pair.server.writeInbound(head)
        #expect(try TLSChannelPair.plaintext(from: pair.server).isEmpty)
        #expect(pair.serverHandler.connection.pendingInputCount < text.count)
        #expect(ciphertext.readableBytes < text.count)
        try pair.server.writeInbound(ciphertext)
        #expect(try TLSChannelPair.plaintext(from: pair.server) == text)
        #expect(!pair.serverHandler.connection.hasPendingInput)
        #expect(try pair.closeAndFinish())
    }
}
