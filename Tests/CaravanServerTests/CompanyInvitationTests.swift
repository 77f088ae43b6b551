import CaravanDomain
@testable import CaravanServer
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@Suite struct CompanyInvitationTests {
    struct People: Decodable {
        struct Member: Decodable {
            let email: String
        }

        let members: [Member]
        let pending: [String]
    }

    struct Invitations: Decodable {
        struct Item: Decodable {
            let id: String
            let company: String
        }

        let invitations: [Item]
    }

    @Test func aColleagueIsInvitedByEmailSignsUpAndJoins() async throws {
        let mail = RecordingMailSender()
        try await withTestApp(mail: mail) { app in
            let hr = try await VacanciesTests().employer(app)
            // An address without an account gets an e-mail in the inviter's language.
            let invited = try await app.api(.POST, "/companies/mine/invitations", raw: #"{"email":" Colleague@Kazan.example "}"#, token: hr, language: "en")
            #expect(invited.status == .created, "\(invited.text)")
            let sent = await mail.sent
            #expect(sent.map(\.to) == ["colleague@kazan.example"])
            #expect(sent.first?.body.contains("Sign up as an employer") == true)
            #expect(try await app.api(.POST, "/companies/mine/invitations", raw: #"{"email":"colleague@kazan.example"}"#, token: hr).status == .conflict)

            try await app.signUp(email: "colleague@kazan.example", role: "employer")
            let colleague = try await app.token(email: "colleague@kazan.example")
            let waiting = try await app.api(.GET, "/me/company-invitations", token: colleague).json(Invitations.self)
            #expect(waiting.invitations.first?.company.hasPrefix("ООО «Казань Софт»") == true)
            // Nobody else can use it.
            try await app.signUp(email: "stranger@kazan.example", role: "employer")
            let stranger = try await app.token(email: "stranger@kazan.example")
            let id = try #require(waiting.invitations.first?.id)
            #expect(try await app.api(.POST, "/company-invitations/\(id)/acceptance", token: stranger).status == .notFound)

            #expect(try await app.api(.POST, "/company-invitations/\(id)/acceptance", token: colleague).status == .ok)
            #expect(try await app.api(.POST, "/company-invitations/\(id)/acceptance", token: colleague).status == .conflict)
            // The colleague now acts for the company: sees its vacancies' place in the people list, and the inviter is told.
            let people = try await app.api(.GET, "/companies/mine/people", token: colleague).json(People.self)
            #expect(Set(people.members.map(\.email)) == ["hr@kazan.example", "colleague@kazan.example"])
            #expect(people.pending.isEmpty)
            #expect(try await Notice.query(on: app.db).filter(\.$kind == "notice.company.joined").count() == 1)
            let actions = try await AuditEvent.query(on: app.db).all().map(\.action)
            #expect(actions.contains("company.member-invited") && actions.contains("company.member-added"))
        }
    }

    @Test func invitationsThatCannotWorkAreRefused() async throws {
        try await withTestApp { app in
            let hr = try await VacanciesTests().employer(app)
            try await app.signUp(email: "aziz@example.uz")
            let bad = try await app.api(.POST, "/companies/mine/invitations", raw: #"{"email":"not an address"}"#, token: hr, language: "en")
            #expect(bad.status == .unprocessableEntity)
            let specialist = try await app.api(.POST, "/companies/mine/invitations", raw: #"{"email":"aziz@example.uz"}"#, token: hr, language: "en")
            #expect(try specialist.json(ProblemBody.self).errors?.first?.code == "invite.notEmployer")
            #expect(try await app.api(.POST, "/companies/mine/invitations", raw: #"{"email":"hr@kazan.example"}"#, token: hr).status == .conflict)
            let other = try await VacanciesTests().employer(app, email: "hr@other.example", inn: "7736207543", ogrn: "1027739609391")
            _ = other
            let elsewhere = try await app.api(.POST, "/companies/mine/invitations", raw: #"{"email":"hr@other.example"}"#, token: hr, language: "en")
            #expect(elsewhere.status == .conflict)
            #expect(try elsewhere.json(ProblemBody.self).title == "Member of another company")
            // Without a company there is nobody to invite for.
            try await app.signUp(email: "solo@kazan.example", role: "employer")
            let solo = try await app.token(email: "solo@kazan.example")
            #expect(try await app.api(.POST, "/companies/mine/invitations", raw: #"{"email":"x@kazan.example"}"#, token: solo).status == .notFound)
            #expect(try await CompanyInvitation.query(on: app.db).count() == 0)
        }
    }

    @Test func thePagesInviteAndJoin() async throws {
        try await withTestApp { app in
            _ = try await VacanciesTests().employer(app)
            let hr = WebClient(app, acceptLanguage: "en")
            try await hr.get("/signin")
            try await hr.post("/signin", form: ["email": "hr@kazan.example", "password": "correct horse"])
            try await hr.get("/company")
            #expect(try await hr.post("/company/invitations", form: ["email": "nope"]).status == .unprocessableEntity)
            #expect(try await hr.post("/company/invitations", form: ["email": "colleague@kazan.example"]).status == .seeOther)
            #expect(try await hr.get("/company").text.contains("colleague@kazan.example · <span class=\"muted\">invited, not joined yet"))

            try await app.signUp(email: "colleague@kazan.example", role: "employer")
            let colleague = WebClient(app, acceptLanguage: "en")
            try await colleague.get("/signin")
            try await colleague.post("/signin", form: ["email": "colleague@kazan.example", "password": "correct horse"])
            let page = try await colleague.get("/company")
            #expect(page.text.contains("invites you to act for it."))
            let invitation = try #require(try await CompanyInvitation.query(on: app.db).first()?.requireID())
            let joined = try await colleague.post("/company/invitations/\(invitation.uuidString.lowercased())/accept", form: [:])
            #expect(joined.status == .seeOther, "\(joined.text.prefix(300))")
            #expect(try await colleague.get("/company?notice=joined").text.contains("You now act for the company."))
            #expect(try await colleague.get("/company").text.contains("People who act for the company"))
        }
    }
}
