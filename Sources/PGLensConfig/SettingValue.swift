import TOMLKit

/// A value read for one setting, before it is checked against the type the setting wants.
///
/// TOML values keep their type: a string where an integer belongs is a mismatch. Text from an
/// environment variable or a libpq-style connection string has no type of its own and is
/// parsed as whatever the setting wants.
enum SettingValue {
    case string(String)
    case integer(Int)
    case float(Double)
    case boolean(Bool)
    /// A TOML value of some other kind (table, array, date); holds the kind's name.
    case other(String)
    /// Untyped text (environment variable, connection-string word), parsed on demand.
    case text(String)
    /// A TOML array whose elements are all strings.
    case stringArray([String])

    /// Why a value does not fit its setting. The message never contains the value.
    struct Mismatch: Error {
        var message: String
    }

    init(toml value: any TOMLValueConvertible) {
        switch value.type {
        case .string: self = .string(value.string ?? "")
        case .int: self = .integer(value.int ?? 0)
        case .double: self = .float(value.double ?? 0)
        case .bool: self = .boolean(value.bool ?? false)
        case .table: self = .other("table")
        case .array:
            let elements = value.array.map { Array($0) } ?? []
            let strings = elements.compactMap { $0.string }
            self = strings.count == elements.count ? .stringArray(strings) : .other("array")
        case .date: self = .other("date")
        case .time: self = .other("time")
        case .dateTime: self = .other("date-time")
        }
    }

    /// What kind of value this is, for messages.
    var kindName: String {
        switch self {
        case .string, .text: return "a string"
        case .integer: return "an integer"
        case .float: return "a floating-point number"
        case .boolean: return "a boolean"
        case .stringArray: return "an array of strings"
        case .other(let name): return "a \(name)"
        }
    }

    private func mismatch(_ expected: String) -> Mismatch {
        if case .text = self {
            return Mismatch(message: "must be \(expected)")
        }
        return Mismatch(message: "must be \(expected), not \(kindName)")
    }

    func string() throws(Mismatch) -> String {
        switch self {
        case .string(let value), .text(let value): return value
        default: throw mismatch("a string")
        }
    }

    func integer() throws(Mismatch) -> Int {
        switch self {
        case .integer(let value): return value
        case .text(let text):
            guard let value = Int(text.trimmingWhitespace) else { throw mismatch("an integer") }
            return value
        default: throw mismatch("an integer")
        }
    }

    /// A duration in seconds: an integer or a floating-point number.
    func seconds() throws(Mismatch) -> Double {
        try double(expected: "a number of seconds")
    }

    /// A number: an integer or a floating-point number (milliseconds, ratios).
    func number() throws(Mismatch) -> Double {
        try double(expected: "a number")
    }

    private func double(expected: String) throws(Mismatch) -> Double {
        switch self {
        case .integer(let value): return Double(value)
        case .float(let value): return value
        case .text(let text):
            guard let value = Double(text.trimmingWhitespace) else { throw mismatch(expected) }
            return value
        default: throw mismatch(expected)
        }
    }

    func boolean() throws(Mismatch) -> Bool {
        switch self {
        case .boolean(let value): return value
        case .text(let text):
            switch text.trimmingWhitespace.lowercased() {
            case "true", "yes", "on", "1": return true
            case "false", "no", "off", "0": return false
            default: throw mismatch("a boolean (true or false)")
            }
        default: throw mismatch("a boolean (true or false)")
        }
    }

    /// One of a fixed set of words, compared without regard to case.
    func choice(_ allowed: [String]) throws(Mismatch) -> String {
        let expected = "one of " + allowed.joined(separator: ", ")
        let word: String
        switch self {
        case .string(let value), .text(let value): word = value.trimmingWhitespace.lowercased()
        default: throw mismatch(expected)
        }
        guard allowed.contains(word) else { throw Mismatch(message: "must be \(expected)") }
        return word
    }

    /// A list of names: a TOML array of strings, or one string with the names separated by commas
    /// (PgBouncer's form). Spaces around names are dropped, and so are empty entries.
    func nameList() throws(Mismatch) -> [String] {
        let names: [String]
        switch self {
        case .stringArray(let values): names = values
        case .string(let value), .text(let value): names = value.split(separator: ",").map(String.init)
        default: throw mismatch("an array of names or a comma-separated string")
        }
        return names.map(\.trimmingWhitespace).filter { !$0.isEmpty }
    }

    func poolMode() throws(Mismatch) -> PoolMode {
        PoolMode(rawValue: try choice(PoolMode.allCases.map(\.rawValue)))!
    }

    func sessionStatePolicy() throws(Mismatch) -> SessionStatePolicy {
        SessionStatePolicy(rawValue: try choice(SessionStatePolicy.allCases.map(\.rawValue)))!
    }

    func authMethod() throws(Mismatch) -> ClientAuthMethod {
        ClientAuthMethod(rawValue: try choice(ClientAuthMethod.allCases.map(\.rawValue)))!
    }
}

extension String {
    /// The string without leading and trailing spaces, tabs and newlines.
    var trimmingWhitespace: String {
        var slice = Substring(self)
        while let first = slice.first, first.isWhitespace { slice.removeFirst() }
        while let last = slice.last, last.isWhitespace { slice.removeLast() }
        return String(slice)
    }
}
