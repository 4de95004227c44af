/// The counters of one event loop, per database. Touched only on that loop: sessions take their cell
/// at login, and the admin console reads a copy by submitting `snapshot()` to the loop.
final class LoopTrafficCounters: @unchecked Sendable {
    private var cells: [String: TrafficCounterCell] = [:]

    /// The cell sessions of `database` on this loop add to.
    func cell(for database: String) -> TrafficCounterCell {
        if let cell = cells[database] { return cell }
        let cell = TrafficCounterCell()
        cells[database] = cell
        return cell
    }

    /// A copy of the counters, per database.
    func snapshot() -> [String: TrafficCounters] {
        cells.mapValues(\.counters)
    }
}
