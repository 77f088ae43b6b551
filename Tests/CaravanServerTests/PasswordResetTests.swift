import CaravanDomain
@testable import CaravanServer
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@Suite struct PasswordResetTests {
    static func resetLink(_ app: Application) async throws -> String? {
        try await OutboxMail.query(on: app.db).filter(\.$kind == "mail.password-reset").sort(\.$createdAt, .descending).first()?.link
    }

    @Test func aPersonWhoForgotTheirPasswordSetsANewOneAndIsSignedOutEverywhere() async throws {
        let clock = TestClock()
        try await withTestApp(clock: clock) { app in
            try await app.signUp(email: "aziz@example.uz")
            let token = try await app.token(email: "aziz@example.uz")
            let elsewhere = WebClient(app, acceptLanguage: "en")
            try await elsewhere.get("/signin")
            try await elsewhere.post("/signin", form: ["email": "aziz@example.uz", "password": "correct horse"])
            #expect(try await elsewhere.get("/account").status == .ok)

            let browser = WebClient(app, acceptLanguage: "en")
            #expect(try await browser.get("/signin").text.contains(#"href="/password-reset""#))
            try await browser.get("/password-reset")
            // The same answer whether the address has an account or not; mail only for the one that has.
            let unknown = try await browser.post("/password-reset", form: ["email": "nobody@example.org"])
            let known = try await browser.post("/password-reset", form: ["email": "Aziz@Example.UZ"])
            #expect(unknown.status == .ok && known.status == .ok)
            #expect(unknown.text.replacingOccurrences(of: "nobody@example.org", with: "X") == known.text.replacingOccurrences(of: "Aziz@Example.UZ", with: "X"))
            #expect(try await OutboxMail.query(on: app.db).filter(\.$kind == "mail.password-reset").count() == 1)
            let link = try #require(try await Self.resetLink(app))
            #expect(link.hasPrefix("/password-reset/"))
            // Only a hash of the token is kept.
            let stored = try #require(try await PasswordReset.query(on: app.db).first())
            #expect(!link.contains(stored.tokenHash) && stored.tokenHash.count == 64)

            // A password the rules refuse spends nothing; a good one is saved once.
            #expect(try await browser.get(link).text.contains(#"name="password""#))
            let short = try await browser.post(link, form: ["password": "short"])
            #expect(short.status == .unprocessableEntity)
            let saved = try await browser.post(link, form: ["password": "a brand new secret"])
            #expect(saved.status == .seeOther)
            #expect(saved.headers.first(name: .location) == "/signin?notice=password-reset")
            #expect(try await browser.get("/signin?notice=password-reset").text.contains("Your password is changed"))

            // Signed out everywhere: the other browser's session and the API token are gone.
            #expect(try await elsewhere.get("/account").status == .seeOther)
            #expect(try await app.api(.GET, "/me", token: token).status == .unauthorized)
            // The old password no longer opens the account; the new one does.
            let old = try await app.api(.POST, "/sessions", raw: #"{"email":"aziz@example.uz","password":"correct horse"}"#)
            #expect(old.status == .unauthorized)
            let new = try await app.api(.POST, "/sessions", raw: #"{"email":"aziz@example.uz","password":"a brand new secret"}"#)
            #expect(new.status == .created || new.status == .ok)
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "account.password-reset").count() == 1)

            // The link works once.
            let again = try await browser.get(link)
            #expect(again.status == .gone && again.text.contains("has been used or is out of date"))
            #expect(try await browser.post(link, form: ["password": "another new secret"]).status == .gone)
            #expect(try await browser.get("/password-reset/not-a-token").status == .gone)

            // A link asked for later works for 30 minutes, not 31.
            clock.advance(by: 60)
            try await browser.get("/password-reset")
            _ = try await browser.post("/password-reset", form: ["email": "aziz@example.uz"])
            let late = try #require(try await Self.resetLink(app))
            #expect(late != link)
            clock.advance(by: 31 * 60)
            #expect(try await browser.get(late).status == .gone)
        }
    }

    @Test func askingIsThrottledPerAddressWhetherItExistsOrNot() async throws {
        try await withTestApp { app in
            try await app.signUp(email: "aziz@example.uz")
            for email in ["aziz@example.uz", "nobody@example.org"] {
                let browser = WebClient(app, acceptLanguage: "en")
                try await browser.get("/password-reset")
                for _ in 0..<3 { #expect(try await browser.post("/password-reset", form: ["email": email]).status == .ok) }
                let refused = try await browser.post("/password-reset", form: ["email": email])
                #expect(refused.status == .tooManyRequests)
                #expect(refused.headers.first(name: .retryAfter) != nil)
            }
            #expect(try await OutboxMail.query(on: app.db).filter(\.$kind == "mail.password-reset").count() == 3)
            let bad = WebClient(app, acceptLanguage: "en")
            try await bad.get("/password-reset")
            #expect(try await bad.post("/password-reset", form: ["email": ""]).status == .unprocessableEntity)
        }
    }

    @Test func theAPIAsksAndCompletesAlikeWithTheSameAnswers() async throws {
        try await withTestApp { app in
            try await app.signUp(email: "aziz@example.uz")
            #expect(try await app.api(.POST, "/password-resets", raw: #"{"email":"aziz@example.uz"}"#).status == .accepted)
            #expect(try await app.api(.POST, "/password-resets", raw: #"{"email":"nobody@example.org"}"#).status == .accepted)
            #expect(try await app.api(.POST, "/password-resets", raw: #"{"email":""}"#).status == .unprocessableEntity)
            let token = String(try #require(try await Self.resetLink(app)).dropFirst("/password-reset/".count))
            let weak = try await app.api(.POST, "/password-resets/completion", raw: #"{"token":"\#(token)","password":"short"}"#, language: "en")
            #expect(weak.status == .unprocessableEntity)
            #expect(try await app.api(.POST, "/password-resets/completion", raw: #"{"token":"\#(token)","password":"a brand new secret"}"#).status == .noContent)
            let again = try await app.api(.POST, "/password-resets/completion", raw: #"{"token":"\#(token)","password":"a brand new secret"}"#, language: "en")
            #expect(again.status == .gone)
            #expect(try again.json(ProblemBody.self).title == "The link no longer works")
        }
    }

    @Test func askingAtOnceIsCountedOneAfterAnother() async throws {
        try await withTestApp { app in
            try await app.signUp(email: "aziz@example.uz")
            let answers = await withTaskGroup(of: Bool.self) { group in
                for index in 0..<8 {
                    group.addTask {
                        do {
                            try await PasswordResetService(app: app, database: app.db)
                                .request(email: "aziz@example.uz", address: "10.0.0.\(index)", language: .english)
                            return true
                        } catch { return false }
                    }
                }
                return await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            // Three an hour for one address, however the eight arrived.
            #expect(answers.filter { $0 }.count == 3)
            #expect(try await OutboxMail.query(on: app.db).filter(\.$kind == "mail.password-reset").count() == 3)
        }
    }

    @Test func twoUsesOfOneLinkAtOnceChangeThePasswordOnce() async throws {
        try await withTestApp { app in
            try await app.signUp(email: "aziz@example.uz")
            try await PasswordResetService(app: app, database: app.db).request(email: "aziz@example.uz", address: "127.0.0.1", language: .english)
            let link = try #require(try await Self.resetLink(app))
            let token = String(link.dropFirst("/password-reset/".count))
            let results = await withTaskGroup(of: Bool.self) { group in
                for index in 0..<6 {
                    group.addTask {
                        do {
                            try await PasswordResetService(app: app, database: app.db).complete(token: token, password: "new secret number \(index)")
                            return true
                        } catch { return false }
                    }
                }
                return await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(results.filter { $0 }.count == 1)
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "account.password-reset").count() == 1)
        }
    }
}

@Suite(.enabled(if: SMTPSink.port != nil || SMTPSink.required, SMTPSink.missing))
struct PasswordRecoveryByMailTests {
    /// The whole way, as a person takes it: ask on the page, read the mail the SMTP server received, follow its
    /// link, choose a password, sign in with it. And the token does not stay in the outbox once sent.
    @Test func aNewUserRecoversTheirPasswordFromTheMailItself() async throws {
        let port = try #require(SMTPSink.port, SMTPSink.missing)
        let clock = TestClock()
        try await withTestApp(clock: clock) { app in
            app.outbox = OutboxDelivery(sender: try SMTPSink.sender(port: port, clock: clock), logger: app.logger)
            try await app.signUp(email: "recover@example.uz")
            let browser = WebClient(app, acceptLanguage: "ru")
            try await browser.get("/password-reset")
            #expect(try await browser.post("/password-reset", form: ["email": "recover@example.uz"]).status == .ok)
            let row = try #require(try await OutboxMail.query(on: app.db).filter(\.$kind == "mail.password-reset").first())
            #expect(await app.outbox.sweep(app: app, on: app.db) >= 1)

            let received = try SMTPSink.delivered(try row.requireID())
            try #require(received.count == 1)
            let message = ReceivedPart(received[0].message)
            let plain = String(decoding: message.parts[0].decoded, as: UTF8.self)
            #expect(plain.contains("Смена пароля в Caravan. Ссылка ниже действует 30 минут и один раз."))
            let url = try #require(plain.split(whereSeparator: \.isWhitespace).map(String.init).first { $0.contains("/password-reset/") })
            let path = try #require(URLComponents(string: url)?.path)
            // Sent, the link is erased from the outbox: the token lives only in the person's mailbox.
            #expect(try await OutboxMail.find(try row.requireID(), on: app.db)?.link == "")

            #expect(try await browser.get(path).status == .ok)
            #expect(try await browser.post(path, form: ["password": "a fresh new secret"]).status == .seeOther)
            let signIn = try await app.api(.POST, "/sessions", raw: #"{"email":"recover@example.uz","password":"a fresh new secret"}"#)
            #expect(signIn.status == .created || signIn.status == .ok)
        }
    }
}
