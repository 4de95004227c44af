import COpenSSL
import NIOCore

/// The ciphertext buffers of one ``TLSConnection``, and the OpenSSL `BIO` that reads and writes them: a
/// memory BIO whose memory is NIO's `ByteBuffer`s. OpenSSL reads the peer's ciphertext straight from the
/// buffer the channel read (no copy into a BIO of OpenSSL's own), and writes the ciphertext for the peer
/// straight into a buffer the channel then writes (no copy out of one).
///
/// Like a `BIO_s_mem`, it never blocks and never fails: a read with nothing to give asks OpenSSL to
/// retry (`SSL_ERROR_WANT_READ`), and a write always takes every byte. One BIO serves both directions;
/// the `SSL` it is given to frees it, and this object outlives it (the connection holds both). Not
/// thread-safe; one owner.
final class TLSBufferBIO {
    /// Ciphertext from the peer that OpenSSL has not read yet; `nil` once all of it was read, so that an
    /// idle connection holds no buffer.
    private(set) var input: ByteBuffer?
    /// Ciphertext OpenSSL wrote for the peer and the handler has not taken yet.
    private(set) var output: ByteBuffer?
    private let allocator: ByteBufferAllocator

    /// Creates the buffers; ``makeBIO()`` then makes the BIO over them.
    init(allocator: ByteBufferAllocator = ByteBufferAllocator()) {
        self.allocator = allocator
    }

    /// How many ciphertext bytes from the peer wait for OpenSSL.
    var inputCount: Int {
        input?.readableBytes ?? 0
    }

    /// How many ciphertext bytes wait to be sent to the peer.
    var outputCount: Int {
        output?.readableBytes ?? 0
    }

    /// Queues ciphertext from the peer for OpenSSL. The buffer is kept as it is, not copied, unless
    /// ciphertext from before is still unread (a record cut by the read), when it is appended.
    func append(input buffer: ByteBuffer) {
        guard buffer.readableBytes > 0 else {
            return
        }
        if input == nil {
            input = buffer
        } else {
            input!.writeImmutableBuffer(buffer)
        }
    }

    /// Takes the ciphertext waiting for the peer, leaving none.
    func takeOutput() -> ByteBuffer? {
        defer { output = nil }
        return output
    }

    /// A new BIO over these buffers, for `SSL_set_bio`; `nil` if OpenSSL could not make one.
    func makeBIO() -> OpaquePointer? {
        guard let method = Self.method, let bio = BIO_new(method) else {
            return nil
        }
        BIO_set_data(bio, Unmanaged.passUnretained(self).toOpaque())
        BIO_set_init(bio, 1)
        return bio
    }

    /// OpenSSL reads up to `count` bytes of the peer's ciphertext into `destination`.
    fileprivate func read(into destination: UnsafeMutableRawPointer, count: Int) -> Int {
        guard count > 0, var buffer = input.take() else {
            return 0
        }
        let moved = min(count, buffer.readableBytes)
        buffer.withUnsafeReadableBytes { bytes in
            destination.copyMemory(from: bytes.baseAddress!, byteCount: moved)
        }
        buffer.moveReaderIndex(forwardBy: moved)
        if buffer.readableBytes > 0 {
            input = buffer
        }
        return moved
    }

    /// OpenSSL writes `count` bytes of ciphertext for the peer from `source`.
    fileprivate func write(from source: UnsafeRawPointer, count: Int) {
        let bytes = UnsafeRawBufferPointer(start: source, count: count)
        if output == nil {
            var buffer = allocator.buffer(capacity: count)
            buffer.writeBytes(bytes)
            output = buffer
        } else {
            output!.writeBytes(bytes)
        }
    }

    /// Runs `body` with the buffers behind `bio`, without retaining them (the connection holds them for
    /// as long as its `SSL`, and so its BIO, lives); `nil` for a BIO without them.
    fileprivate static func with<Result>(_ bio: OpaquePointer?, _ body: (TLSBufferBIO) -> Result) -> Result? {
        guard let bio, let data = BIO_get_data(bio) else {
            return nil
        }
        return Unmanaged<TLSBufferBIO>.fromOpaque(data)._withUnsafeGuaranteedRef(body)
    }

    /// The BIO method, made once per process; `nil` if OpenSSL could not make it.
    nonisolated(unsafe) private static let method: OpaquePointer? = {
        guard let method = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "pglens ByteBuffer") else {
            return nil
        }
        BIO_meth_set_read_ex(method, bufferBIORead)
        BIO_meth_set_write_ex(method, bufferBIOWrite)
        BIO_meth_set_ctrl(method, bufferBIOControl)
        return method
    }()
}

/// `bread` of the BIO method: what ``TLSBufferBIO`` holds, or a retry when it holds nothing (as a memory
/// BIO that has not reached its end answers).
private func bufferBIORead(
    _ bio: OpaquePointer?, _ destination: UnsafeMutablePointer<CChar>?, _ count: Int,
    _ readBytes: UnsafeMutablePointer<Int>?
) -> Int32 {
    pglens_bio_clear_retry_flags(bio)
    guard let destination, let moved = TLSBufferBIO.with(bio, { $0.read(into: destination, count: count) }) else {
        return 0
    }
    guard moved > 0 else {
        pglens_bio_set_retry_read(bio)
        return 0
    }
    readBytes?.pointee = moved
    return 1
}

/// `bwrite` of the BIO method: takes every byte.
private func bufferBIOWrite(
    _ bio: OpaquePointer?, _ source: UnsafePointer<CChar>?, _ count: Int, _ writtenBytes: UnsafeMutablePointer<Int>?
) -> Int32 {
    pglens_bio_clear_retry_flags(bio)
    guard let source, count > 0, TLSBufferBIO.with(bio, { $0.write(from: source, count: count) }) != nil else {
        writtenBytes?.pointee = 0
        return count == 0 ? 1 : 0
    }
    writtenBytes?.pointee = count
    return 1
}

/// `ctrl` of the BIO method: the few controls a TLS connection asks a memory BIO; 0 (unsupported) for
/// the rest, as OpenSSL expects of a BIO that has no kernel TLS, no datagrams and nothing to flush.
private func bufferBIOControl(
    _ bio: OpaquePointer?, _ command: Int32, _ argument: Int, _ pointer: UnsafeMutableRawPointer?
)
    -> Int
{
    switch command {
    case BIO_CTRL_FLUSH:
        return 1
    case BIO_CTRL_PENDING:
        return TLSBufferBIO.with(bio) { $0.inputCount } ?? 0
    case BIO_CTRL_WPENDING:
        return TLSBufferBIO.with(bio) { $0.outputCount } ?? 0
    default:
        return 0
    }
}
