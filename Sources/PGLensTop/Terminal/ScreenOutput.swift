/// The bytes `pglens top` writes to a terminal: entering and leaving the alternate screen, and a frame drawn
/// over the previous one without clearing first (no flicker). Pure: the caller writes them.
public enum ScreenOutput {
    /// The alternate screen (DEC private mode 1049, which saves the cursor too), cleared, cursor hidden.
    /// Wrapping stays on: the frame's lines fit the width, so none reaches the wrap.
    public static let enter = "\u{1B}[?1049h\u{1B}[H\u{1B}[2J\u{1B}[?25l"

    /// Back to the normal screen as it was, cursor shown, attributes reset.
    public static let leave = "\u{1B}[0m\u{1B}[?25h\u{1B}[?1049l"

    /// `lines` drawn from the top-left corner: each line then the rest of it erased, and everything below
    /// the last line erased.
    public static func frame(_ lines: [TerminalLine], colour: Bool) -> String {
        var text = "\u{1B}[H"
        for (index, line) in lines.enumerated() {
            if index > 0 { text += "\r\n" }
            text += line.rendered(colour: colour) + "\u{1B}[K"
        }
        return text + "\u{1B}[J"
    }

    /// `lines` as plain output (one frame printed when the output is not a terminal, or `--once`): each
    /// line without trailing spaces and ending in a newline.
    public static func text(_ lines: [TerminalLine], colour: Bool) -> String {
        lines.map { line in
            var rendered = line.rendered(colour: colour)
            while rendered.hasSuffix(" ") { rendered.removeLast() }
            return rendered + "\n"
        }.joined()
    }
}
