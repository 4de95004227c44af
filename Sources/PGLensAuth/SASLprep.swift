import Foundation

/// SASLprep (RFC 4013) of a password, the way PostgreSQL applies it before SCRAM key derivation.
///
/// An all-ASCII password is used as is. Otherwise non-ASCII spaces become U+0020, characters
/// "commonly mapped to nothing" are dropped and the result is NFKC-normalised. If the result is
/// empty or contains a prohibited character, the raw UTF-8 bytes are used instead, as PostgreSQL does.
/// Not implemented: the unassigned-code-point and bidirectional checks (such passwords still work
/// against PostgreSQL whenever normalisation leaves them unchanged).
enum SASLprep {
    /// Returns the bytes to feed into PBKDF2 for `password`.
    static func prepare(_ password: String) -> [UInt8] {
        let raw = Array(password.utf8)
        if raw.allSatisfy({ $0 < 0x80 }) {
            return raw
        }
        var mapped = String.UnicodeScalarView()
        for scalar in password.unicodeScalars {
            if isNonASCIISpace(scalar.value) {
                mapped.append(" ")
            } else if !isMappedToNothing(scalar.value) {
                mapped.append(scalar)
            }
        }
        let normalized = String(mapped).precomposedStringWithCompatibilityMapping
        if normalized.isEmpty || normalized.unicodeScalars.contains(where: { isProhibited($0.value) }) {
            return raw
        }
        return Array(normalized.utf8)
    }

    /// RFC 3454 table C.1.2.
    private static func isNonASCIISpace(_ value: UInt32) -> Bool {
        value == 0x00A0 || value == 0x1680 || (0x2000...0x200B).contains(value) || value == 0x202F
            || value == 0x205F || value == 0x3000
    }

    /// RFC 3454 table B.1.
    private static func isMappedToNothing(_ value: UInt32) -> Bool {
        value == 0x00AD || value == 0x034F || value == 0x1806 || (0x180B...0x180D).contains(value)
            || (0x200B...0x200D).contains(value) || value == 0x2060 || (0xFE00...0xFE0F).contains(value)
            || value == 0xFEFF
    }

    /// RFC 3454 tables C.2.1 to C.9 (as RFC 4013 §2.3 prohibits them).
    private static func isProhibited(_ value: UInt32) -> Bool {
        let ranges: [ClosedRange<UInt32>] = [
            0x0000...0x001F, 0x007F...0x009F, 0x0340...0x0341, 0x06DD...0x06DD, 0x070F...0x070F,
            0x180E...0x180E, 0x200C...0x200F, 0x2028...0x202E, 0x2060...0x2063, 0x206A...0x206F,
            0x2FF0...0x2FFB, 0xD800...0xDFFF, 0xE000...0xF8FF, 0xFDD0...0xFDEF, 0xFEFF...0xFEFF,
            0xFFF9...0xFFFD, 0x1D173...0x1D17A, 0xE0001...0xE0001, 0xE0020...0xE007F,
            0xF0000...0xFFFFD, 0x100000...0x10FFFD,
        ]
        if value & 0xFFFE == 0xFFFE {
            return true
        }
        return ranges.contains { $0.contains(value) }
    }
}
