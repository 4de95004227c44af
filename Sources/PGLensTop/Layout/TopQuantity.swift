import Foundation

/// How `pglens top` writes its figures: short, with their unit, so that columns stay narrow.
enum TopQuantity {
    /// A duration in milliseconds: `0.42ms`, `12.3ms`, `1.25s`, `2.5min`, `1.2h`.
    static func duration(milliseconds: Double) -> String {
        let value = max(0, milliseconds)
        if value < 10 { return String(format: "%.2fms", value) }
        if value < 1000 { return String(format: "%.1fms", value) }
        if value < 60_000 { return String(format: "%.2fs", value / 1000) }
        if value < 3_600_000 { return String(format: "%.1fmin", value / 60_000) }
        return String(format: "%.1fh", value / 3_600_000)
    }

    /// A count: whole up to 6 digits, then `1.23M`, `4.56G`.
    static func count(_ value: UInt64) -> String {
        if value < 1_000_000 { return "\(value)" }
        if value < 1_000_000_000 { return String(format: "%.2fM", Double(value) / 1e6) }
        return String(format: "%.2fG", Double(value) / 1e9)
    }

    /// A count of a signed kind (pool figures).
    static func count(_ value: Int) -> String {
        count(UInt64(max(0, value)))
    }

    /// A rate per second: one decimal under 100, whole above.
    static func rate(_ value: Double) -> String {
        value < 100 ? String(format: "%.1f", value) : String(format: "%.0f", value)
    }

    /// Elapsed time: `42s`, `5m03s`, `2h05m`, `3d04h`.
    static func elapsed(seconds: Double) -> String {
        let whole = Int(max(0, seconds).rounded(.down))
        if whole < 60 { return "\(whole)s" }
        if whole < 3600 { return String(format: "%dm%02ds", whole / 60, whole % 60) }
        if whole < 86400 { return String(format: "%dh%02dm", whole / 3600, whole % 3600 / 60) }
        return String(format: "%dd%02dh", whole / 86400, whole % 86400 / 3600)
    }
}
