/// The type bytes of messages sent by a frontend (client) after the startup packet.
///
/// See PostgreSQL documentation, 53.7 "Message Formats".
public enum FrontendMessageID: UInt8, Sendable, CaseIterable {
    /// `B` Bind.
    case bind = 0x42
    /// `C` Close.
    case close = 0x43
    /// `d` CopyData.
    case copyData = 0x64
    /// `c` CopyDone.
    case copyDone = 0x63
    /// `f` CopyFail.
    case copyFail = 0x66
    /// `D` Describe.
    case describe = 0x44
    /// `E` Execute.
    case execute = 0x45
    /// `H` Flush.
    case flush = 0x48
    /// `F` FunctionCall.
    case functionCall = 0x46
    /// `P` Parse.
    case parse = 0x50
    /// `Q` Query (simple query protocol).
    case query = 0x51
    /// `S` Sync.
    case sync = 0x53
    /// `X` Terminate.
    case terminate = 0x58
    /// `p` PasswordMessage, SASLInitialResponse, SASLResponse or GSSResponse; the meaning depends on context.
    case passwordOrSASL = 0x70
}
