import NIOCore
import PGLensAnalysis

/// What the analysis needs of a Bind message, read in place from its bytes without decoding it: a hash of its
/// parameter part (to tell repeated values from different ones), the value hashes of its first parameters
/// (lineage evidence) and which result columns come back in binary (to read sampled rows right).
struct BindSummary: Sendable {
    /// Which result columns the server sends in binary.
    struct ResultFormats: Sendable, Equatable {
        /// Bit `c` set: column `c` (of the first 16) is binary; `rest` applies past them.
        var binaryColumns: UInt16 = 0
        var restBinary = false

        static let allText = ResultFormats()

        func isBinary(_ column: Int) -> Bool {
            column < 16 ? binaryColumns & (1 << UInt16(column)) != 0 : restBinary
        }
    }

    var parameterHash: UInt64
    var values: ParameterValueHashes
    var resultFormats: ResultFormats

    /// Reads the parameter part of a Bind (what follows the portal and statement names); nil when it is
    /// malformed (the server will say so).
    init?(parameterPart body: ByteBuffer) {
        parameterHash = Self.parameterHash(of: body)
        var body = body
        guard let formatCount = body.readInteger(as: Int16.self), formatCount >= 0 else { return nil }
        var formats: (first: Int16, all: [Int16]?) = (0, nil)
        if formatCount == 1 {
            guard let format = body.readInteger(as: Int16.self) else { return nil }
            formats.first = format
        } else if formatCount > 1 {
            var all: [Int16] = []
            for _ in 0..<min(Int(formatCount), ParameterValueHashes.capacity) {
                guard let format = body.readInteger(as: Int16.self) else { return nil }
                all.append(format)
            }
            formats.all = all
            guard body.readableBytes >= (Int(formatCount) - all.count) * 2 else { return nil }
            body.moveReaderIndex(forwardBy: (Int(formatCount) - all.count) * 2)
        }
        guard let parameterCount = body.readInteger(as: Int16.self), parameterCount >= 0 else { return nil }
        values = ParameterValueHashes()
        for index in 0..<Int(parameterCount) {
            guard let length = body.readInteger(as: Int32.self) else { return nil }
            guard length >= 0 else {
                values.append(nil)
                continue
            }
            guard body.readableBytes >= Int(length) else { return nil }
            if index < ParameterValueHashes.capacity {
                let binary = formats.all.map { index < $0.count && $0[index] == 1 } ?? (formats.first == 1)
                values.append(
                    body.withUnsafeReadableBytes {
                        LineageHash.value(UnsafeRawBufferPointer(rebasing: $0.prefix(Int(length))), binary: binary)
                    })
            }
            body.moveReaderIndex(forwardBy: Int(length))
        }
        resultFormats = ResultFormats()
        guard let resultCount = body.readInteger(as: Int16.self), resultCount >= 0 else { return nil }
        if resultCount == 1 {
            let binary = body.readInteger(as: Int16.self) == 1
            resultFormats = ResultFormats(binaryColumns: binary ? .max : 0, restBinary: binary)
        } else {
            for column in 0..<min(Int(resultCount), 16) {
                if body.readInteger(as: Int16.self) == 1 { resultFormats.binaryColumns |= 1 << UInt16(column) }
            }
        }
    }

    /// FNV-1a over the first 256 bytes of a Bind's parameter part (formats, values, result formats) and its
    /// length: enough to tell one loop's keys apart (detectors compare values by hash, never keep them),
    /// at a bounded cost per message.
    static func parameterHash(of parameterBytes: ByteBuffer) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325 ^ UInt64(parameterBytes.readableBytes)
        parameterBytes.withUnsafeReadableBytes { bytes in
            for byte in bytes.prefix(256) {
                hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
            }
        }
        return hash
    }
}
