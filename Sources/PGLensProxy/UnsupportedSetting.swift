/// A setting the configuration file may hold but this build of pglens does not implement yet.
public struct UnsupportedSetting: Error, CustomStringConvertible {
    public var keys: [String]

    public var description: String {
        "pool_mode = \"transaction\" is not implemented yet (set at \(keys.joined(separator: ", "))); "
            + "use pool_mode = \"session\""
    }
}
