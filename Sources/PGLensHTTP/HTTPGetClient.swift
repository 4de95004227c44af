import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// A minimal HTTP/1.1 client for `pglens report`: one GET, the whole body, no redirects, no TLS (the API
/// listens on loopback by default).
public struct HTTPGetClient: Sendable {
    /// Why a GET failed.
    public struct Failure: Error, CustomStringConvertible {
        /// What went wrong.
        public var description: String
    }

    /// An answer.
    public struct Answer: Sendable {
        /// The status code.
        public var status: Int
        /// The body.
        public var body: Data
    }

    /// The longest body accepted (a report of 5000 statements is a few MB).
    public var maximumBodyBytes = 256 * 1024 * 1024
    /// How long to wait for the whole answer.
    public var timeout: TimeAmount = .seconds(30)

    /// Creates a client.
    public init() {}

    /// GETs `url` (`http://host:port/path?query`).
    public func get(_ url: String) async throws -> Answer {
        guard let target = HTTPTarget(url) else {
            throw Failure(description: "not an http:// URL: \(url)")
        }
        let group = MultiThreadedEventLoopGroup.singleton
        let eventLoop = group.next()
        let promise = eventLoop.makePromise(of: Answer.self)
        let limit = maximumBodyBytes
        let bootstrap = ClientBootstrap(group: group)
            .connectTimeout(timeout)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(
                        HTTPAnswerCollector(promise: promise, maximumBodyBytes: limit))
                }
            }
        let channel: any Channel
        do {
            channel = try await bootstrap.connect(host: target.host, port: target.port).get()
        } catch {
            promise.fail(error)
            throw Failure(description: "cannot connect to \(target.host):\(target.port): \(error)")
        }
        var head = HTTPRequestHead(version: .http1_1, method: .GET, uri: target.pathAndQuery)
        head.headers.add(name: "Host", value: "\(target.host):\(target.port)")
        head.headers.add(name: "Accept", value: "application/json")
        head.headers.add(name: "Connection", value: "close")
        channel.write(HTTPClientRequestPart.head(head), promise: nil)
        channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
        let timeoutTask = eventLoop.scheduleTask(in: timeout) {
            promise.fail(Failure(description: "no complete answer from \(url) within \(timeout)"))
        }
        defer { timeoutTask.cancel() }
        do {
            let answer = try await promise.futureResult.get()
            try? await channel.close()
            return answer
        } catch {
            try? await channel.close()
            throw error
        }
    }
}
