/// Splits the text of a Query sent to the admin console into its statements.
///
/// Statements are separated by `;` outside single and double quotes; blank statements are dropped.
enum AdminScript {
    static func statements(_ text: String) -> [String] {
        var statements: [String] = []
        var current = ""
        var quote: Character?
        for character in text {
            if let open = quote {
                if character == open { quote = nil }
            } else if character == "'" || character == "\"" {
                quote = character
            } else if character == ";" {
                statements.append(current)
                current = ""
                continue
            }
            current.append(character)
        }
        statements.append(current)
        return statements.filter { !$0.allSatisfy(\.isWhitespace) }
    }
}
