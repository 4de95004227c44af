import COpenSSL
import NIOCore
import Testing

@testable import PGLensTLS

/// The BIO over NIO's buffers keeps a memory BIO's contract, seen from OpenSSL's side: reads give the
/// peer's ciphertext in order and ask for a retry when there is none, writes take every byte.
@Suite struct TLSBufferBIOTests {
    @Test func readsGiveTheCiphertextInOrderAcrossBuffersThenAskForARetry() throws {
        let buffers = TLSBufferBIO()
        let bio = try #require(buffers.makeBIO())
        defer { BIO_free(bio) }
        var bytes = [UInt8](repeating: 0, count: 16)

        #expect(BIO_read(bio, &bytes, 16) <= 0)
        #expect(BIO_test_flags(bio, BIO_FLAGS_SHOULD_RETRY | BIO_FLAGS_READ) == BIO_FLAGS_SHOULD_RETRY | BIO_FLAGS_READ)

        buffers.append(input: ByteBuffer(string: "abc"))
        buffers.append(input: ByteBuffer(string: "defg"))
        #expect(BIO_ctrl_pending(bio) == 7)
        #expect(BIO_read(bio, &bytes, 5) == 5)
        #expect(Array(bytes.prefix(5)) == Array("abcde".utf8))
        #expect(BIO_test_flags(bio, BIO_FLAGS_SHOULD_RETRY) == 0)
        #expect(buffers.inputCount == 2)
        #expect(BIO_read(bio, &bytes, 16) == 2)
        #expect(Array(bytes.prefix(2)) == Array("fg".utf8))
        // All read: the connection holds no buffer while it waits.
        #expect(buffers.input == nil)
        #expect(BIO_read(bio, &bytes, 16) <= 0)
        #expect(BIO_test_flags(bio, BIO_FLAGS_SHOULD_RETRY) != 0)
    }

    @Test func theReceivedBufferIsReadInPlaceNotCopied() throws {
        let buffers = TLSBufferBIO()
        let received = ByteBuffer(string: "ciphertext from the channel")
        buffers.append(input: received)
        let held = try #require(buffers.input)
        let receivedAddress = received.withUnsafeReadableBytes { UInt(bitPattern: $0.baseAddress) }
        let heldAddress = held.withUnsafeReadableBytes { UInt(bitPattern: $0.baseAddress) }
        #expect(heldAddress == receivedAddress)
    }

    @Test func writesAreTakenWholeInOrderAndOnlyOnce() throws {
        let buffers = TLSBufferBIO()
        let bio = try #require(buffers.makeBIO())
        defer { BIO_free(bio) }
        #expect(buffers.takeOutput() == nil)
        #expect(BIO_write(bio, "hello", 5) == 5)
        #expect(BIO_write(bio, ", world", 7) == 7)
        #expect(BIO_ctrl_wpending(bio) == 12)
        #expect(BIO_ctrl(bio, BIO_CTRL_FLUSH, 0, nil) == 1)
        #expect(buffers.takeOutput() == ByteBuffer(string: "hello, world"))
        #expect(buffers.takeOutput() == nil)
        #expect(BIO_ctrl_wpending(bio) == 0)
    }
}
