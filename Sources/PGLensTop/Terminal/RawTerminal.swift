#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The controlling terminal in raw mode for as long as `pglens top` runs: keys arrive one byte at a time,
/// unechoed, Ctrl-C as a byte rather than SIGINT. ``restore()`` puts back the settings found at the start;
/// it is idempotent and safe to call from the exit path.
public final class RawTerminal: @unchecked Sendable {
    private let descriptor: Int32
    private var original: termios
    private var isRaw = false

    /// Takes `descriptor` (standard input) into raw mode; `nil` when it is not a terminal.
    public init?(descriptor: Int32 = STDIN_FILENO) {
        guard isatty(descriptor) == 1 else { return nil }
        var settings = termios()
        guard tcgetattr(descriptor, &settings) == 0 else { return nil }
        self.descriptor = descriptor
        self.original = settings
        var raw = settings
        // cfmakeraw without OPOST's removal: the frame writes \r\n itself, and output stays as it was.
        raw.c_iflag &= ~tcflag_t(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON)
        raw.c_lflag &= ~tcflag_t(ECHO | ECHONL | ICANON | ISIG | IEXTEN)
        raw.c_cflag &= ~tcflag_t(CSIZE | PARENB)
        raw.c_cflag |= tcflag_t(CS8)
        // A read returns as soon as one byte is there.
        withUnsafeMutableBytes(of: &raw.c_cc) { bytes in
            bytes[Int(VMIN)] = 1
            bytes[Int(VTIME)] = 0
        }
        guard tcsetattr(descriptor, TCSAFLUSH, &raw) == 0 else { return nil }
        isRaw = true
    }

    /// Puts the terminal's settings back as they were.
    public func restore() {
        guard isRaw else { return }
        isRaw = false
        _ = tcsetattr(descriptor, TCSAFLUSH, &original)
    }

    /// The size of the terminal on `descriptor`, `nil` when it is not one.
    public static func size(of descriptor: Int32 = STDOUT_FILENO) -> TerminalSize? {
        var window = winsize()
        guard ioctl(descriptor, UInt(TIOCGWINSZ), &window) == 0, window.ws_col > 0, window.ws_row > 0 else {
            return nil
        }
        return TerminalSize(columns: Int(window.ws_col), rows: Int(window.ws_row))
    }

    /// Whether `descriptor` is a terminal.
    public static func isTerminal(_ descriptor: Int32) -> Bool {
        isatty(descriptor) == 1
    }

    /// Writes all of `text` to `descriptor`, retrying short writes and interruptions.
    public static func writeAll(_ text: String, to descriptor: Int32 = STDOUT_FILENO) {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeMutableBytes { buffer in
                write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
            }
            if written < 0 {
                if errno == EINTR { continue }
                return
            }
            offset += written
        }
    }
}
