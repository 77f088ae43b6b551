import CaravanDomain
@testable import CaravanServer
import Fluent
import Foundation
import NIOCore
import NIOPosix
import Testing
import Vapor

/// The SMTP client against servers that misbehave, made here on NIO: nothing listening, silence, garbage, a refusal.
/// These need no sink and always run.
@Suite struct SMTPClientTests {
    /// Long by default, so only the test of the timeout sees one: under the whole suite a test's task can wait a minute
    /// for a thread while the step's timer, on the event loop, keeps time (see `SMTPSink.sender`).
    static func sender(port: Int, timeout: Duration = .seconds(300), clock: TestClock = TestClock()) throws -> SMTPMailSender {
        try SMTPSink.sender(port: port, clock: clock, timeout: timeout)
    }

    @Test func aServerThatIsDownIsAClearErrorAndTheMailStaysInTheOutbox() async throws {
        // setup: a port that was just closed, so nothing listens there
        let port = try await ScriptedSMTPServer.closedPort()
        let clock = TestClock()
        try await withTestApp(clock: clock) { app in
            let sender = try Self.sender(port: port, clock: clock)
            await #expect(throws: SMTPError.unreachable) { try await sender.send(SMTPMessageTests.sample) }

            // act: the outbox tries it
            app.outbox = OutboxDelivery(sender: sender, logger: app.logger)
            let id = try await SMTPSink.outboxMail(app, clock: clock).requireID()
            #expect(await app.outbox.sweep(app: app, on: app.db) == 0)

            // check: nothing lost, tried once, due again in a minute
            let row = try #require(try await OutboxMail.find(id, on: app.db))
            #expect(row.sentAt == nil)
            #expect(row.attempts == 1)
            #expect(row.nextAttemptAt == clock.now.addingTimeInterval(60))
        }
    }

    @Test func aSilentServerTimesOutAtTheGreeting() async throws {
        let server = try await ScriptedSMTPServer.start(greeting: nil)
        defer { server.stop() }
        let started = ContinuousClock.now
        await #expect(throws: SMTPError.timedOut(.greeting)) {
            try await Self.sender(port: server.port, timeout: .milliseconds(300)).send(SMTPMessageTests.sample)
        }
        // Not a timing test: only that the silence ended the attempt instead of waiting forever (a loaded CI
        // machine running hundreds of tests beside it may take seconds to get round to the timer).
        #expect(ContinuousClock.now - started < .seconds(60))
    }

    @Test func aServerThatSpeaksNoSMTPOrRefusesAtOnceIsNamedSo() async throws {
        let garbled = try await ScriptedSMTPServer.start(greeting: "SSH-2.0-OpenSSH_9.6\r\n")
        defer { garbled.stop() }
        await #expect(throws: SMTPError.malformedReply(.greeting)) {
            try await Self.sender(port: garbled.port).send(SMTPMessageTests.sample)
        }
        let busy = try await ScriptedSMTPServer.start(greeting: "554 5.3.2 no service for you\r\n")
        defer { busy.stop() }
        await #expect(throws: SMTPError.refused(.greeting, code: 554)) {
            try await Self.sender(port: busy.port).send(SMTPMessageTests.sample)
        }
    }

    @Test func theErrorNamesTheStepAndCodeAndNothingPersonal() {
        let error = SMTPError.refused(.recipient, code: 550)
        #expect(error.description == "SMTP: the server refused RCPT TO with 550")
        #expect(!error.isTransient)
        #expect(SMTPError.refused(.message, code: 451).isTransient)
    }
}

/// A TCP server on 127.0.0.1 that says one fixed thing when a client connects (or nothing at all) and then listens
/// without answering.
struct ScriptedSMTPServer {
    let channel: any Channel

    var port: Int { channel.localAddress?.port ?? 0 }

    static func start(greeting: String?) async throws -> ScriptedSMTPServer {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { child in
                child.eventLoop.makeCompletedFuture {
                    if let greeting { try child.pipeline.syncOperations.addHandler(Greeter(greeting: greeting)) }
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return ScriptedSMTPServer(channel: channel)
    }

    /// A port nothing listens on: bound a moment ago, then closed.
    static func closedPort() async throws -> Int {
        let server = try await start(greeting: nil)
        let port = server.port
        try await server.channel.close()
        return port
    }

    func stop() {
        channel.close(promise: nil)
    }

    private final class Greeter: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        let greeting: String

        init(greeting: String) {
            self.greeting = greeting
        }

        func channelActive(context: ChannelHandlerContext) {
            context.writeAndFlush(Self.wrapOutboundOut(ByteBuffer(string: greeting)), promise: nil)
            context.fireChannelActive()
        }
    }
}
