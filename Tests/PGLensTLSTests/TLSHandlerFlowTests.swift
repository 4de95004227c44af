import NIOCore
import NIOEmbedded
import PGLensTLS
import Testing

/// Write coalescing, flush semantics and read backpressure of `TLSHandler`.
@Suite struct TLSHandlerFlowTests {
    @Test func writesUpToAFlushShareOneCiphertextWriteAndTheirPromisesComplete() throws {
        let pair = try TLSChannelPair.standard()
        try pair.run()
        let promises = ["SELECT ", "1", ";"].map { text in
            let promise = pair.client.eventLoop.makePromise(of: Void.self)
            pair.client.write(ByteBuffer(string: text), promise: promise)
            return promise.futureResult
        }
        #expect(try pair.client.readOutbound(as: ByteBuffer.self) == nil)
        pair.client.flush()
        let ciphertext = try #require(try pair.client.readOutbound(as: ByteBuffer.self))
        #expect(try pair.client.readOutbound(as: ByteBuffer.self) == nil)
        for promise in promises {
            try promise.wait()
        }
        try pair.server.writeInbound(ciphertext)
        #expect(try TLSChannelPair.plaintext(from: pair.server) == Array("SELECT 1;".utf8))
        #expect(try pair.closeAndFinish())
    }

    @Test func writesBeforeTheHandshakeWaitForAFlush() throws {
        let pair = try TLSChannelPair.standard()
        pair.client.write(ByteBuffer(string: "flushed"), promise: nil)
        pair.client.flush()
        pair.client.write(ByteBuffer(string: " later"), promise: nil)
        try pair.run()
        #expect(try TLSChannelPair.plaintext(from: pair.server) == Array("flushed".utf8))
        pair.client.flush()
        try pair.run()
        #expect(try TLSChannelPair.plaintext(from: pair.server) == Array(" later".utf8))
        #expect(try pair.closeAndFinish())
    }

    @Test func readsAgainOnlyWhileTheNextHandlerWaitsForPlaintext() throws {
        let pair = try TLSChannelPair.standard()
        try pair.run()
        let counter = ReadCounter()
        try pair.server.pipeline.syncOperations.addHandler(counter, position: .first)

        pair.server.pipeline.read()
        #expect(counter.reads == 1)
        try pair.client.writeAndFlush(ByteBuffer(string: "hello")).wait()
        var ciphertext = try #require(try pair.client.readOutbound(as: ByteBuffer.self))
        let head = ciphertext.readSlice(length: 3)!
        try pair.server.writeInbound(head)
        #expect(counter.reads == 2, "no plaintext yet: the handler asks for more ciphertext itself")
        try pair.server.writeInbound(ciphertext)
        #expect(counter.reads == 2, "plaintext was delivered: the next read is the next handler's call")
        #expect(try TLSChannelPair.plaintext(from: pair.server) == Array("hello".utf8))
        #expect(try pair.closeAndFinish())
    }

    @Test func writeAfterCloseFailsItsPromise() throws {
        let pair = try TLSChannelPair.standard()
        try pair.run()
        try pair.client.close().wait()
        #expect(throws: (any Error).self) {
            try pair.client.writeAndFlush(ByteBuffer(string: "too late")).wait()
        }
        try pair.run()
        #expect(try pair.finish())
    }

    @Test func closeBeforeTheHandshakeFailsBufferedWrites() throws {
        let pair = try TLSChannelPair.standard()
        let write = pair.client.writeAndFlush(ByteBuffer(string: "never sent"))
        try pair.client.close().wait()
        #expect(throws: TLSError.closedBeforeHandshake) {
            try write.wait()
        }
        try pair.run()
        #expect(try pair.finish())
    }
}
