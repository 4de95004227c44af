import Foundation
import Testing

/// Parses the single JSON object a client script printed.
enum JSONOutput {
    static func object(
        _ result: CommandResult, sourceLocation: SourceLocation = #_sourceLocation
    ) throws
        -> [String: Any]
    {
        try #require(result.exitCode == 0, "client failed: \(result)", sourceLocation: sourceLocation)
        let line = result.stdout.split(separator: "\n").last.map(String.init) ?? ""
        let parsed = try JSONSerialization.jsonObject(with: Data(line.utf8))
        return try #require(parsed as? [String: Any], "not a JSON object: \(result)", sourceLocation: sourceLocation)
    }
}
