import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOPosix
import PGLensAnalysis
import Synchronization

/// pglens's HTTP API (`admin_http_listen`), served by Hummingbird on an event loop of its own, so that
/// neither its connections nor the building of a report ever run on the proxy's event loops. The routes
/// are ``ReportAPI``'s; this type only binds, serves and stops.
public final class AdminHTTPServer: Sendable {
    /// Why the API could not start.
    public struct StartError: Error, CustomStringConvertible {
        /// What went wrong, naming the address.
        public var description: String
    }

    /// The address the API is bound to (with the real port when the configured port is 0).
    public let localAddress: SocketAddress
    private let task: Task<Void, Never>
    private let group: MultiThreadedEventLoopGroup

    private init(localAddress: SocketAddress, task: Task<Void, Never>, group: MultiThreadedEventLoopGroup) {
        self.localAddress = localAddress
        self.task = task
        self.group = group
    }

    /// Binds `host:port` and starts serving `api`; returns once the listener is bound, or throws when it
    /// cannot be (address in use, unknown host).
    public static func start(host: String, port: Int, api: ReportAPI, logger: Logger) async throws -> AdminHTTPServer {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let (bound, boundContinuation) = AsyncStream<Result<SocketAddress, any Error>>.makeStream()
        let responder = CallbackResponder<BasicRequestContext> { request, _ in
            var query: [String: String] = [:]
            for (key, value) in request.uri.queryParameters { query[String(key)] = String(value) }
            let answer: APIResponse
            if request.method == .get || request.method == .head {
                answer = api.respond(path: request.uri.path, query: query)
            } else {
                answer = .error("only GET is served", status: 405)
            }
            var headers = HTTPFields()
            headers[.contentType] = answer.contentType
            return Response(
                status: HTTPResponse.Status(code: answer.status), headers: headers,
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: answer.body)))
        }
        var httpLogger = logger
        httpLogger.logLevel = max(logger.logLevel, .notice)
        let application = Application(
            responder: responder,
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: "pglens"),
            onServerRunning: { channel in
                if let address = channel.localAddress { boundContinuation.yield(.success(address)) }
            },
            eventLoopGroupProvider: .shared(group),
            logger: httpLogger)
        let task = Task.detached {
            do {
                try await application.run()
            } catch {
                boundContinuation.yield(.failure(error))
            }
            boundContinuation.finish()
        }
        var outcome: Result<SocketAddress, any Error>?
        for await result in bound {
            outcome = result
            break
        }
        switch outcome {
        case .success(let address):
            return AdminHTTPServer(localAddress: address, task: task, group: group)
        case .failure(let error):
            try? await group.shutdownGracefully()
            throw StartError(description: "cannot serve the HTTP API on \(host):\(port): \(error)")
        case nil:
            try? await group.shutdownGracefully()
            throw StartError(description: "the HTTP API on \(host):\(port) stopped before it was bound")
        }
    }

    /// Stops serving and closes the listener.
    public func shutdown() async {
        task.cancel()
        _ = await task.value
        try? await group.shutdownGracefully()
    }
}
