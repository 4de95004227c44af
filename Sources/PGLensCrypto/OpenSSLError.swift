import COpenSSL

/// An error reported by OpenSSL, carrying the reason texts from OpenSSL's error queue.
public struct OpenSSLError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The OpenSSL function that failed, for example `"EVP_DigestInit_ex"`.
    public let operation: String
    /// OpenSSL's own error strings (`ERR_error_string_n`), oldest first; empty if the queue was empty.
    public let reasons: [String]

    /// Creates an error from an operation name and reason texts.
    public init(operation: String, reasons: [String]) {
        self.operation = operation
        self.reasons = reasons
    }

    /// A one-line description: the failed operation and OpenSSL's reasons.
    public var description: String {
        if reasons.isEmpty {
            return "\(operation) failed"
        }
        return "\(operation) failed: \(reasons.joined(separator: "; "))"
    }

    /// Drains OpenSSL's thread-local error queue into an `OpenSSLError` for `operation`.
    static func drainQueue(operation: String) -> OpenSSLError {
        var reasons: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 {
                break
            }
            var buffer = [CChar](repeating: 0, count: 256)
            buffer.withUnsafeMutableBufferPointer { pointer in
                ERR_error_string_n(code, pointer.baseAddress, pointer.count)
            }
            let end = buffer.firstIndex(of: 0) ?? buffer.endIndex
            reasons.append(String(decoding: buffer[..<end].map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return OpenSSLError(operation: operation, reasons: reasons)
    }

    /// Empties OpenSSL's error queue, so that a following failure reports only its own reasons.
    static func clearQueue() {
        ERR_clear_error()
    }

    /// Runs an OpenSSL call returning 1 on success, throwing the drained error queue otherwise.
    static func check(_ operation: String, _ call: () -> Int32) throws(OpenSSLError) {
        clearQueue()
        guard call() == 1 else {
            throw drainQueue(operation: operation)
        }
    }
}
