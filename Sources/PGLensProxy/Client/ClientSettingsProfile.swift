import PGWire

/// The settings a client's session must have on a server connection: its startup parameters and the
/// parts of its `options`, by name (case-insensitive, as PostgreSQL looks settings up), the last value of
/// a name winning, without those equal to what the pool's server connections report at login.
///
/// A class: a server connection remembers the profile it was given, and handing it to a client with the
/// same profile is then one pointer comparison.
final class ClientSettingsProfile: Sendable, Equatable, CustomStringConvertible {
    /// One setting: the name as the client spelled it, and its value.
    struct Entry: Sendable, Equatable {
        let name: String
        let value: String
    }

    /// Entries by lower-cased name, in the order of their names (so that equal profiles are equal arrays
    /// and statements come out in a stable order).
    let entries: [(key: String, entry: Entry)]
    private let values: [String: Entry]

    static let empty = ClientSettingsProfile(settings: [], reportedDefaults: [:])

    /// - Parameters:
    ///   - settings: in the order PostgreSQL would apply them (`options` first, then the parameters).
    ///   - reportedDefaults: the ParameterStatus values of a freshly logged-in server connection; a
    ///     setting equal to one of them (same name ignoring case, same value) needs nothing.
    init(settings: [StartupParameter], reportedDefaults: [String: String]) {
        var values: [String: Entry] = [:]
        for setting in settings {
            values[setting.name.lowercased()] = Entry(name: setting.name, value: setting.value)
        }
        var lowerDefaults: [String: String] = [:]
        for (name, value) in reportedDefaults { lowerDefaults[name.lowercased()] = value }
        values = values.filter { lowerDefaults[$0.key] != $0.value.value }
        self.values = values
        self.entries = values.sorted { $0.key < $1.key }.map { (key: $0.key, entry: $0.value) }
    }

    var isEmpty: Bool { values.isEmpty }

    subscript(key: String) -> Entry? { values[key] }

    var description: String { entries.map { "\($0.entry.name)=\($0.entry.value)" }.joined(separator: " ") }

    static func == (lhs: ClientSettingsProfile, rhs: ClientSettingsProfile) -> Bool {
        lhs === rhs || lhs.values == rhs.values
    }
}
