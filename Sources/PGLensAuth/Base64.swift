import Foundation

/// Strict standard base64 (RFC 4648 §4, padded), as SCRAM and `pg_authid` verifiers use it.
enum Base64 {
    /// Encodes `bytes` as padded base64 text bytes.
    static func encode(_ bytes: some Collection<UInt8>) -> [UInt8] {
        Array(Data(bytes).base64EncodedString().utf8)
    }

    /// Encodes `bytes` as a padded base64 string.
    static func encodeString(_ bytes: some Collection<UInt8>) -> String {
        Data(bytes).base64EncodedString()
    }

    /// Decodes padded base64 text; `nil` if it is not valid base64.
    static func decode(_ text: some Collection<UInt8>) -> [UInt8]? {
        guard text.count % 4 == 0 else {
            return nil
        }
        return Data(base64Encoded: Data(text)).map { Array($0) }
    }
}
