import Foundation
import Logging
import NIOCore
import NIOPosix
import PGLensAnalysis
import PGLensConfig

/// pglens's index advisor: every `advisor_interval`, one run per database with `advisor` on, one database
/// after another — so at most one advisor connection is open at a time, per database and overall. Each
/// run opens its own session (outside the pools, on a one-thread event loop group of its own, so that no
/// client's event loop carries its work), takes the catalog and the plans, and closes it.
final class IndexAdvisor: Sendable {
    private let group: MultiThreadedEventLoopGroup
    private let task: Task<Void, Never>

    /// Starts the advisor; its first run comes after 5 s or `advisor_interval`, whichever is shorter (some
    /// traffic to advise on).
    init(
        configuration: Configuration, resolve: @escaping PoolManager.PoolResolver, connector: ServerConnector,
        analysis: AnalysisPipeline, logger: Logger
    ) {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        self.group = group
        let interval = Duration.milliseconds(Int64(configuration.advisorInterval * 1000))
        let schedule = AdvisorSchedule(
            configuration: configuration, resolve: resolve, connector: connector, analysis: analysis, logger: logger,
            eventLoop: group.next())
        self.task = Task.detached(priority: .utility) {
            try? await Task.sleep(for: min(interval, .seconds(5)))
            while !Task.isCancelled {
                await schedule.runOnce()
                try? await Task.sleep(for: interval)
            }
        }
    }

    /// Whether the configuration turns the advisor on for any database.
    static func isWanted(_ configuration: Configuration) -> Bool {
        configuration.analysis && configuration.databases.values.contains { configuration.advisor(for: $0) }
    }

    /// Stops the schedule (a run under way ends at its next statement) and the advisor's event loop.
    func stop() async {
        task.cancel()
        await task.value
        try? await group.shutdownGracefully()
    }
}
