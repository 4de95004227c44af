import NIOCore
import Testing

@testable import PGLensTLS

/// The I/O-free decisions of `TLSHandler`.
@Suite struct TLSHandlerStateMachineTests {
    @Test func serverHandshakeStartsOnFirstCiphertextAndReadsAfterIt() {
        var machine = TLSHandlerStateMachine()
        guard case .handshake = machine.ciphertextArrived() else {
            Issue.record("first ciphertext should start the handshake")
            return
        }
        #expect(machine.state == .handshaking)
        guard case .waitForCiphertext = machine.handshakeStepped(.wantRead) else {
            Issue.record("WANT_READ should wait")
            return
        }
        guard case .completed(let flushed) = machine.handshakeStepped(.done(bytes: 0)) else {
            Issue.record("a finished step should complete")
            return
        }
        #expect(flushed.isEmpty)
        guard case .readPlaintext = machine.ciphertextArrived() else {
            Issue.record("after the handshake, ciphertext carries plaintext")
            return
        }
    }

    @Test func onlyFlushedWritesLeaveWhenTheHandshakeCompletes() {
        var machine = TLSHandlerStateMachine()
        let started = machine.startHandshake()
        #expect(started)
        _ = machine.write(ByteBuffer(string: "a"), promise: nil)
        var handedOver = CircularBuffer<TLSHandlerStateMachine.BufferedWrite>()
        let early = machine.flush(handingOverTo: &handedOver)
        #expect(early.isDeferred)
        #expect(handedOver.isEmpty)
        _ = machine.write(ByteBuffer(string: "b"), promise: nil)
        guard case .completed(let flushed) = machine.handshakeStepped(.done(bytes: 0)) else {
            Issue.record("a finished step should complete")
            return
        }
        #expect(flushed.map { String(buffer: $0.data) } == ["a"])
        guard case .encryptAndFlush = machine.flush(handingOverTo: &handedOver) else {
            Issue.record("an active flush should encrypt")
            return
        }
        #expect(handedOver.map { String(buffer: $0.data) } == ["b"])
        // The buffer handed back in empty is where the machine keeps the next writes.
        handedOver.removeAll(keepingCapacity: true)
        _ = machine.write(ByteBuffer(string: "c"), promise: nil)
        _ = machine.write(ByteBuffer(string: "d"), promise: nil)
        guard case .encryptAndFlush = machine.flush(handingOverTo: &handedOver) else {
            Issue.record("an active flush should encrypt")
            return
        }
        #expect(handedOver.map { String(buffer: $0.data) } == ["c", "d"])
        handedOver.removeAll(keepingCapacity: true)
        guard case .encryptAndFlush = machine.flush(handingOverTo: &handedOver) else {
            Issue.record("an active flush should encrypt")
            return
        }
        #expect(handedOver.isEmpty)
    }

    @Test func handshakeFailureClosesAndHandsBackBufferedWrites() {
        var machine = TLSHandlerStateMachine()
        let started = machine.startHandshake()
        #expect(started)
        _ = machine.write(ByteBuffer(string: "a"), promise: nil)
        let error = TLSError.openSSL(operation: "SSL_do_handshake", reasons: ["bad"])
        guard case .fail(error, let writes) = machine.handshakeStepped(.failed(error)) else {
            Issue.record("a failed step should fail")
            return
        }
        #expect(writes.count == 1)
        #expect(machine.state == .closed)
        guard case .drop = machine.ciphertextArrived() else {
            Issue.record("a closed connection drops ciphertext")
            return
        }
        guard case .fail(.connectionClosed) = machine.write(ByteBuffer(), promise: nil) else {
            Issue.record("a closed connection fails writes")
            return
        }
    }

    @Test func readRequestIsClearedByPlaintextOnly() {
        var machine = TLSHandlerStateMachine()
        let started = machine.startHandshake()
        #expect(started)
        _ = machine.handshakeStepped(.done(bytes: 0))
        machine.nextHandlerRequestedRead()
        _ = machine.readStepped(.wantRead)
        #expect(machine.shouldReadAgain)
        _ = machine.readStepped(.done(bytes: 5))
        #expect(!machine.shouldReadAgain)
    }
}

extension TLSHandlerStateMachine.FlushAction {
    fileprivate var isDeferred: Bool {
        switch self {
        case .deferred:
            return true
        case .encryptAndFlush, .forward:
            return false
        }
    }
}
