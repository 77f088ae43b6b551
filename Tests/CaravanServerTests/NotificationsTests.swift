import CaravanDomain
@testable import CaravanServer
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@Suite struct NotificationsTests {
    struct InboxBody: Decodable {
        struct Item: Decodable {
            let id: String
            let kind: String
            let text: String
            let link: String
            let read: Bool
        }

        let unread: Int
        let notifications: [Item]
    }

    @Test func everyApplicationEventReachesTheOtherPartyInTheirLanguage() async throws {
        let mail = RecordingMailSender()
        let clock = TestClock()
        try await withTestApp(clock: clock, mail: mail) { app in
            let (hr, aziz, vacancy) = try await ApplicationsTests().market(app)
            let id = try await app.api(.POST, "/vacancies/\(vacancy)/applications", raw: "{}", token: aziz).json(ApplicationBody.self).id

            // The employer is told of the application; the specialist, who acted, is not.
            let employerInbox = try await app.api(.GET, "/me/notifications", token: hr, language: "en").json(InboxBody.self)
            #expect(employerInbox.unread == 1)
            #expect(employerInbox.notifications.first?.kind == "notice.employer.applied")
            #expect(employerInbox.notifications.first?.text == "Test Person applied for “Java-разработчик”.")
            #expect(try await app.api(.GET, "/me/notifications", token: aziz).json(InboxBody.self).unread == 0)

            for stage in ["screening", "interview"] {
                clock.advance(by: 3600)
                _ = try await app.api(.POST, "/applications/\(id)/moves", raw: #"{"stage":"\#(stage)"}"#, token: hr)
            }
            clock.advance(by: 3600)
            _ = try await app.api(.POST, "/applications/\(id)/moves", raw: #"{"stage":"offer","offer":{"salary":300000,"startDate":"2027-02-01","city":"Казань","contract":"employment"}}"#, token: hr)
            let specialistInbox = try await app.api(.GET, "/me/notifications", token: aziz).json(InboxBody.self)
            #expect(specialistInbox.notifications.map(\.kind) == ["notice.specialist.offer", "notice.specialist.interview", "notice.specialist.screening"])
            #expect(specialistInbox.notifications.first?.text.hasPrefix("ООО «Казань Софт» делает вам предложение") == true)

            // A refused move is announced to no one.
            _ = try await app.api(.POST, "/applications/\(id)/moves", raw: #"{"stage":"screening"}"#, token: hr)
            #expect(try await Notice.query(on: app.db).count() == 4)

            // Every notice also went out as an e-mail, in the recipient's language, to the recipient only.
            let sent = await mail.sent
            #expect(sent.count == 4)
            #expect(Set(sent.map(\.to)) == ["hr@kazan.example", "aziz@example.uz"])
            #expect(sent.first?.subject.hasPrefix("Caravan: ") == true)
            #expect(try await OutboxMail.query(on: app.db).filter(\.$sentAt == nil).count() == 0)
        }
    }

    @Test func onlyTheOwnerMarksNoticesRead() async throws {
        try await withTestApp { app in
            let (hr, aziz, vacancy) = try await ApplicationsTests().market(app)
            _ = try await app.api(.POST, "/vacancies/\(vacancy)/applications", raw: "{}", token: aziz)
            let notice = try #require(try await app.api(.GET, "/me/notifications", token: hr).json(InboxBody.self).notifications.first)

            // Someone else naming the notice changes nothing.
            #expect(try await app.api(.POST, "/me/notifications/read", raw: #"{"ids":["\#(notice.id)"]}"#, token: aziz).status == .noContent)
            #expect(try await app.api(.GET, "/me/notifications", token: hr).json(InboxBody.self).unread == 1)
            let bad = try await app.api(.POST, "/me/notifications/read", raw: #"{"ids":["nonsense"]}"#, token: hr, language: "en")
            #expect(bad.status == .unprocessableEntity)
            #expect(try await app.api(.GET, "/me/notifications?limit=0", token: hr).status == .unprocessableEntity)

            #expect(try await app.api(.POST, "/me/notifications/read", raw: #"{"ids":["\#(notice.id)"]}"#, token: hr).status == .noContent)
            let after = try await app.api(.GET, "/me/notifications", token: hr).json(InboxBody.self)
            #expect(after.unread == 0)
            #expect(after.notifications.first?.read == true)
            #expect(try await app.api(.GET, "/me/notifications").status == .unauthorized)
        }
    }

    @Test func theInboxPageShowsNoticesAndTheNavigationCountsThem() async throws {
        try await withTestApp { app in
            let (_, aziz, vacancy) = try await ApplicationsTests().market(app)
            _ = try await app.api(.POST, "/vacancies/\(vacancy)/applications", raw: "{}", token: aziz)
            let employer = WebClient(app, acceptLanguage: "en")
            try await employer.get("/signin")
            try await employer.post("/signin", form: ["email": "hr@kazan.example", "password": "correct horse"])
            let page = try await employer.get("/inbox")
            #expect(page.text.contains("Inbox (1)"))
            #expect(page.text.contains("Test Person applied for"))
            #expect(try await employer.post("/inbox/read", form: [:]).status == .seeOther)
            let read = try await employer.get("/inbox")
            #expect(!read.text.contains("Inbox (1)"))
            #expect(!read.text.contains("Mark all as read"))
        }
    }
}
