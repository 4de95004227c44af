import Testing

/// Runs one function of `Clients/scenarios.py` (raw-socket and driver scenarios) and parses its JSON.
enum Scenario {
    static func run(_ arguments: [String], timeout: Double = 60) async throws -> [String: Any] {
        try JSONOutput.object(try await ClientRunner.python("scenarios.py", arguments, timeout: timeout))
    }
}
