/// The value hashes (``LineageHash/value(_:binary:)``) of a statement's first parameters, in order: the keys
/// whose origin the lineage evidence looks for in the rows of the statement before. Inline, no allocation.
public struct ParameterValueHashes: Sendable, Equatable {
    /// Parameters followed per statement.
    public static let capacity = 4

    private var first: UInt64 = 0
    private var second: UInt64 = 0
    private var third: UInt64 = 0
    private var fourth: UInt64 = 0
    /// Which of the first parameters have a hash (a NULL or an over-long value has none).
    private var present: UInt8 = 0
    /// How many parameters were looked at (at most ``capacity``).
    public private(set) var count = 0

    /// No parameters yet.
    public init() {}

    /// Appends the next parameter's hash (nil when it has none); ignored past ``capacity``.
    public mutating func append(_ hash: UInt64?) {
        guard count < Self.capacity else { return }
        if let hash {
            present |= 1 << UInt8(count)
            switch count {
            case 0: first = hash
            case 1: second = hash
            case 2: third = hash
            default: fourth = hash
            }
        }
        count += 1
    }

    /// The hash of parameter `index` (from 0), nil when it has none.
    public subscript(index: Int) -> UInt64? {
        guard index >= 0, index < count, present & (1 << UInt8(index)) != 0 else { return nil }
        switch index {
        case 0: return first
        case 1: return second
        case 2: return third
        default: return fourth
        }
    }
}
