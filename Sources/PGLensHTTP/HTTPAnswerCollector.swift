import Foundation
import NIOCore
import NIOHTTP1

/// Collects one HTTP answer into a promise.
final class HTTPAnswerCollector: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = HTTPClientResponsePart

    private let promise: EventLoopPromise<HTTPGetClient.Answer>
    private let maximumBodyBytes: Int
    private var status = 0
    private var body = Data()

    init(promise: EventLoopPromise<HTTPGetClient.Answer>, maximumBodyBytes: Int) {
        self.promise = promise
        self.maximumBodyBytes = maximumBodyBytes
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            status = Int(head.status.code)
        case .body(let buffer):
            guard body.count + buffer.readableBytes <= maximumBodyBytes else {
                promise.fail(HTTPGetClient.Failure(description: "the answer is larger than \(maximumBodyBytes) bytes"))
                context.close(promise: nil)
                return
            }
            body.append(contentsOf: buffer.readableBytesView)
        case .end:
            promise.succeed(HTTPGetClient.Answer(status: status, body: body))
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        promise.fail(HTTPGetClient.Failure(description: "the connection closed before the answer was complete"))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        promise.fail(error)
        context.close(promise: nil)
    }
}
