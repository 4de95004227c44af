import Foundation
import PGLensAnalysis

/// The body of `GET /api/v1/slow`: the slow-query log's ring, newest first.
struct SlowExecutionListing: Encodable {
    var generatedAt: Date
    var executions: [SlowQueryExecution]

    enum CodingKeys: String, CodingKey {
        case executions
        case generatedAt = "generated_at"
    }
}
