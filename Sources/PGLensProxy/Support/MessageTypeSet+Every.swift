import PGWire

extension MessageTypeSet {
    /// Every message type: for the short phases (login, pglens's own queries) where each message is read.
    static let everyType = MessageTypeSet((0...255).map { UInt8($0) })
}
