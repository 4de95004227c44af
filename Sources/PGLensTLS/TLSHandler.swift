import NIOCore

/// TLS over a channel: ciphertext in and out below, plaintext in and out above. A thin handler that
/// moves bytes between the channel and a ``TLSConnection`` and carries out ``TLSHandlerStateMachine``'s
/// decisions.
///
/// A client starts the handshake when the channel is active; a server on the first ciphertext.
/// Writes made before the handshake completes are held and their promises complete once their
/// ciphertext is written. Ciphertext OpenSSL produces (handshake messages, alerts, close_notify) is
/// sent after every OpenSSL call. When the handshake completes, ``TLSHandshakeCompleted`` is fired as a
/// user inbound event; any OpenSSL failure is fired as a ``TLSError`` through `errorCaught`, and the
/// channel is closed. A close from the pipeline sends close_notify first; a close_notify from the
/// peer is answered and closes the channel. More ciphertext is read only while the next handler asks
/// for data (`read`), and plaintext is passed on as it is decrypted, never buffered.
public final class TLSHandler: ChannelDuplexHandler {
    public typealias InboundIn = ByteBuffer
    public typealias InboundOut = ByteBuffer
    public typealias OutboundIn = ByteBuffer
    public typealias OutboundOut = ByteBuffer

    /// The OpenSSL connection, for the negotiated parameters and channel binding data.
    public let connection: TLSConnection
    private var machine = TLSHandlerStateMachine()
    /// Ciphertext was written by the handler itself (not for a pipeline write) and not yet flushed.
    private var needsFlush = false
    /// An empty buffer kept from the last read burst, so that a burst ending without plaintext
    /// does not allocate.
    private var spareReadBuffer: ByteBuffer?
    /// The storage a flush hands writes over in, kept between flushes so that a flush allocates nothing.
    /// `nil` while a flush uses it, so that a flush re-entered from a write's promise takes its own.
    private var spareFlushWrites: CircularBuffer<TLSHandlerStateMachine.BufferedWrite>? = CircularBuffer(
        initialCapacity: 4)
    /// The channel's allocator, taken when the handler is added.
    private var allocator = ByteBufferAllocator()

    /// The most plaintext one TLS record carries, and so the most one `SSL_read` gives.
    private static let maximumRecordPlaintext = 16_384

    /// Creates a handler over `connection`, whose context decides the role.
    public init(connection: TLSConnection) {
        self.connection = connection
    }

    /// Creates a handler over a new connection for `context`; see ``TLSConnection/init(context:serverName:expectedHostName:)``.
    public convenience init(
        context: TLSContext, serverName: String? = nil, expectedHostName: String? = nil
    ) throws(TLSError) {
        self.init(
            connection: try TLSConnection(context: context, serverName: serverName, expectedHostName: expectedHostName))
    }

    public func handlerAdded(context: ChannelHandlerContext) {
        allocator = context.channel.allocator
        if context.channel.isActive {
            startClientHandshake(context: context)
        }
    }

    public func channelActive(context: ChannelHandlerContext) {
        context.fireChannelActive()
        startClientHandshake(context: context)
    }

    public func channelInactive(context: ChannelHandlerContext) {
        let (writes, error) = machine.channelInactive()
        failWrites(writes, with: error)
        context.fireChannelInactive()
    }

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch machine.ciphertextArrived() {
        case .drop:
            return
        case .handshake:
            connection.receiveCiphertext(unwrapInboundIn(data))
            if handshake(context: context) {
                readPlaintext(context: context)
            }
        case .readPlaintext:
            connection.receiveCiphertext(unwrapInboundIn(data))
            readPlaintext(context: context)
        }
    }

    public func channelReadComplete(context: ChannelHandlerContext) {
        flushIfNeeded(context: context)
        context.fireChannelReadComplete()
        if machine.shouldReadAgain {
            context.read()
        }
    }

    public func read(context: ChannelHandlerContext) {
        machine.nextHandlerRequestedRead()
        context.read()
    }

    public func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch machine.write(unwrapOutboundIn(data), promise: promise) {
        case .buffered:
            return
        case .fail(let error):
            promise?.fail(error)
        }
    }

    public func flush(context: ChannelHandlerContext) {
        var writes = spareFlushWrites.take() ?? CircularBuffer(initialCapacity: 4)
        switch machine.flush(handingOverTo: &writes) {
        case .encryptAndFlush:
            encrypt(context: context, writes: writes)
            writes.removeAll(keepingCapacity: true)
            spareFlushWrites = writes
            needsFlush = false
            context.flush()
        case .deferred:
            spareFlushWrites = writes
            return
        case .forward:
            spareFlushWrites = writes
            needsFlush = false
            context.flush()
        }
    }

    public func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        switch mode {
        case .input:
            context.close(mode: mode, promise: promise)
            return
        case .output, .all:
            break
        }
        switch machine.close() {
        case .sendCloseNotify(let unflushedWrites):
            failWrites(unflushedWrites, with: .connectionClosed)
            _ = connection.shutdown()
            writeCiphertext(context: context, promise: nil)
            flushIfNeeded(context: context)
        case .closeBeforeHandshake(let writes):
            failWrites(writes, with: .closedBeforeHandshake)
        case .forward:
            break
        }
        context.close(mode: mode, promise: promise)
    }

    // MARK: - Steps

    private func startClientHandshake(context: ChannelHandlerContext) {
        switch connection.context.configuration.role {
        case .client:
            if machine.startHandshake() {
                _ = handshake(context: context)
                flushIfNeeded(context: context)
            }
        case .server:
            return
        }
    }

    /// Runs a handshake step; `true` when the handshake completed and plaintext may follow.
    private func handshake(context: ChannelHandlerContext) -> Bool {
        let result = connection.handshake()
        writeCiphertext(context: context, promise: nil)
        switch machine.handshakeStepped(result) {
        case .waitForCiphertext:
            return false
        case .completed(let flushedWrites):
            context.fireUserInboundEventTriggered(TLSHandshakeCompleted(negotiatedALPN: connection.negotiatedALPN))
            if !flushedWrites.isEmpty, machine.state == .active {
                encrypt(context: context, writes: flushedWrites)
                needsFlush = false
                context.flush()
            } else {
                failWrites(flushedWrites, with: .connectionClosed)
            }
            return machine.state == .active
        case .fail(let error, let writes):
            failWrites(writes, with: error)
            fail(context: context, error: error)
            return false
        }
    }

    private func readPlaintext(context: ChannelHandlerContext) {
        // What OpenSSL holds, asked once per SSL_read: it sizes the buffer and says whether to read on.
        var pending = connection.pendingInputCount
        while machine.state == .active {
            // The plaintext is at most what OpenSSL holds (see TLSConnection.pendingInputCount), so a
            // small record gets a small buffer; at most one record's worth (16 KiB) per call.
            let maximum = min(Self.maximumRecordPlaintext, max(pending, 1))
            var plaintext = spareReadBuffer.take() ?? allocator.buffer(capacity: maximum)
            let result = connection.readPlaintext(into: &plaintext, maximum: maximum)
            switch machine.readStepped(result) {
            case .deliver:
                writeCiphertext(context: context, promise: nil)
                context.fireChannelRead(wrapInboundOut(plaintext))
                // Nothing left to decrypt: another SSL_read would only say so.
                pending = connection.pendingInputCount
                guard pending > 0 else { return }
            case .stop:
                spareReadBuffer = plaintext
                writeCiphertext(context: context, promise: nil)
                return
            case .closeNotifyReceived:
                failWrites(machine.fail(), with: .connectionClosed)
                _ = connection.shutdown()
                writeCiphertext(context: context, promise: nil)
                flushIfNeeded(context: context)
                context.close(promise: nil)
                return
            case .fail(let error):
                failWrites(machine.fail(), with: error)
                fail(context: context, error: error)
                return
            }
        }
    }

    /// Encrypts `writes` with one `SSL_write` (so small messages share TLS records) and writes the
    /// ciphertext; their promises complete when it is written.
    private func encrypt(context: ChannelHandlerContext, writes: CircularBuffer<TLSHandlerStateMachine.BufferedWrite>) {
        guard let first = writes.first else {
            return
        }
        var plaintext = first.data
        var promise = first.promise
        if writes.count > 1 {
            plaintext = allocator.buffer(capacity: writes.reduce(0) { $0 + $1.data.readableBytes })
            for write in writes {
                plaintext.writeImmutableBuffer(write.data)
            }
            promise = nil
            for write in writes {
                guard let writePromise = write.promise else {
                    continue
                }
                if promise == nil {
                    promise = context.eventLoop.makePromise()
                }
                promise?.futureResult.cascade(to: writePromise)
            }
        }
        switch connection.writePlaintext(plaintext) {
        case .done:
            writeCiphertext(context: context, promise: promise, always: true)
        case .wantRead, .closeNotifyReceived:
            promise?.fail(TLSError.connectionClosed)
            failWrites(machine.fail(), with: .connectionClosed)
            fail(context: context, error: .connectionClosed)
        case .failed(let error):
            promise?.fail(error)
            failWrites(machine.fail(), with: error)
            fail(context: context, error: error)
        }
    }

    /// Writes the ciphertext OpenSSL wrote for the peer. With `always`, writes even nothing, so that
    /// `promise` completes in order with the writes before it.
    private func writeCiphertext(context: ChannelHandlerContext, promise: EventLoopPromise<Void>?, always: Bool = false)
    {
        let ciphertext: ByteBuffer
        if let taken = connection.takeCiphertext() {
            ciphertext = taken
        } else if always {
            ciphertext = allocator.buffer(capacity: 0)
        } else {
            return
        }
        if promise == nil {
            needsFlush = true
        }
        context.write(wrapOutboundOut(ciphertext), promise: promise)
    }

    private func flushIfNeeded(context: ChannelHandlerContext) {
        if needsFlush {
            needsFlush = false
            context.flush()
        }
    }

    /// Sends what OpenSSL left to send (an alert), reports `error` and closes the channel.
    private func fail(context: ChannelHandlerContext, error: TLSError) {
        writeCiphertext(context: context, promise: nil)
        flushIfNeeded(context: context)
        context.fireErrorCaught(error)
        context.close(promise: nil)
    }

    private func failWrites(_ writes: CircularBuffer<TLSHandlerStateMachine.BufferedWrite>, with error: TLSError) {
        for write in writes {
            write.promise?.fail(error)
        }
    }
}
