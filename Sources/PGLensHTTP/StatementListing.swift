import Foundation
import PGLensAnalysis

/// The body of `GET /api/v1/statements`: statement statistics in the report's format, in a chosen order.
struct StatementListing: Encodable {
    /// How the statements are ordered: `total_time` or `mean_time`, largest first.
    var order: String
    var generatedAt: Date
    var statements: [StatementSummary]

    enum CodingKeys: String, CodingKey {
        case order, statements
        case generatedAt = "generated_at"
    }
}
