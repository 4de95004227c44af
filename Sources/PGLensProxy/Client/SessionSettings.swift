import PGWire

/// Turns the settings a client asked for at startup into statements for a pooled server connection.
enum SessionSettings {
    /// `SET "name" TO 'value'`, quoted so that any name and value stay one literal each.
    static func setStatement(_ setting: StartupParameter) -> String {
        let name = setting.name.replacing("\"", with: "\"\"")
        var value = setting.value.replacing("'", with: "''")
        if value.contains("\\") {
            value = value.replacing("\\", with: "\\\\")
            return "SET \"\(name)\" TO E'\(value)'"
        }
        return "SET \"\(name)\" TO '\(value)'"
    }
}
