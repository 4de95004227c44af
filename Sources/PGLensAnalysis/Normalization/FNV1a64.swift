/// The 64-bit FNV-1a hash: fixed constants, so values are stable across runs, processes and machines
/// (unlike Swift's randomly seeded `Hasher`).
struct FNV1a64 {
    private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    mutating func combine(_ byte: UInt8) {
        value ^= UInt64(byte)
        value = value &* 0x0000_0100_0000_01b3
    }

    mutating func combine<Bytes: Sequence>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        for byte in bytes { combine(byte) }
    }

    /// Hashes the eight bytes of `word`, least significant first.
    mutating func combine(word: UInt64) {
        var rest = word
        for _ in 0..<8 {
            combine(UInt8(truncatingIfNeeded: rest))
            rest >>= 8
        }
    }

    /// Hashes the text's UTF-8 bytes, read from contiguous storage.
    mutating func combine(_ text: String) {
        var text = text
        text.withUTF8 { combine($0) }
    }
}
