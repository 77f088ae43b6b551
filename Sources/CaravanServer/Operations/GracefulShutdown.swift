import Foundation
import NIOConcurrencyHelpers
import NIOCore
import Vapor

/// Stops a serving process in order, so nothing in flight is cut off and nothing reaches a closed database.
///
/// Vapor's own `asyncShutdown` runs the lifecycle handlers (Fluent's closes the databases) before it stops the HTTP
/// server, so a request still running when SIGTERM came asked Fluent for a database that was gone and the process
/// crashed. This handler is registered last, so it runs first, and it:
/// 1. stops taking requests: the listening socket closes (new connections are refused) and a request that still
///    arrives on an open keep-alive connection gets 503 with `Connection: close`;
/// 2. lets the requests in flight finish, for at most `grace` (the HTTP server's own shutdown timeout is the same);
/// 3. stops background work: the permit grace sweeper, then the mail outbox;
/// and then Fluent's handler closes the databases. A request that outlives the grace ends the process with
/// status 1 without closing anything, like a supervisor's kill would, rather than crash half-way through.
final class GracefulShutdown: LifecycleHandler, Sendable {
    /// Long enough for any request this server answers (the slowest, a bcrypt sign-up or an upload, takes well
    /// under a second), short enough for a deployment's stop timeout (systemd's default is 90 s, Kubernetes' 30 s).
    static let grace: TimeAmount = .seconds(10)

    private let inFlight = NIOLockedValueBox(0)
    private let draining = NIOLockedValueBox(false)

    var isDraining: Bool { draining.withLockedValue { $0 } }
    var requestsInFlight: Int { inFlight.withLockedValue { $0 } }

    func enter() -> Bool {
        inFlight.withLockedValue { count in
            count += 1
        }
        return !isDraining
    }

    func leave() {
        inFlight.withLockedValue { $0 -= 1 }
    }

    func shutdownAsync(_ application: Application) async {
        draining.withLockedValue { $0 = true }
        let started = NIODeadline.now()
        // 1. No new connections; HTTP/1 connections are closed as their current request ends.
        await application.server.shutdown()
        // 2. What the server's quiescing let through still finishes before anything it needs goes away.
        while requestsInFlight > 0, NIODeadline.now() - started < Self.grace {
            try? await Task.sleep(for: .milliseconds(10))
        }
        let left = requestsInFlight
        if left > 0 {
            application.logger.critical("requests still running after the shutdown grace; stopping without closing the database",
                                        metadata: ["requests": .stringConvertible(left)])
            exit(1)
        }
        // 3. Background work, then the outbox it feeds.
        await application.graceSweeper?.stop()
        await application.outbox.close()
        application.logger.info("stopped: requests finished, background work stopped; closing the database")
    }
}

/// Counts requests for `GracefulShutdown` and turns new ones away once it has begun. On the event loop, without
/// a task: it runs for every request.
struct ShutdownGateMiddleware: Middleware {
    let shutdown: GracefulShutdown

    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        guard shutdown.enter() else {
            shutdown.leave()
            let response = Response(status: .serviceUnavailable, headers: ["Connection": "close", "Retry-After": "5"])
            return request.eventLoop.makeSucceededFuture(response)
        }
        return next.respond(to: request).always { _ in shutdown.leave() }
    }
}

extension Application {
    private struct GracefulShutdownKey: StorageKey {
        typealias Value = GracefulShutdown
    }

    var gracefulShutdown: GracefulShutdown? {
        get { storage[GracefulShutdownKey.self] }
        set { storage[GracefulShutdownKey.self] = newValue }
    }
}
