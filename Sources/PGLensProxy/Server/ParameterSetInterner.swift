import NIOConcurrencyHelpers

/// Keeps one copy of each distinct set of server parameters (ParameterStatus values), so that server
/// connections reporting the same values share one dictionary's storage.
///
/// Under transaction pooling a client compares its parameters with those of the connection it is given at
/// every transaction; `==` on two dictionaries that share storage returns at once, without hashing a key.
final class ParameterSetInterner: Sendable {
    /// The process's interner: parameter sets are values, shared by every pool.
    static let shared = ParameterSetInterner()

    /// Beyond this many distinct sets, the interner starts over (sets that differ per client, such as an
    /// application_name with a process id, would otherwise grow it without end).
    static let capacity = 256

    private let sets = NIOLockedValueBox(Set<[String: String]>())

    /// The kept copy equal to `parameters` (kept now if there was none).
    func intern(_ parameters: [String: String]) -> [String: String] {
        sets.withLockedValue { sets in
            if let kept = sets.firstIndex(of: parameters) { return sets[kept] }
            if sets.count >= Self.capacity { sets.removeAll(keepingCapacity: true) }
            sets.insert(parameters)
            return parameters
        }
    }
}
