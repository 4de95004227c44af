import NIOCore

/// The subtypes of the backend's Authentication (`R`) message, selected by an Int32 code
/// (53.7 "Message Formats").
public enum AuthenticationRequest: Sendable, Hashable {
    /// Code 0: authentication succeeded.
    case ok
    /// Code 2: Kerberos V5 (unsupported since PostgreSQL 9.4, kept for completeness).
    case kerberosV5
    /// Code 3: send the password in clear text.
    case cleartextPassword
    /// Code 5: send the MD5-hashed password using this 4-byte salt.
    case md5Password(salt: [UInt8])
    /// Code 7: GSSAPI authentication.
    case gss
    /// Code 8: GSSAPI or SSPI continuation data.
    case gssContinue(data: [UInt8])
    /// Code 9: SSPI authentication.
    case sspi
    /// Code 10: SASL, listing the acceptable mechanisms in order of preference.
    case sasl(mechanisms: [String])
    /// Code 11: a SASL challenge.
    case saslContinue(data: [UInt8])
    /// Code 12: the SASL outcome's additional data.
    case saslFinal(data: [UInt8])

    /// The Int32 subtype code.
    public var code: Int32 {
        switch self {
        case .ok: return 0
        case .kerberosV5: return 2
        case .cleartextPassword: return 3
        case .md5Password: return 5
        case .gss: return 7
        case .gssContinue: return 8
        case .sspi: return 9
        case .sasl: return 10
        case .saslContinue: return 11
        case .saslFinal: return 12
        }
    }

    /// Writes the message body: the code then the subtype's data. `salt` must be 4 bytes.
    func encodeBody(into buffer: inout ByteBuffer) {
        buffer.writeInteger(code)
        switch self {
        case .ok, .kerberosV5, .cleartextPassword, .gss, .sspi:
            break
        case .md5Password(let salt):
            buffer.writeBytes(salt)
        case .gssContinue(let data), .saslContinue(let data), .saslFinal(let data):
            buffer.writeBytes(data)
        case .sasl(let mechanisms):
            for mechanism in mechanisms {
                buffer.writeCString(mechanism)
            }
            buffer.writeInteger(UInt8(0))
        }
    }

    /// Reads an Authentication body.
    static func decode(body: inout ByteBuffer) throws -> AuthenticationRequest {
        let what = "Authentication"
        let code = try body.pgReadInt32(what)
        let request: AuthenticationRequest
        switch code {
        case 0: request = .ok
        case 2: request = .kerberosV5
        case 3: request = .cleartextPassword
        case 5: request = .md5Password(salt: try body.pgReadBytes(length: 4, "AuthenticationMD5Password salt"))
        case 7: request = .gss
        case 8: request = .gssContinue(data: body.readBytes(length: body.readableBytes)!)
        case 9: request = .sspi
        case 10:
            var mechanisms: [String] = []
            while true {
                let mechanism = try body.pgReadCString("AuthenticationSASL mechanism")
                if mechanism.isEmpty {
                    break
                }
                mechanisms.append(mechanism)
            }
            request = .sasl(mechanisms: mechanisms)
        case 11: request = .saslContinue(data: body.readBytes(length: body.readableBytes)!)
        case 12: request = .saslFinal(data: body.readBytes(length: body.readableBytes)!)
        default:
            throw PGProtocolError.malformed("unknown authentication request code \(code)")
        }
        try body.pgExpectEnd(what)
        return request
    }
}
