/// A set of message type bytes stored as a 256-bit bitmap, cheap to copy and to query.
public struct MessageTypeSet: Sendable, Hashable, ExpressibleByArrayLiteral {
    private var word0: UInt64 = 0
    private var word1: UInt64 = 0
    private var word2: UInt64 = 0
    private var word3: UInt64 = 0

    /// The empty set.
    public static let empty = MessageTypeSet()

    /// Creates a set holding `types`.
    public init(_ types: [UInt8] = []) {
        for type in types {
            insert(type)
        }
    }

    /// Creates a set holding `elements`.
    public init(arrayLiteral elements: UInt8...) {
        self.init(elements)
    }

    /// Whether `type` is in the set.
    public func contains(_ type: UInt8) -> Bool {
        let bit = UInt64(1) << UInt64(type & 63)
        switch type >> 6 {
        case 0: return word0 & bit != 0
        case 1: return word1 & bit != 0
        case 2: return word2 & bit != 0
        default: return word3 & bit != 0
        }
    }

    /// Adds `type` to the set.
    public mutating func insert(_ type: UInt8) {
        let bit = UInt64(1) << UInt64(type & 63)
        switch type >> 6 {
        case 0: word0 |= bit
        case 1: word1 |= bit
        case 2: word2 |= bit
        default: word3 |= bit
        }
    }

    /// Removes `type` from the set.
    public mutating func remove(_ type: UInt8) {
        let mask = ~(UInt64(1) << UInt64(type & 63))
        switch type >> 6 {
        case 0: word0 &= mask
        case 1: word1 &= mask
        case 2: word2 &= mask
        default: word3 &= mask
        }
    }

    /// Whether the set is empty.
    public var isEmpty: Bool { word0 | word1 | word2 | word3 == 0 }

    /// The members in ascending order.
    public var members: [UInt8] {
        (0...255).compactMap { contains(UInt8($0)) ? UInt8($0) : nil }
    }
}
