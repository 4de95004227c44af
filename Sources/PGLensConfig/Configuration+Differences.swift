extension Configuration {
    /// The file keys whose values differ between the two configurations: top-level keys by their names
    /// (`listen_port`), and `databases` / `users` when any entry differs.
    public func differingKeys(from other: Configuration) -> [String] {
        let mine = Self.fieldDescriptions(self)
        let theirs = Self.fieldDescriptions(other)
        var keys = InstanceSetting.allCases.map(\.rawValue).filter { key in
            let field = key.replacingOccurrences(of: "_", with: "")
            return mine[field] != theirs[field]
        }
        if databases != other.databases { keys.append("databases") }
        if users != other.users { keys.append("users") }
        return keys
    }

    /// Each stored setting's description, by its Swift name in lower case.
    private static func fieldDescriptions(_ configuration: Configuration) -> [String: String] {
        var fields: [String: String] = [:]
        for child in Mirror(reflecting: configuration).children {
            guard let label = child.label else { continue }
            fields[label.lowercased()] = "\(child.value)"
        }
        return fields
    }

    /// The value of a top-level key as the admin console's SHOW CONFIG prints it; nil for an unknown key.
    public func settingText(_ key: String) -> String? {
        guard InstanceSetting(rawValue: key) != nil else { return nil }
        let field = key.replacingOccurrences(of: "_", with: "")
        guard let child = Mirror(reflecting: self).children.first(where: { $0.label?.lowercased() == field }) else {
            return nil
        }
        switch child.value {
        case let names as [String]: return names.joined(separator: ",")
        case let value as any RawRepresentable<String>: return value.rawValue
        case let seconds as Double where seconds == seconds.rounded() && abs(seconds) < 1e15:
            return String(Int(seconds))
        default: return "\(child.value)"
        }
    }

    /// The top-level keys, in the order of the example file.
    public static var settingKeys: [String] { InstanceSetting.allCases.map(\.rawValue) }
}
