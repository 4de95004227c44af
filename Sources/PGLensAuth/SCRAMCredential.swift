import PGLensCrypto

/// A SCRAM-SHA-256 credential as PostgreSQL stores it in `pg_authid.rolpassword`.
///
/// Holds no password: StoredKey lets a server check a client proof, ServerKey lets it sign.
public struct SCRAMCredential: Sendable, Equatable, CustomStringConvertible {
    /// PostgreSQL's default iteration count (`scram_iterations`).
    public static let defaultIterations = 4096
    /// The highest iteration count pglens accepts from a verifier or a server.
    public static let maximumIterations = 10_000_000

    /// The salt.
    public let salt: [UInt8]
    /// The PBKDF2 iteration count.
    public let iterations: Int
    /// SHA-256(ClientKey).
    public let storedKey: [UInt8]
    /// HMAC(SaltedPassword, "Server Key").
    public let serverKey: [UInt8]

    /// Creates a credential from its parts.
    public init(salt: [UInt8], iterations: Int, storedKey: [UInt8], serverKey: [UInt8]) {
        self.salt = salt
        self.iterations = iterations
        self.storedKey = storedKey
        self.serverKey = serverKey
    }

    /// Parses `SCRAM-SHA-256$<iterations>:<base64 salt>$<base64 StoredKey>:<base64 ServerKey>`.
    ///
    /// - Throws: `InvalidSCRAMVerifier` if the format, base64, key lengths or iteration count are wrong.
    public init(verifier: String) throws(InvalidSCRAMVerifier) {
        let prefix = "SCRAM-SHA-256$"
        guard verifier.hasPrefix(prefix) else {
            throw InvalidSCRAMVerifier("missing SCRAM-SHA-256$ prefix")
        }
        let sections = verifier.utf8.dropFirst(prefix.utf8.count).split(
            separator: UInt8(ascii: "$"), omittingEmptySubsequences: false)
        guard sections.count == 2 else {
            throw InvalidSCRAMVerifier("expected <iterations>:<salt>$<StoredKey>:<ServerKey>")
        }
        let parameters = sections[0].split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false)
        let keys = sections[1].split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false)
        guard parameters.count == 2, keys.count == 2 else {
            throw InvalidSCRAMVerifier("expected <iterations>:<salt>$<StoredKey>:<ServerKey>")
        }
        guard let iterations = SCRAMMessage.iterations(parameters[0], maximum: Self.maximumIterations) else {
            throw InvalidSCRAMVerifier("iteration count must be in 1...\(Self.maximumIterations)")
        }
        guard let salt = Base64.decode(parameters[1]), !salt.isEmpty else {
            throw InvalidSCRAMVerifier("salt is not valid base64")
        }
        guard let storedKey = Base64.decode(keys[0]), storedKey.count == SHA256.byteCount,
            let serverKey = Base64.decode(keys[1]), serverKey.count == SHA256.byteCount
        else {
            throw InvalidSCRAMVerifier("StoredKey and ServerKey must be base64 of 32 bytes")
        }
        self.init(salt: salt, iterations: iterations, storedKey: storedKey, serverKey: serverKey)
    }

    /// The verifier string, in the format `init(verifier:)` parses.
    public var verifier: String {
        "SCRAM-SHA-256$\(iterations):\(Base64.encodeString(salt))$"
            + "\(Base64.encodeString(storedKey)):\(Base64.encodeString(serverKey))"
    }

    /// Never prints the keys, so a credential can be logged safely.
    public var description: String {
        "SCRAMCredential(iterations: \(iterations), salt: \(salt.count) bytes)"
    }

    /// Derives the credential for `password` (SASLprep, then PBKDF2-HMAC-SHA256).
    ///
    /// `iterations` must be in `1...Int32.max`; `salt` should be fresh random bytes (PostgreSQL uses 16).
    public static func derive(password: String, salt: [UInt8], iterations: Int) -> SCRAMCredential {
        precondition((1...Int(Int32.max)).contains(iterations), "SCRAM iteration count out of range")
        let saltedPassword: [UInt8]
        do {
            saltedPassword = try Self.saltedPassword(password: password, salt: salt, iterations: iterations)
        } catch {
            fatalError("PBKDF2 failed: \(error)")
        }
        let clientKey = Self.clientKey(saltedPassword: saltedPassword)
        return SCRAMCredential(
            salt: salt, iterations: iterations, storedKey: SHA256.hash(clientKey),
            serverKey: Self.serverKey(saltedPassword: saltedPassword))
    }

    /// SaltedPassword = PBKDF2-HMAC-SHA256(SASLprep(password), salt, iterations, 32).
    static func saltedPassword(password: String, salt: [UInt8], iterations: Int) throws -> [UInt8] {
        try PBKDF2.sha256(
            password: SASLprep.prepare(password), salt: salt, iterations: iterations, keyLength: SHA256.byteCount)
    }

    /// ClientKey = HMAC(SaltedPassword, "Client Key").
    static func clientKey(saltedPassword: [UInt8]) -> [UInt8] {
        HMACSHA256.authenticationCode(key: saltedPassword, message: Array("Client Key".utf8))
    }

    /// ServerKey = HMAC(SaltedPassword, "Server Key").
    static func serverKey(saltedPassword: [UInt8]) -> [UInt8] {
        HMACSHA256.authenticationCode(key: saltedPassword, message: Array("Server Key".utf8))
    }
}
