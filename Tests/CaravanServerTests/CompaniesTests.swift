import CaravanDomain
@testable import CaravanServer
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@Suite struct CompaniesTests {
    static let kazanSoft = ["legalName": "ООО «Казань Софт»", "inn": "7707083893", "ogrn": "1027700132195", "city": "Казань", "size": "16-100"]

    @Test func anEmployerRegistersTheirCompanyOnceAndAnAdminAccreditsIt() async throws {
        try await withTestApp { app in
            try await app.signUp(email: "hr@kazan.example", role: "employer")
            let employer = try await app.token(email: "hr@kazan.example")
            _ = try await AccountService(app: app).create(.init(email: "root@example.org", password: "correct horse", displayName: "Root", role: "admin"), by: nil, asOperator: true)
            let admin = try await app.token(email: "root@example.org")

            let created = try await app.api(.POST, "/companies", json: Self.kazanSoft, token: employer)
            #expect(created.status == .created, "\(created.text)")
            let company = try created.json(CompanyBody.self)
            #expect(company.accreditation.accredited == false)
            #expect(try await app.api(.GET, "/companies/mine", token: employer).json(CompanyBody.self).id == company.id)

            let again = try await app.api(.POST, "/companies", json: Self.kazanSoft, token: employer)
            #expect(again.status == .conflict)

            let byEmployer = try await app.api(.PUT, "/companies/\(company.id)/accreditation", raw: #"{"accredited":true,"registryNumber":"AO-1","date":"2025-03-01"}"#, token: employer)
            #expect(byEmployer.status == .forbidden)

            let bad = try await app.api(.PUT, "/companies/\(company.id)/accreditation", raw: #"{"accredited":true,"date":"2025-02-30"}"#, token: admin, language: "en")
            #expect(bad.status == .unprocessableEntity)
            #expect(Set(try bad.json(ProblemBody.self).errors?.map(\.field) ?? []) == ["registryNumber", "date"])

            let accredited = try await app.api(.PUT, "/companies/\(company.id)/accreditation", raw: #"{"accredited":true,"registryNumber":"AO-1","date":"2025-03-01"}"#, token: admin)
            #expect(accredited.status == .ok)
            #expect(try accredited.json(CompanyBody.self).accreditation.accredited)

            let missing = try await app.api(.PUT, "/companies/\(UUID().uuidString)/accreditation", raw: #"{"accredited":false}"#, token: admin)
            #expect(missing.status == .notFound)

            let actions = try await AuditEvent.query(on: app.db).sort(\.$sequence).all().map(\.action)
            #expect(actions.filter { $0.hasPrefix("company.") } == ["company.registered", "company.accreditation-changed"])
            #expect(try await AuditLog(now: { Date() }).verify(on: app.db) == .intact(count: actions.count))
        }
    }

    @Test func invalidNumbersAreRefusedWithTheirReasonAndChangeNothing() async throws {
        try await withTestApp { app in
            try await app.signUp(email: "hr@bad.example", role: "employer")
            let token = try await app.token(email: "hr@bad.example")
            var body = Self.kazanSoft
            body["inn"] = "7707083894"
            body["ogrn"] = "304500125000002"
            let response = try await app.api(.POST, "/companies", json: body, token: token, language: "en")
            #expect(response.status == .unprocessableEntity)
            let errors = try response.json(ProblemBody.self).errors ?? []
            #expect(errors.map(\.code) == ["inn.invalid", "ogrn.notOrganisation"])
            #expect(errors.first?.message.contains("check digit") == true)
            #expect(try await Company.query(on: app.db).count() == 0)
        }
    }

    @Test(arguments: Role.allCases.filter { $0 != .employer })
    func onlyEmployersRegisterCompanies(role: Role) async throws {
        try await withTestApp { app in
            _ = try await AccountService(app: app).create(.init(email: "p@example.org", password: "correct horse", displayName: "P", role: role.rawValue), by: nil, asOperator: true)
            let token = try await app.token(email: "p@example.org")
            let response = try await app.api(.POST, "/companies", json: Self.kazanSoft, token: token)
            #expect(response.status == .forbidden)
        }
    }

    @Test func theCompanyPagesWorkForEmployerAndAdmin() async throws {
        try await withTestApp { app in
            let service = AccountService(app: app)
            _ = try await service.create(.init(email: "hr@example.org", password: "correct horse", displayName: "HR", role: "employer", consent: "2026.1"), by: nil)
            _ = try await service.create(.init(email: "admin@example.org", password: "correct horse", displayName: "Admin", role: "admin"), by: nil, asOperator: true)

            let hr = WebClient(app, acceptLanguage: "ru")
            try await hr.get("/signin")
            try await hr.post("/signin", form: ["email": "hr@example.org", "password": "correct horse"])
            let empty = try await hr.get("/company")
            #expect(empty.text.contains("Зарегистрировать компанию"))
            let wrong = try await hr.post("/company", form: ["legalName": "X", "inn": "123", "ogrn": "1027700132195", "city": "Казань", "size": "1-15"])
            #expect(wrong.status == .unprocessableEntity)
            #expect(wrong.text.contains("Неверный ИНН"))
            let done = try await hr.post("/company", form: Self.kazanSoft)
            #expect(done.status == .seeOther)
            let page = try await hr.get("/company?notice=registered")
            #expect(page.text.contains("Не аккредитована"))
            #expect(try await hr.get("/admin/companies").status == .forbidden)

            let admin = WebClient(app, acceptLanguage: "en")
            try await admin.get("/signin")
            try await admin.post("/signin", form: ["email": "admin@example.org", "password": "correct horse"])
            let list = try await admin.get("/admin/companies")
            #expect(list.text.contains("ООО «Казань Софт»"))
            // Found by a word of the name in lower case, by INN, and by state; a state that does not exist is a 422.
            #expect(try await admin.get("/admin/companies?q=%D0%BA%D0%B0%D0%B7%D0%B0%D0%BD%D1%8C").text.contains("Found: 1."))
            #expect(try await admin.get("/admin/companies?q=7707083893&accredited=no").text.contains("Found: 1."))
            #expect(try await admin.get("/admin/companies?accredited=yes").text.contains("Found: 0."))
            #expect(try await admin.get("/admin/companies?accredited=maybe").status == .unprocessableEntity)
            let company = try #require(try await Company.query(on: app.db).first())
            let path = "/admin/companies/\(try company.requireID().uuidString.lowercased())/accreditation"
            let refused = try await admin.post(path, form: ["accredited": "yes", "registryNumber": "", "date": ""])
            #expect(refused.status == .unprocessableEntity)
            let absurd = try await admin.post(path, form: ["accredited": "yes", "registryNumber": "AO-77", "date": "9999-99-99"])
            #expect(absurd.status == .unprocessableEntity)
            #expect(absurd.text.contains(#"value="9999-99-99""#) && absurd.text.contains(#"-error">"#))
            let saved = try await admin.post(path, form: ["accredited": "yes", "registryNumber": "AO-77", "date": "2025-06-01"])
            #expect(saved.status == .seeOther)
            let after = try await hr.get("/company")
            #expect(after.text.contains("Аккредитована: № AO-77 от 1 июня 2025"))
        }
    }
}

struct CompanyBody: Decodable {
    struct Accreditation: Decodable {
        let accredited: Bool
        let registryNumber: String?
        let date: String?
    }

    let id: String
    let legalName: String
    let inn: String
    let accreditation: Accreditation
}
