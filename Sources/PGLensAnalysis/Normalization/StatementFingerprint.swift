/// A stable 64-bit identifier of a normalized statement: equal for statements that differ only in
/// constants, parameter numbers, letter case of keywords, white space, comments or list lengths.
public struct StatementFingerprint: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The 64-bit value (FNV-1a over the normalized token stream).
    public let value: UInt64

    /// Wraps a fingerprint value.
    public init(_ value: UInt64) {
        self.value = value
    }

    /// Parses a 16-digit hexadecimal fingerprint, as produced by ``hex``.
    public init?(hex: String) {
        guard hex.utf8.count == 16, let value = UInt64(hex, radix: 16) else { return nil }
        self.value = value
    }

    /// The value as 16 lower-case hexadecimal digits, zero-padded.
    public var hex: String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.utf8.count) + digits
    }

    /// Same as ``hex``.
    public var description: String { hex }

    /// Orders fingerprints by value.
    public static func < (lhs: StatementFingerprint, rhs: StatementFingerprint) -> Bool {
        lhs.value < rhs.value
    }
}

extension StatementFingerprint: Codable {
    /// Decodes a fingerprint from its 16-hex-digit string.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let hex = try container.decode(String.self)
        guard let fingerprint = StatementFingerprint(hex: hex) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not 16 hex digits: \(hex)")
        }
        self = fingerprint
    }

    /// Encodes the fingerprint as its 16-hex-digit string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(hex)
    }
}
