/// What the output can show, decided from whether it is a terminal and the environment.
public struct TerminalCapabilities: Sendable, Equatable {
    /// Whether to draw with SGR colours and attributes.
    public var colour: Bool

    /// Colour only on a terminal, and not when `NO_COLOR` is set to anything non-empty (no-color.org) or
    /// `TERM` is `dumb`.
    public init(outputIsTerminal: Bool, environment: [String: String]) {
        let noColour = environment["NO_COLOR"].map { !$0.isEmpty } ?? false
        colour = outputIsTerminal && !noColour && environment["TERM"] != "dumb"
    }

    /// The width of output that is not a terminal: `COLUMNS` when it is a number, else 120.
    public static func plainWidth(environment: [String: String]) -> Int {
        environment["COLUMNS"].flatMap(Int.init).flatMap { $0 > 0 ? $0 : nil } ?? 120
    }
}
