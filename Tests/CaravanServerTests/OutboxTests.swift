import CaravanDomain
@testable import CaravanServer
import Fluent
import Foundation
import Testing
import Vapor

/// The outbox's own rules, with senders in memory: the backoff between attempts, the limit, secret links.
@Suite struct OutboxTests {
    /// Refuses every mail, as a server that is down would.
    struct FailingMailSender: MailSender {
        struct Down: Error {}

        func send(_ mail: Mail) async throws { throw Down() }
    }

    @Test func theWaitGrowsWithEachAttemptAndStopsAtFive() async throws {
        #expect((1...6).map { OutboxDelivery.delay(afterAttempt: $0) } == [60, 300, 1800, 7200, 7200, 7200])
        let clock = TestClock()
        try await withTestApp(clock: clock) { app in
            app.outbox = OutboxDelivery(sender: FailingMailSender(), logger: app.logger)
            let id = try await SMTPSink.outboxMail(app, clock: clock).requireID()
            // Each sweep comes just as the mail falls due; after the fifth attempt none comes any more.
            var waits: [TimeInterval] = []
            for _ in 1...6 {
                _ = await app.outbox.sweep(app: app, on: app.db)
                let row = try #require(try await OutboxMail.find(id, on: app.db))
                guard let next = row.nextAttemptAt, row.attempts > waits.count else { break }
                waits.append(next.timeIntervalSince(clock.now))
                clock.advance(by: next.timeIntervalSince(clock.now))
            }
            #expect(waits == [60, 300, 1800, 7200, 7200])
            #expect(try await OutboxMail.find(id, on: app.db)?.attempts == OutboxDelivery.maximumAttempts)
        }
    }

    @Test func aSecretLinkIsErasedOnceSentAndOtherLinksStay() async throws {
        let mail = RecordingMailSender()
        let clock = TestClock()
        try await withTestApp(clock: clock, mail: mail) { app in
            // setup: a reset link holding a one-time token, and an ordinary notice
            #expect(OutboxMail.secretKinds.contains("mail.password-reset"))
            let reset = OutboxMail(userID: nil, address: "a@example.org", language: .english, kind: "mail.password-reset",
                                   arguments: [:], link: "/password/reset/one-time-token", at: clock.now)
            try await reset.create(on: app.db)
            let ordinary = try await SMTPSink.outboxMail(app, clock: clock)

            // act
            #expect(await app.outbox.sweep(app: app, on: app.db) == 2)

            // check: the token went out in the mail, and is no longer in the database
            #expect(await mail.sent.contains { $0.body.contains("http://localhost:8080/password/reset/one-time-token") })
            #expect(try await OutboxMail.find(try reset.requireID(), on: app.db)?.link == "")
            #expect(try await OutboxMail.find(try ordinary.requireID(), on: app.db)?.link == "/applications")
        }
    }
}
