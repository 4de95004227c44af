/// The type bytes of messages sent by a backend (server).
///
/// See PostgreSQL documentation, 53.7 "Message Formats".
public enum BackendMessageID: UInt8, Sendable, CaseIterable {
    /// `R` Authentication request (all subtypes).
    case authentication = 0x52
    /// `K` BackendKeyData.
    case backendKeyData = 0x4B
    /// `2` BindComplete.
    case bindComplete = 0x32
    /// `3` CloseComplete.
    case closeComplete = 0x33
    /// `C` CommandComplete.
    case commandComplete = 0x43
    /// `d` CopyData.
    case copyData = 0x64
    /// `c` CopyDone.
    case copyDone = 0x63
    /// `G` CopyInResponse.
    case copyInResponse = 0x47
    /// `H` CopyOutResponse.
    case copyOutResponse = 0x48
    /// `W` CopyBothResponse.
    case copyBothResponse = 0x57
    /// `D` DataRow.
    case dataRow = 0x44
    /// `I` EmptyQueryResponse.
    case emptyQueryResponse = 0x49
    /// `E` ErrorResponse.
    case errorResponse = 0x45
    /// `V` FunctionCallResponse.
    case functionCallResponse = 0x56
    /// `v` NegotiateProtocolVersion.
    case negotiateProtocolVersion = 0x76
    /// `n` NoData.
    case noData = 0x6E
    /// `N` NoticeResponse.
    case noticeResponse = 0x4E
    /// `A` NotificationResponse.
    case notificationResponse = 0x41
    /// `t` ParameterDescription.
    case parameterDescription = 0x74
    /// `S` ParameterStatus.
    case parameterStatus = 0x53
    /// `1` ParseComplete.
    case parseComplete = 0x31
    /// `s` PortalSuspended.
    case portalSuspended = 0x73
    /// `Z` ReadyForQuery.
    case readyForQuery = 0x5A
    /// `T` RowDescription.
    case rowDescription = 0x54
}
