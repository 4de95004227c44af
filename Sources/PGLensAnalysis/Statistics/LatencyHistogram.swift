import Histogram

/// Latencies recorded at microsecond resolution (1 µs to 1 h, 3 significant digits) in an HdrHistogram,
/// with the exact minimum, maximum and sum kept beside it.
///
/// The histogram auto-resizes, so a statement that only ever takes a few milliseconds costs a few KB.
struct LatencyHistogram: Sendable {
    private static let highestMicroseconds: UInt64 = 3_600_000_000

    private var histogram = Histogram<UInt64>(numberOfSignificantValueDigits: .three)
    private(set) var count: UInt64 = 0
    private(set) var totalNanoseconds: UInt64 = 0
    private(set) var minimumNanoseconds: UInt64 = .max
    private(set) var maximumNanoseconds: UInt64 = 0

    mutating func record(nanoseconds: UInt64) {
        let microseconds = min(max(nanoseconds / 1000, 1), Self.highestMicroseconds)
        histogram.record(microseconds)
        count += 1
        totalNanoseconds &+= nanoseconds
        minimumNanoseconds = min(minimumNanoseconds, nanoseconds)
        maximumNanoseconds = max(maximumNanoseconds, nanoseconds)
    }

    /// The value at `percentile` (0-100) in milliseconds, kept within the exact minimum and maximum;
    /// 0 when nothing was recorded.
    func milliseconds(atPercentile percentile: Double) -> Double {
        guard count > 0 else { return 0 }
        let value = Double(histogram.valueAtPercentile(percentile)) / 1000
        return min(max(value, Self.milliseconds(minimumNanoseconds)), Self.milliseconds(maximumNanoseconds))
    }

    var totalMilliseconds: Double { Self.milliseconds(totalNanoseconds) }
    var meanMilliseconds: Double { count == 0 ? 0 : totalMilliseconds / Double(count) }
    var minimumMilliseconds: Double { count == 0 ? 0 : Self.milliseconds(minimumNanoseconds) }
    var maximumMilliseconds: Double { Self.milliseconds(maximumNanoseconds) }

    static func milliseconds(_ nanoseconds: UInt64) -> Double {
        Double(nanoseconds) / 1_000_000
    }
}
