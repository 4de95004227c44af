import NIOCore

/// The decisions of a ``TLSHandler``, free of I/O: which phase the connection is in, what to do
/// with a write, a flush, a close, and with each OpenSSL step's result. Holds the plaintext written
/// before the handshake completed, with its promises.
struct TLSHandlerStateMachine {
    /// The phase of the connection.
    enum State: Equatable {
        /// No handshake step yet (a server waits for the ClientHello).
        case idle
        /// The handshake is under way.
        case handshaking
        /// The handshake completed; application data flows.
        case active
        /// close_notify was sent or received, the handshake failed, or the channel went inactive.
        case closed
    }

    /// Plaintext written before the handshake completed.
    struct BufferedWrite {
        var data: ByteBuffer
        var promise: EventLoopPromise<Void>?
    }

    /// What to do with ciphertext from the peer, once OpenSSL has it.
    enum CiphertextAction {
        /// The connection is closed: the bytes are dropped.
        case drop
        /// Run a handshake step (the first one, for a server), then read plaintext if it completed.
        case handshake
        /// Read plaintext.
        case readPlaintext
    }

    /// What to do after a handshake step.
    enum HandshakeAction {
        /// More ciphertext from the peer is needed.
        case waitForCiphertext
        /// Done: announce it, then encrypt, write and flush `flushedWrites` (those a flush covered).
        case completed(flushedWrites: CircularBuffer<BufferedWrite>)
        /// Failed: send any alert, fail the buffered writes, report the error and close.
        case fail(TLSError, bufferedWrites: CircularBuffer<BufferedWrite>)
    }

    /// What to do after a read step.
    enum ReadAction {
        /// Pass the plaintext on and read again.
        case deliver
        /// Nothing more to read until more ciphertext comes.
        case stop
        /// The peer sent close_notify: answer with ours and close; fail the buffered writes
        /// (taken with ``TLSHandlerStateMachine/fail()``).
        case closeNotifyReceived
        /// Reading failed: send any alert, report the error and close; fail the buffered writes
        /// (taken with ``TLSHandlerStateMachine/fail()``).
        case fail(TLSError)
    }

    /// What to do with a write from the pipeline.
    enum WriteAction {
        /// Held until the next flush (and until the handshake completes).
        case buffered
        /// The connection is closed: fail the promise.
        case fail(TLSError)
    }

    /// What to do with a flush from the pipeline.
    enum FlushAction {
        /// Encrypt the writes handed over together, write the ciphertext and flush.
        case encryptAndFlush
        /// The handshake is under way: the flush is remembered for when it completes.
        case deferred
        /// Nothing of TLS's to do: pass the flush on.
        case forward
    }

    /// What to do with a close from the pipeline.
    enum CloseAction {
        /// Send close_notify, fail the writes that were never flushed, then close the channel.
        case sendCloseNotify(unflushedWrites: CircularBuffer<BufferedWrite>)
        /// The handshake never completed: fail the buffered writes and close the channel.
        case closeBeforeHandshake(bufferedWrites: CircularBuffer<BufferedWrite>)
        /// Already closed from TLS's point of view: pass the close on.
        case forward
    }

    private(set) var state: State = .idle
    private var bufferedWrites = CircularBuffer<BufferedWrite>()
    /// How many of `bufferedWrites` (from the front) a flush made before the handshake completed covers.
    private var flushedCount = 0
    /// Whether the next handler asked for data (`read`) and has not been given plaintext since.
    private(set) var readRequested = false

    /// Moves from idle to handshaking; `false` if the handshake had already started or the connection closed.
    mutating func startHandshake() -> Bool {
        switch state {
        case .idle:
            state = .handshaking
            return true
        case .handshaking, .active, .closed:
            return false
        }
    }

    /// Ciphertext arrived: a server's first ciphertext starts its handshake.
    mutating func ciphertextArrived() -> CiphertextAction {
        switch state {
        case .idle:
            state = .handshaking
            return .handshake
        case .handshaking:
            return .handshake
        case .active:
            return .readPlaintext
        case .closed:
            return .drop
        }
    }

    mutating func handshakeStepped(_ result: TLSStepResult) -> HandshakeAction {
        switch result {
        case .done:
            state = .active
            var flushed = CircularBuffer<BufferedWrite>(initialCapacity: flushedCount)
            for _ in 0..<flushedCount {
                flushed.append(bufferedWrites.removeFirst())
            }
            flushedCount = 0
            return .completed(flushedWrites: flushed)
        case .wantRead:
            return .waitForCiphertext
        case .closeNotifyReceived:
            return .fail(.closedBeforeHandshake, bufferedWrites: takeBufferedWritesAndClose())
        case .failed(let error):
            return .fail(error, bufferedWrites: takeBufferedWritesAndClose())
        }
    }

    mutating func readStepped(_ result: TLSStepResult) -> ReadAction {
        switch result {
        case .done(let bytes):
            if bytes > 0 {
                readRequested = false
            }
            return bytes > 0 ? .deliver : .stop
        case .wantRead:
            return .stop
        case .closeNotifyReceived:
            return .closeNotifyReceived
        case .failed(let error):
            return .fail(error)
        }
    }

    mutating func write(_ data: ByteBuffer, promise: EventLoopPromise<Void>?) -> WriteAction {
        switch state {
        case .idle, .handshaking, .active:
            bufferedWrites.append(BufferedWrite(data: data, promise: promise))
            return .buffered
        case .closed:
            return .fail(.connectionClosed)
        }
    }

    /// A flush from the pipeline. On ``FlushAction/encryptAndFlush`` the writes to encrypt are handed over
    /// in `writes`, which must come in empty: the two buffers are swapped, so that the machine keeps
    /// `writes`'s storage for the next writes and a flush allocates nothing.
    mutating func flush(handingOverTo writes: inout CircularBuffer<BufferedWrite>) -> FlushAction {
        precondition(writes.isEmpty, "the buffer for a flush's writes must come in empty")
        switch state {
        case .idle, .handshaking:
            flushedCount = bufferedWrites.count
            return .deferred
        case .active:
            swap(&bufferedWrites, &writes)
            return .encryptAndFlush
        case .closed:
            return .forward
        }
    }

    mutating func close() -> CloseAction {
        switch state {
        case .active:
            return .sendCloseNotify(unflushedWrites: takeBufferedWritesAndClose())
        case .idle, .handshaking:
            return .closeBeforeHandshake(bufferedWrites: takeBufferedWritesAndClose())
        case .closed:
            return .forward
        }
    }

    /// A failure outside the handshake (a read or encryption error): close and hand back what is still buffered.
    mutating func fail() -> CircularBuffer<BufferedWrite> {
        takeBufferedWritesAndClose()
    }

    /// The channel went inactive: close and hand back the buffered writes with the error to fail them with.
    mutating func channelInactive() -> (writes: CircularBuffer<BufferedWrite>, error: TLSError) {
        let error: TLSError
        switch state {
        case .idle, .handshaking:
            error = .closedBeforeHandshake
        case .active, .closed:
            error = .connectionClosed
        }
        return (takeBufferedWritesAndClose(), error)
    }

    mutating func nextHandlerRequestedRead() {
        readRequested = true
    }

    /// Whether to ask the channel for more ciphertext after a read burst that gave the next handler nothing.
    var shouldReadAgain: Bool {
        switch state {
        case .idle, .handshaking, .active:
            return readRequested
        case .closed:
            return false
        }
    }

    private mutating func takeBufferedWritesAndClose() -> CircularBuffer<BufferedWrite> {
        state = .closed
        let writes = bufferedWrites
        bufferedWrites = CircularBuffer()
        flushedCount = 0
        return writes
    }
}
