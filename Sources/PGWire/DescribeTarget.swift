/// What a Describe or Close message refers to (53.7 "Message Formats").
public enum DescribeTarget: UInt8, Sendable, CaseIterable {
    /// `S`: a prepared statement.
    case statement = 0x53
    /// `P`: a portal.
    case portal = 0x50
}
