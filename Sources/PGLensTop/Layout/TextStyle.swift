/// How a piece of text is drawn on a terminal that takes colour: a set of SGR attributes (ECMA-48 8.3.117),
/// none of which is written when colour is off.
public struct TextStyle: Sendable, Equatable, Hashable {
    /// The SGR parameters, in the order written.
    public var parameters: [Int]

    /// A style of the given SGR parameters.
    public init(parameters: [Int]) {
        self.parameters = parameters
    }

    /// No attribute: the terminal's default.
    public static let plain = TextStyle(parameters: [])
    /// Bold (section titles).
    public static let bold = TextStyle(parameters: [1])
    /// Faint (secondary text: the keys line).
    public static let dim = TextStyle(parameters: [2])
    /// Reverse video (column headers).
    public static let reverse = TextStyle(parameters: [7])
    /// Red foreground (critical findings, errors).
    public static let red = TextStyle(parameters: [31])
    /// Yellow foreground (warnings, waiting clients).
    public static let yellow = TextStyle(parameters: [33])
    /// Green foreground.
    public static let green = TextStyle(parameters: [32])
    /// Cyan foreground (the header's figures).
    public static let cyan = TextStyle(parameters: [36])

    /// The two styles together.
    public func with(_ other: TextStyle) -> TextStyle {
        TextStyle(parameters: parameters + other.parameters.filter { !parameters.contains($0) })
    }

    /// The escape sequence that turns the style on, empty for ``plain``.
    var opening: String {
        parameters.isEmpty ? "" : "\u{1B}[" + parameters.map(String.init).joined(separator: ";") + "m"
    }

    /// The escape sequence that turns every attribute off again.
    static let reset = "\u{1B}[0m"
}
