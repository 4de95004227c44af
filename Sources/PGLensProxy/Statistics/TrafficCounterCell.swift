/// One database's counters on one event loop. Sessions of that loop add to it with plain stores: no lock
/// and no atomic on the hot path. Only code running on the loop touches it.
final class TrafficCounterCell: @unchecked Sendable {
    var counters = TrafficCounters()
}
