import CaravanDomain
@testable import CaravanServer
import Fluent
import Foundation
import NIOCore
import NIOPosix
import Testing
import Vapor

/// The local SMTP servers scripts/test starts (tests-smtp/smtp_sink.py): one accepts and writes each message to a
/// folder, one answers every message with 451, one offers STARTTLS with a certificate no one trusts. Without them the suite is skipped, saying why; with CI=true it runs
/// and fails, so a CI that lost its sinks cannot pass quietly.
enum SMTPSink {
    static let environment = ProcessInfo.processInfo.environment
    static let port = environment["CARAVAN_TEST_SMTP_PORT"].flatMap { Int($0) }
    static let refusingPort = environment["CARAVAN_TEST_SMTP_REFUSING_PORT"].flatMap { Int($0) }
    /// A sink that offers STARTTLS with a self-signed certificate.
    static let tlsPort = environment["CARAVAN_TEST_SMTP_TLS_PORT"].flatMap { Int($0) }
    static let folder = environment["CARAVAN_TEST_SMTP_FOLDER"].map { URL(fileURLWithPath: $0, isDirectory: true) }
    /// `user:password` the accepting sink takes for AUTH.
    static let credentials = environment["CARAVAN_TEST_SMTP_AUTH"]
    static let required = environment["CI"] == "true"
    static let missing: Comment = "no SMTP sink: scripts/test starts tests-smtp/smtp_sink.py and sets CARAVAN_TEST_SMTP_PORT, _REFUSING_PORT, _TLS_PORT, _FOLDER and _AUTH"

    /// A sender to the sink on `port`; `options` are the URL's own (`starttls=`), credentials go before the host.
    /// Without a `timeout`, five minutes: these tests are about what a working sink receives, not about time. In the
    /// whole suite hundreds of tests share Swift's two cooperative threads, and a test's task can wait a minute to
    /// resume (a synchronous configuration test there "took" 59 s). The step's timer runs on the connection's event
    /// loop, so it fired at 30 s although the sink had answered at once (a false "no answer in time at greeting").
    /// The timeout itself is tested against scripted servers in `SMTPClientTests`.
    static func sender(port: Int, options: String = "starttls=optional", userInfo: String = "", clock: TestClock,
                       timeout: Duration? = nil) throws -> SMTPMailSender {
        var smtp = try SMTPConfiguration.parse("smtp://\(userInfo)127.0.0.1:\(port)?from=noreply@caravan.example.org&\(options)")
        smtp.timeout = timeout ?? .seconds(300)
        return try SMTPMailSender(configuration: smtp, group: MultiThreadedEventLoopGroup.singleton, helloName: "caravan.test",
                                  now: { clock.now }, logger: Logger(label: "smtp-test"))
    }

    /// The messages the accepting sink wrote for one outbox row (its Message-ID), with their envelopes.
    static func delivered(_ id: UUID) throws -> [(message: String, envelope: [String: Any])] {
        let folder = try #require(folder, missing)
        let marker = "Message-ID: <\(id.uuidString.lowercased())@"
        return try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "eml" }
            .compactMap { file in
                let message = try String(contentsOf: file, encoding: .utf8)
                guard message.contains(marker) else { return nil }
                let envelope = try JSONSerialization.jsonObject(with: Data(contentsOf: file.deletingPathExtension().appendingPathExtension("json")))
                return (message, envelope as? [String: Any] ?? [:])
            }
    }

    /// An outbox row as the services write one: a Russian offer, to someone without an account, with a calendar.
    static func outboxMail(_ app: Application, clock: TestClock, calendar: String? = nil) async throws -> OutboxMail {
        let mail = OutboxMail(
            userID: nil, address: "aziz@example.uz", language: .russian, kind: "notice.specialist.offer",
            arguments: ["company": "ООО «Казань Софт»", "vacancy": "Java-разработчик", "person": "Азиз"],
            link: "/applications", at: clock.now
        )
        mail.calendar = calendar
        try await mail.create(on: app.db)
        return mail
    }
}

@Suite(.enabled(if: SMTPSink.port != nil || SMTPSink.required, SMTPSink.missing))
struct SMTPDeliveryTests {
    static let calendar = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Caravan//RU\r\nBEGIN:VEVENT\r\nSUMMARY:Центр\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"

    @Test func anOutboxMailArrivesWithItsHeadersBothPartsAndTheCalendar() async throws {
        let port = try #require(SMTPSink.port, SMTPSink.missing)
        let clock = TestClock()
        try await withTestApp(clock: clock) { app in
            // setup
            app.outbox = OutboxDelivery(sender: try SMTPSink.sender(port: port, clock: clock), logger: app.logger)
            let row = try await SMTPSink.outboxMail(app, clock: clock, calendar: Self.calendar)

            // act
            #expect(await app.outbox.sweep(app: app, on: app.db) == 1)

            // check: one message, its envelope and headers
            let received = try SMTPSink.delivered(try row.requireID())
            try #require(received.count == 1)
            #expect(received[0].envelope["mail_from"] as? String == "noreply@caravan.example.org")
            #expect(received[0].envelope["rcpt_tos"] as? [String] == ["aziz@example.uz"])
            let message = ReceivedPart(received[0].message)
            #expect(message.header("from") == "Caravan <noreply@caravan.example.org>")
            #expect(message.header("to") == "<aziz@example.uz>")
            #expect(message.header("subject")?.hasPrefix("=?UTF-8?B?") == true)
            #expect(MailDecoding.header(message.header("subject") ?? "")
                == "Caravan: ООО «Казань Софт» делает вам предложение по вакансии «Java-разработчик». Примите или отклоните его на странице откликов.")
            #expect(message.header("date") == "Wed, 18 Nov 2026 11:06:40 +0000")
            #expect(message.header("message-id") == "<\(try row.requireID().uuidString.lowercased())@caravan.example.org>")
            #expect(message.header("mime-version") == "1.0")
            #expect(message.header("content-language") == "ru")
            #expect(received[0].message.components(separatedBy: "\r\n").allSatisfy { $0.utf8.count <= 76 })

            // check: the mixed part holds the alternative (plain, then HTML) and the calendar
            #expect(message.header("content-type")?.hasPrefix("multipart/mixed;") == true)
            let parts = message.parts
            try #require(parts.count == 2)
            let alternative = parts[0].parts
            try #require(alternative.count == 2)
            #expect(alternative[0].header("content-type") == "text/plain; charset=utf-8")
            let plain = String(decoding: alternative[0].decoded, as: UTF8.self)
            #expect(plain.hasPrefix("ООО «Казань Софт» делает вам предложение"))
            #expect(plain.hasSuffix("Открыть в Caravan: http://localhost:8080/applications"))
            #expect(alternative[1].header("content-type") == "text/html; charset=utf-8")
            let html = String(decoding: alternative[1].decoded, as: UTF8.self)
            #expect(html.contains(#"<html lang="ru">"#))
            #expect(html.contains("ООО «Казань Софт» делает вам предложение"))
            #expect(html.contains(#"<a href="http://localhost:8080/applications">http://localhost:8080/applications</a>"#))
            #expect(parts[1].header("content-disposition") == #"attachment; filename="appointment.ics""#)
            #expect(parts[1].header("content-type")?.hasPrefix("text/calendar; charset=utf-8") == true)
            #expect(String(decoding: parts[1].decoded, as: UTF8.self) == Self.calendar)

            let stored = try #require(try await OutboxMail.find(try row.requireID(), on: app.db))
            #expect(stored.sentAt == clock.now)
            #expect(stored.attempts == 1)
        }
    }

    @Test func aRefusingServerKeepsTheMailWaitingLongerEachTimeThenItGoesOnceOnly() async throws {
        let port = try #require(SMTPSink.port, SMTPSink.missing)
        let refusingPort = try #require(SMTPSink.refusingPort, SMTPSink.missing)
        let clock = TestClock()
        try await withTestApp(clock: clock) { app in
            // setup: the server answers 451
            app.outbox = OutboxDelivery(sender: try SMTPSink.sender(port: refusingPort, clock: clock), logger: app.logger)
            let id = try await SMTPSink.outboxMail(app, clock: clock).requireID()
            func stored() async throws -> OutboxMail { try #require(try await OutboxMail.find(id, on: app.db)) }

            // act and check: refused, kept, due in a minute
            #expect(await app.outbox.sweep(app: app, on: app.db) == 0)
            var row = try await stored()
            #expect(row.attempts == 1)
            #expect(row.sentAt == nil)
            #expect(row.nextAttemptAt == clock.now.addingTimeInterval(60))

            // Before its minute is up, a sweep leaves it alone; after, it is tried and refused again: five minutes.
            clock.advance(by: 59)
            #expect(await app.outbox.sweep(app: app, on: app.db) == 0)
            #expect(try await stored().attempts == 1)
            clock.advance(by: 1)
            #expect(await app.outbox.sweep(app: app, on: app.db) == 0)
            row = try await stored()
            #expect(row.attempts == 2)
            #expect(row.nextAttemptAt == clock.now.addingTimeInterval(300))

            // The server recovers; the mail still waits out its five minutes, then goes.
            app.outbox = OutboxDelivery(sender: try SMTPSink.sender(port: port, clock: clock), logger: app.logger)
            clock.advance(by: 299)
            #expect(await app.outbox.sweep(app: app, on: app.db) == 0)
            clock.advance(by: 1)
            #expect(await app.outbox.sweep(app: app, on: app.db) == 1)
            row = try await stored()
            #expect(row.attempts == 3)
            #expect(row.sentAt == clock.now)

            // Never twice: later sweeps send nothing, and the sink holds exactly one copy.
            clock.advance(by: 3 * 3600)
            #expect(await app.outbox.sweep(app: app, on: app.db) == 0)
            #expect(try SMTPSink.delivered(id).count == 1)
        }
    }

    @Test func credentialsAuthenticateAndWrongOnesAreRefused() async throws {
        let port = try #require(SMTPSink.port, SMTPSink.missing)
        let credentials = try #require(SMTPSink.credentials, SMTPSink.missing)
        let clock = TestClock()
        let sample = SMTPMessageTests.sample
        let mail = Mail(id: UUID(), to: sample.to, language: sample.language, kind: sample.kind, subject: sample.subject,
                        body: sample.body, link: sample.link)

        try await SMTPSink.sender(port: port, userInfo: credentials + "@", clock: clock).send(mail)
        let received = try SMTPSink.delivered(mail.id)
        try #require(received.count == 1)
        #expect(received[0].envelope["authenticated"] as? Bool == true)
        #expect(received[0].envelope["login"] as? String == credentials.split(separator: ":").first.map(String.init))

        let wrong = Mail(id: UUID(), to: sample.to, language: sample.language, kind: sample.kind, subject: sample.subject, body: sample.body)
        await #expect(throws: SMTPError.refused(.authentication, code: 535)) {
            try await SMTPSink.sender(port: port, userInfo: "caravan:wrong-password@", clock: clock).send(wrong)
        }
        #expect(try SMTPSink.delivered(wrong.id).isEmpty)
    }

    @Test func starttlsRequiredRefusesAServerWithoutItAndOptionalSendsInPlainText() async throws {
        let port = try #require(SMTPSink.port, SMTPSink.missing)
        let clock = TestClock()
        let refused = Mail(id: UUID(), to: "aziz@example.uz", language: "en", kind: "k", subject: "Caravan: hello", body: "Hello")
        await #expect(throws: SMTPError.startTLSNotOffered) {
            try await SMTPSink.sender(port: port, options: "starttls=required", clock: clock).send(refused)
        }
        #expect(try SMTPSink.delivered(refused.id).isEmpty)

        let sent = Mail(id: UUID(), to: "aziz@example.uz", language: "en", kind: "k", subject: "Caravan: hello", body: "Hello")
        try await SMTPSink.sender(port: port, options: "starttls=optional", clock: clock).send(sent)
        #expect(try SMTPSink.delivered(sent.id).count == 1)
    }

    @Test func starttlsIsTakenWhenOfferedAndAnUntrustedCertificateRefused() async throws {
        let tlsPort = try #require(SMTPSink.tlsPort, SMTPSink.missing)
        let mail = Mail(id: UUID(), to: "aziz@example.uz", language: "en", kind: "k", subject: "Caravan: hello", body: "Hello")
        // Even `optional` upgrades when the server offers it; the self-signed certificate then ends the conversation
        // before anything personal was sent.
        for options in ["starttls=optional", "starttls=required"] {
            await #expect(throws: SMTPError.tlsFailed(.startTLS)) {
                try await SMTPSink.sender(port: tlsPort, options: options, clock: TestClock()).send(mail)
            }
        }
    }
}

/// A received MIME entity, parsed here independently of `MailMessage`: headers (unfolded, names lower-cased), body,
/// sub-parts by boundary, the body decoded by its transfer encoding.
struct ReceivedPart {
    let headers: [(name: String, value: String)]
    let body: String

    init(_ raw: String) {
        let split = raw.range(of: "\r\n\r\n")
        let head = split.map { String(raw[..<$0.lowerBound]) } ?? raw
        body = split.map { String(raw[$0.upperBound...]) } ?? ""
        var headers: [(String, String)] = []
        for line in head.components(separatedBy: "\r\n") {
            if line.hasPrefix(" ") || line.hasPrefix("\t"), let last = headers.popLast() {
                headers.append((last.0, last.1 + "\r\n" + line))
            } else if let colon = line.firstIndex(of: ":") {
                headers.append((line[..<colon].lowercased(), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
            }
        }
        self.headers = headers
    }

    func header(_ name: String) -> String? { headers.first { $0.name == name }?.value }

    var parts: [ReceivedPart] {
        guard let type = header("content-type"), let range = type.range(of: "boundary=\"") else { return [] }
        let boundary = String(type[range.upperBound...].prefix { $0 != "\"" })
        var pieces = body.components(separatedBy: "--" + boundary)
        pieces.removeFirst()
        return pieces.prefix { !$0.hasPrefix("--") }.map { piece in
            var text = Substring(piece)
            if text.hasPrefix("\r\n") { text = text.dropFirst() }
            if text.hasSuffix("\r\n") { text = text.dropLast() }
            return ReceivedPart(String(text))
        }
    }

    var decoded: Data {
        switch header("content-transfer-encoding")?.lowercased() {
        case "base64": Data(base64Encoded: body, options: .ignoreUnknownCharacters) ?? Data()
        case "quoted-printable": Data(MailDecoding.quotedPrintable(body).utf8)
        default: Data(body.utf8)
        }
    }
}
