import PGLensCrypto

/// Byte-level helpers for SCRAM messages (RFC 5802 §7): comma-separated `x=value` attributes.
enum SCRAMMessage {
    static let comma = UInt8(ascii: ",")
    static let equals = UInt8(ascii: "=")

    /// Splits a message at every comma, keeping empty parts; slices keep the message's indices.
    static func split(_ message: ArraySlice<UInt8>) -> [ArraySlice<UInt8>] {
        message.split(separator: comma, maxSplits: Int.max, omittingEmptySubsequences: false)
    }

    /// The value of `part` if it is the attribute `name` (`"name=value"`), otherwise `nil`.
    static func value(of name: Character, in part: ArraySlice<UInt8>) -> ArraySlice<UInt8>? {
        guard let ascii = name.asciiValue, part.count >= 2, part.first == ascii,
            part[part.startIndex + 1] == equals
        else {
            return nil
        }
        return part.dropFirst(2)
    }

    /// Whether `part` has the form of an attribute: one ASCII letter, `=`, then a value.
    static func isAttribute(_ part: ArraySlice<UInt8>) -> Bool {
        guard part.count >= 2, let first = part.first else {
            return false
        }
        let isLetter = (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(first | 0x20)
        return isLetter && part[part.startIndex + 1] == equals
    }

    /// Whether `nonce` is a valid SCRAM nonce: non-empty printable ASCII without commas.
    static func isValidNonce(_ nonce: some Collection<UInt8>) -> Bool {
        !nonce.isEmpty && nonce.allSatisfy { (0x21...0x7E).contains($0) && $0 != comma }
    }

    /// A fresh random nonce: base64 of 18 random bytes, as PostgreSQL generates it.
    static func randomNonce() -> [UInt8] {
        Base64.encode(SecureRandom.bytes(18))
    }

    /// Parses a SCRAM iteration count: decimal digits only, within `1...maximum`.
    static func iterations(_ text: some Collection<UInt8>, maximum: Int) -> Int? {
        guard !text.isEmpty, text.count <= 10,
            text.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
            let value = Int(String(decoding: text, as: UTF8.self)), (1...maximum).contains(value)
        else {
            return nil
        }
        return value
    }

    /// `lhs` XOR `rhs`, byte by byte (both the same length).
    static func xor(_ lhs: [UInt8], _ rhs: [UInt8]) -> [UInt8] {
        zip(lhs, rhs).map { $0 ^ $1 }
    }
}
