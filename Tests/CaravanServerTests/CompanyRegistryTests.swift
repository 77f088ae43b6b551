import CaravanDomain
import CaravanPermits
import CaravanRegistry
@testable import CaravanServer
import Fluent
import FluentSQL
import Foundation
import Testing
import Vapor
import VaporTesting

/// Registering an ООО through the API as two digital residents would: the draft with every bad input refused and
/// nothing saved, both founders signing with passkeys, a signature voided by a change, the registry's decision on
/// checked facts, the numbers and the signed extract (and a tampered row caught), IT accreditation making the
/// company an accredited employer; and the races on both databases.
@Suite(.serialized) struct CompanyRegistryTests {
    struct Filing: Decodable {
        struct Signature: Decodable {
            let signerId: String
            let role: String
            let status: String
        }

        struct Founder: Decodable {
            let signerId: String
            let share: String
        }

        let id: String
        let status: String
        let revision: String
        let founders: [Founder]
        let signatures: [Signature]
        let signaturesComplete: Bool
        let problems: [FieldProblem]
        let decideBy: String?
        let ogrn: String?
        let mayRegister: Bool?
    }

    struct FieldProblem: Decodable {
        let field: String
        let code: String
    }

    struct Problem: Decodable {
        let type: String
        let errors: [FieldProblem]?
    }

    struct Company: Decodable {
        let ogrn: String
        let inn: String
        let kpp: String
        let fullName: String
        let accredited: Bool
        let extractValid: Bool
        let capitalDueOn: String?
    }

    struct Person {
        let token: String
        let id: UUID
        var device: SoftAuthenticator
    }

    /// A digital resident with a passkey: signed up, applied, identity checked at a centre, approved.
    static func resident(_ app: Application, email: String, clock: TestClock, officer: String) async throws -> Person {
        let account = try await app.signUp(email: email, name: "Resident")
        let token = try await app.token(email: email)
        let people = ResidencyTests.People(officer: officer, specialist: token, specialistID: UUID(uuidString: account.id)!,
                                           officerUser: try #require(try await User.query(on: app.db).filter(\.$email == "registry@example.org").first()))
        let applied = try await app.api(.POST, "/me/residency/application", raw: ResidencyTests.application(), token: token)
        #expect(applied.status == .created, "\(applied.text)")
        let id = try applied.json(ResidencyTests.Overview.Application.self).id
        try await ResidencyTests.identityChecked(app, people.specialistID, clock: clock)
        let approved = try await app.api(.POST, "/registry/residency-applications/\(id)/decision", raw: #"{"decision":"approve"}"#, token: officer)
        #expect(approved.status == .ok, "\(approved.text)")
        let device = SoftAuthenticator()
        try await ResidencyTests.registerPasskey(app, people, device)
        return Person(token: token, id: people.specialistID, device: device)
    }

    /// Signs the filing's current revision in a role with the person's passkey, through the residency's signing.
    static func sign(_ app: Application, _ filing: String, as person: inout Person, signer: String, role: String) async throws {
        let made = try await app.api(.POST, "/me/company-filings/\(filing)/signing-documents", raw: #"{"signerId":"\#(signer)","role":"\#(role)"}"#, token: person.token)
        #expect(made.status == .created, "\(made.text)")
        let document = try made.json(ResidencyTests.Document.self).id
        let options = try await app.api(.POST, "/me/residency/documents/\(document)/signing-options", token: person.token).json(ResidencyTests.Options.self)
        var answer = try person.device.assert(challenge: options.challenge)
        answer["challengeId"] = options.challengeId
        let signed = try await app.api(.POST, "/me/residency/documents/\(document)/signature", json: answer, token: person.token)
        #expect(signed.status == .ok, "\(signed.text)")
    }

    static func problem(_ response: TestingHTTPResponse) -> Problem {
        (try? response.json(Problem.self)) ?? Problem(type: response.text, errors: nil)
    }

    static let draft = #"{"name":{"core":"Облачные решения"},"address":{"regionCode":"16","postcode":"420111","text":"г. Казань, ул. Баумана, д. 1, офис 5"},"capitalKopecks":1020000,"activities":{"main":"62.01","additional":["62.02","63.11"],"simplifiedTax":true}}"#

    /// Two residents found a company: a draft filled, the co-founder added, shares set, everyone signed, submitted
    /// and registered. Returns the filing id and the OGRN.
    static func registered(_ app: Application, founder: inout Person, cofounder: inout Person, cofounderEmail: String, officer: String) async throws -> (String, String) {
        let started = try await app.api(.POST, "/me/company-filings", token: founder.token)
        #expect(started.status == .created, "\(started.text)")
        let filing = try started.json(Filing.self).id
        let filled = try await app.api(.PATCH, "/me/company-filings/\(filing)", raw: draft, token: founder.token)
        #expect(filled.status == .ok, "\(filled.text)")
        let added = try await app.api(.POST, "/me/company-filings/\(filing)/founders", json: ["email": cofounderEmail, "share": "1/3"], token: founder.token)
        #expect(added.status == .ok, "\(added.text)")
        let me = founder.id.uuidString.lowercased(), them = cofounder.id.uuidString.lowercased()
        let shared = try await app.api(.PATCH, "/me/company-filings/\(filing)",
                                       raw: #"{"shares":[{"signerId":"\#(me)","share":"2/3"},{"signerId":"\#(them)","share":"1/3"}]}"#, token: founder.token)
        #expect(shared.status == .ok, "\(shared.text)")
        try await sign(app, filing, as: &founder, signer: me, role: "founder")
        try await sign(app, filing, as: &founder, signer: me, role: "director")
        try await sign(app, filing, as: &cofounder, signer: them, role: "founder")
        let submitted = try await app.api(.POST, "/me/company-filings/\(filing)/submission", token: founder.token)
        #expect(submitted.status == .ok, "\(submitted.text)")
        let decided = try await app.api(.POST, "/registry/company-filings/\(filing)/decision", raw: #"{"decision":"register"}"#, token: officer)
        #expect(decided.status == .ok, "\(decided.text)")
        return (filing, try #require(try decided.json(Filing.self).ogrn))
    }

    @Test func twoResidentsFoundACompanyThatIsRegisteredAccreditedAndHires() async throws {
        let clock = TestClock()
        try await withTestApp(clock: clock) { app in
            let residency = try await ResidencyTests.people(app, email: "first@example.kg")
            let officer = residency.officer
            var aibek = try await Self.resident(app, email: "aibek@example.kg", clock: clock, officer: officer)
            var dana = try await Self.resident(app, email: "dana@example.kz", clock: clock, officer: officer)
            let me = aibek.id.uuidString.lowercased(), them = dana.id.uuidString.lowercased()

            // Only a resident may start; the draft names the starter as founder and director.
            let notResident = try await app.api(.POST, "/me/company-filings", token: residency.specialist)
            #expect(Self.problem(notResident).type == "urn:caravan:problem:residency-required", "\(notResident.text)")
            let started = try await app.api(.POST, "/me/company-filings", token: aibek.token)
            #expect(started.status == .created, "\(started.text)")
            let filing = try started.json(Filing.self)
            #expect(filing.founders.map(\.signerId) == [me] && filing.founders.first?.share == "1")
            let twice = try await app.api(.POST, "/me/company-filings", token: aibek.token)
            #expect(Self.problem(twice).type == "urn:caravan:problem:company-filing-open")

            // Bad input: each its own answer, and nothing is saved.
            func refused(_ body: String, _ code: String) async throws {
                let response = try await app.api(.PATCH, "/me/company-filings/\(filing.id)", raw: body, token: aibek.token)
                #expect(response.status == .unprocessableEntity, "\(body): \(response.text)")
                #expect(Self.problem(response).errors?.map(\.code).contains(code) == true, "\(body): \(response.text)")
            }
            try await refused(#"{"name":{"core":"Cloud Solutions"}}"#, "company.nameLatin")
            try await refused(#"{"name":{"core":"ООО Облако"}}"#, "company.nameLegalForm")
            try await refused(#"{"name":{"core":"Облако России"}}"#, "company.namePermissionRequired")
            try await refused(#"{"capitalKopecks":999999}"#, "company.capitalBelowMinimum")
            try await refused(#"{"address":{"regionCode":"7","postcode":"42011","text":"Казань"}}"#, "address.regionCodeInvalid")
            try await refused(#"{"activities":{"main":"99.99"}}"#, "okved.unknown")
            try await refused(#"{"activities":{"main":"62"}}"#, "okved.tooGeneral")
            try await refused(#"{"name":{"core":"Хорошее имя"},"capitalKopecks":5}"#, "company.capitalBelowMinimum")
            let untouched = try #require(try await CompanyFiling.find(UUID(uuidString: filing.id), on: app.db))
            #expect(untouched.revision == filing.revision, "a refused change saved something")

            let filled = try await app.api(.PATCH, "/me/company-filings/\(filing.id)", raw: Self.draft, token: aibek.token)
            #expect(filled.status == .ok, "\(filled.text)")
            #expect(try filled.json(Filing.self).problems.isEmpty, "\(filled.text)")

            // Founders: a non-resident is refused; the co-founder joins; shares that do not add up are refused.
            let stranger = try await app.api(.POST, "/me/company-filings/\(filing.id)/founders", json: ["email": "first@example.kg", "share": "1/2"], token: aibek.token)
            #expect(Self.problem(stranger).errors?.first?.code == "company.personNotResident", "\(stranger.text)")
            let added = try await app.api(.POST, "/me/company-filings/\(filing.id)/founders", json: ["email": "dana@example.kz", "share": "1/3"], token: aibek.token)
            #expect(added.status == .ok)
            #expect(try added.json(Filing.self).problems.map(\.code).contains("company.sharesNotWhole"))
            // Dana may see the draft but not change it.
            #expect(try await app.api(.GET, "/me/company-filings/\(filing.id)", token: dana.token).status == .ok)
            #expect(try await app.api(.PATCH, "/me/company-filings/\(filing.id)", raw: Self.draft, token: dana.token).status == .forbidden)
            try await refused(#"{"shares":[{"signerId":"\#(me)","share":"1/2"},{"signerId":"\#(them)","share":"1/3"}]}"#, "company.sharesNotWhole")
            let shares = try await app.api(.PATCH, "/me/company-filings/\(filing.id)",
                                           raw: #"{"shares":[{"signerId":"\#(me)","share":"2/3"},{"signerId":"\#(them)","share":"1/3"}]}"#, token: aibek.token)
            #expect(shares.status == .ok, "\(shares.text)")

            // Signing: only a signer in their role; an unsigned application cannot be submitted.
            let notTheirs = try await app.api(.POST, "/me/company-filings/\(filing.id)/signing-documents", raw: #"{"signerId":"\#(me)","role":"director"}"#, token: dana.token)
            #expect(notTheirs.status == .forbidden)
            try await Self.sign(app, filing.id, as: &aibek, signer: me, role: "founder")
            try await Self.sign(app, filing.id, as: &aibek, signer: me, role: "director")
            let early = try await app.api(.POST, "/me/company-filings/\(filing.id)/submission", token: aibek.token)
            #expect(Self.problem(early).type == "urn:caravan:problem:company-signatures-incomplete")
            try await Self.sign(app, filing.id, as: &dana, signer: them, role: "founder")
            var current = try await app.api(.GET, "/me/company-filings/\(filing.id)", token: aibek.token).json(Filing.self)
            #expect(current.signaturesComplete, "\(current.signatures)")

            // A change after signing voids every signature, and the filing says so.
            let changed = try await app.api(.PATCH, "/me/company-filings/\(filing.id)", raw: #"{"capitalKopecks":1200000}"#, token: aibek.token)
            #expect(changed.status == .ok)
            current = try changed.json(Filing.self)
            #expect(!current.signaturesComplete && current.signatures.allSatisfy { $0.status == "void" }, "\(current.signatures)")
            #expect(Self.problem(try await app.api(.POST, "/me/company-filings/\(filing.id)/submission", token: aibek.token)).type
                == "urn:caravan:problem:company-signatures-incomplete")
            try await Self.sign(app, filing.id, as: &aibek, signer: me, role: "founder")
            try await Self.sign(app, filing.id, as: &aibek, signer: me, role: "director")
            try await Self.sign(app, filing.id, as: &dana, signer: them, role: "founder")

            // Submitted: due in 3 working days on the production calendar; nothing can change it now.
            let submitted = try await app.api(.POST, "/me/company-filings/\(filing.id)/submission", token: aibek.token)
            #expect(submitted.status == .ok, "\(submitted.text)")
            let today = CalendarDate(clock.now, in: PermitRegistry.moscow)
            #expect(try submitted.json(Filing.self).decideBy == (try app.permitRegistry.calendar.adding(workingDays: 3, to: today)).description)
            #expect(Self.problem(try await app.api(.PATCH, "/me/company-filings/\(filing.id)", raw: Self.draft, token: aibek.token)).type
                == "urn:caravan:problem:company-filing-not-draft")

            // The registry: every check found by code; registration issues numbers with their check digits.
            let queue = try await app.api(.GET, "/registry/company-filings", token: officer)
            #expect(queue.status == .ok && queue.text.contains(filing.id))
            let review = try await app.api(.GET, "/registry/company-filings/\(filing.id)", token: officer).json(Filing.self)
            #expect(review.mayRegister == true, "\(review)")
            let refusedGround = try await app.api(.POST, "/registry/company-filings/\(filing.id)/decision", raw: #"{"decision":"refuse","ground":"nonsense"}"#, token: officer)
            #expect(refusedGround.status == .unprocessableEntity)
            let decided = try await app.api(.POST, "/registry/company-filings/\(filing.id)/decision", raw: #"{"decision":"register"}"#, token: officer)
            #expect(decided.status == .ok, "\(decided.text)")
            let ogrn = try #require(try decided.json(Filing.self).ogrn)
            #expect(OGRN(ogrn)?.kind == .organisation)
            let again = try await app.api(.POST, "/registry/company-filings/\(filing.id)/decision", raw: #"{"decision":"register"}"#, token: officer)
            #expect(Self.problem(again).type == "urn:caravan:problem:company-decided")

            // The extract: public, signed, current; a row edited behind the register's back fails the check.
            let company = try await app.api(.GET, "/register/companies/\(ogrn)").json(Company.self)
            #expect(company.extractValid && INN(company.inn) != nil && company.kpp.count == 9)
            #expect(company.fullName == "Общество с ограниченной ответственностью «Облачные решения»")
            #expect(company.capitalDueOn == today.adding(months: 4).description)
            let row = try #require(try await RegisteredCompany.query(on: app.db).filter(\.$ogrn == ogrn).first())
            let extractJSON = row.extractJSON
            let verification = try await app.api(.POST, "/register/extract-verification", raw: extractJSON)
            #expect(verification.text.contains(#""valid":true"#) && verification.text.contains(#""current":true"#), "\(verification.text)")
            let forged = extractJSON.replacingOccurrences(of: "1200000", with: "1")
            #expect(forged != extractJSON)
            let forgedCheck = try await app.api(.POST, "/register/extract-verification", raw: forged)
            #expect(forgedCheck.text.contains(#""verdict":"bad-signature""#), "\(forgedCheck.text)")
            row.extractJSON = forged
            try await row.update(on: app.db)
            #expect(try await app.api(.GET, "/register/companies/\(ogrn)").json(Company.self).extractValid == false)
            row.extractJSON = extractJSON
            try await row.update(on: app.db)
            // Public pages never show a passport number or a birth date.
            let browser = WebClient(app)
            let page = try await browser.get("/register/\(ogrn)")
            #expect(page.status == .ok && !page.text.contains("ID 123-4567") && !page.text.contains("1994-03-11"))
            #expect(try await browser.get("/verify/\(ogrn)").status == .seeOther)

            // Search by words through the stemmer, by OGRN, by INN.
            for query in ["облачное решение", ogrn, company.inn] {
                let encoded = try #require(query.addingPercentEncoding(withAllowedCharacters: .alphanumerics))
                let found = try await app.api(.GET, "/register/companies?q=\(encoded)")
                #expect(found.text.contains(ogrn), "\(query): \(found.text)")
            }

            // The same name with the same main activity cannot be registered again.
            let second = try await app.api(.POST, "/me/company-filings", token: dana.token)
            let secondID = try second.json(Filing.self).id
            let same = try await app.api(.PATCH, "/me/company-filings/\(secondID)", raw: Self.draft, token: dana.token)
            #expect(Self.problem(same).errors?.map(\.code).contains("company.nameTaken") == true, "\(same.text)")

            // IT accreditation: applied by the director, decided by the ministry on the rules.
            let applied = try await app.api(.POST, "/register/companies/\(ogrn)/accreditation-applications",
                                            raw: #"{"totalRevenueKopecks":0,"itRevenueKopecks":0,"revenueSinceCreationKopecks":0,"website":"https://oblako.example","averageMonthlyPayKopecks":9000000}"#,
                                            token: aibek.token)
            #expect(applied.status == .created, "\(applied.text)")
            struct Accreditation: Decodable { let id: String }
            let accreditation = try applied.json(Accreditation.self).id
            let notMet = try await app.api(.POST, "/ministry/accreditation-applications/\(accreditation)/decision",
                                           raw: #"{"decision":"accredit","websiteNamesITActivity":false,"nationalAveragePayKopecks":8000000,"regionalAveragePayKopecks":6000000}"#,
                                           token: try await app.token(email: "admin@example.org"))
            #expect(Self.problem(notMet).type == "urn:caravan:problem:accreditation-criteria-not-met", "\(notMet.text)")
            let accredited = try await app.api(.POST, "/ministry/accreditation-applications/\(accreditation)/decision",
                                               raw: #"{"decision":"accredit","websiteNamesITActivity":true,"nationalAveragePayKopecks":8000000,"regionalAveragePayKopecks":6000000}"#,
                                               token: try await app.token(email: "admin@example.org"))
            #expect(accredited.status == .ok, "\(accredited.text)")
            #expect(try await app.api(.GET, "/register/companies/\(ogrn)").json(Company.self).accredited)
            let employer = try #require(try await CaravanServer.Company.query(on: app.db).filter(\.$ogrn == ogrn).first())
            #expect(employer.accredited && employer.inn == company.inn)

            // The director invites HR, who posts a vacancy for the new company.
            _ = try await app.signUp(email: "hr@oblako.example", name: "HR", role: "employer")
            let invited = try await app.api(.POST, "/register/companies/\(ogrn)/employer-invitations", json: ["email": "hr@oblako.example"], token: aibek.token)
            #expect(invited.status == .noContent, "\(invited.text)")
            let hr = try await app.token(email: "hr@oblako.example")
            let invitation = try #require(try await CompanyInvitation.query(on: app.db).filter(\.$email == "hr@oblako.example").first())
            let accepted = try await app.api(.POST, "/company-invitations/\(try invitation.requireID().uuidString.lowercased())/acceptance", token: hr)
            #expect(accepted.status == .ok, "\(accepted.text)")
            let mine = try await app.api(.GET, "/companies/mine", token: hr)
            #expect(mine.text.contains(company.inn) && mine.text.contains(#""accredited":true"#), "\(mine.text)")
            // HR posts a vacancy; the founder applies, is hired by his own company and opens his permit case.
            let posted = try await app.api(.POST, "/vacancies", raw: VacanciesTests.javaVacancy, token: hr)
            #expect(posted.status == .created, "\(posted.text)")
            struct Created: Decodable { let id: String }
            let vacancy = try posted.json(Created.self).id
            let applying = try await app.api(.POST, "/vacancies/\(vacancy)/applications", raw: #"{"note":"Первый сотрудник"}"#, token: aibek.token)
            #expect(applying.status == .created, "\(applying.text)")
            let application = try applying.json(Created.self).id
            for stage in ["screening", "interview"] {
                #expect(try await app.api(.POST, "/applications/\(application)/moves", raw: #"{"stage":"\#(stage)"}"#, token: hr).status == .ok)
            }
            let start = today.adding(days: 60).description
            let offered = try await app.api(.POST, "/applications/\(application)/moves",
                                            raw: #"{"stage":"offer","offer":{"salary":300000,"startDate":"\#(start)","city":"Казань","contract":"employment"}}"#, token: hr)
            #expect(offered.status == .ok, "\(offered.text)")
            #expect(try await app.api(.POST, "/applications/\(application)/moves", raw: #"{"stage":"hired"}"#, token: aibek.token).status == .ok)
            let opened = try await app.api(.POST, "/permit-cases", raw: #"{"applicationId":"\#(application)"}"#, token: aibek.token)
            #expect(opened.status == .created, "\(opened.text)")
            let permitCase = try #require(try await PermitCase.query(on: app.db).filter(\.$principal.$id == aibek.id).first())
            let sponsor: UUID? = permitCase.$sponsor.id
            #expect(sponsor == employer.id)

            // A change after registration: the same signed path, the next extract.
            let change = try await app.api(.POST, "/register/companies/\(ogrn)/change", token: aibek.token)
            #expect(change.status == .created, "\(change.text)")
            let changeID = try change.json(Filing.self).id
            let moved = try await app.api(.PATCH, "/me/company-filings/\(changeID)", raw: #"{"address":{"regionCode":"16","postcode":"420012","text":"г. Казань, ул. Пушкина, д. 2"}}"#, token: aibek.token)
            #expect(moved.status == .ok, "\(moved.text)")
            try await Self.sign(app, changeID, as: &aibek, signer: me, role: "founder")
            try await Self.sign(app, changeID, as: &aibek, signer: me, role: "director")
            try await Self.sign(app, changeID, as: &dana, signer: them, role: "founder")
            #expect(try await app.api(.POST, "/me/company-filings/\(changeID)/submission", token: aibek.token).status == .ok)
            #expect(try await app.api(.POST, "/registry/company-filings/\(changeID)/decision", raw: #"{"decision":"register"}"#, token: officer).status == .ok)
            let after = try #require(try await RegisteredCompany.query(on: app.db).filter(\.$ogrn == ogrn).first())
            #expect(after.extractRevision == 2 && after.signedExtract?.extract.address.postcode == "420012")
            // The first extract is genuine but no longer current.
            let old = try await app.api(.POST, "/register/extract-verification", raw: extractJSON)
            #expect(old.text.contains(#""valid":true"#) && old.text.contains(#""current":false"#), "\(old.text)")

            // A founder leaves: the director cannot take her share away alone — she signs the change too.
            let leave = try await app.api(.POST, "/register/companies/\(ogrn)/change", token: aibek.token)
            let leaveID = try leave.json(Filing.self).id
            #expect(try await app.api(.POST, "/me/company-filings/\(leaveID)/founder-removal", raw: #"{"signerId":"\#(them)"}"#, token: aibek.token).status == .ok)
            #expect(try await app.api(.PATCH, "/me/company-filings/\(leaveID)", raw: #"{"shares":[{"signerId":"\#(me)","share":"1"}]}"#, token: aibek.token).status == .ok)
            try await Self.sign(app, leaveID, as: &aibek, signer: me, role: "founder")
            try await Self.sign(app, leaveID, as: &aibek, signer: me, role: "director")
            let alone = try await app.api(.POST, "/me/company-filings/\(leaveID)/submission", token: aibek.token)
            #expect(Self.problem(alone).type == "urn:caravan:problem:company-signatures-incomplete", "\(alone.text)")
            let pending = try await app.api(.GET, "/me/company-filings/\(leaveID)", token: dana.token).json(Filing.self)
            #expect(pending.signatures.contains { $0.signerId == them && $0.status == "missing" }, "\(pending.signatures)")
            try await Self.sign(app, leaveID, as: &dana, signer: them, role: "founder")
            #expect(try await app.api(.POST, "/me/company-filings/\(leaveID)/submission", token: aibek.token).status == .ok)
            #expect(try await app.api(.POST, "/registry/company-filings/\(leaveID)/decision", raw: #"{"decision":"register"}"#, token: officer).status == .ok)
            let soleFounder = try #require(try await RegisteredCompany.query(on: app.db).filter(\.$ogrn == ogrn).first()?.signedExtract?.extract)
            #expect(soleFounder.founders.count == 1 && soleFounder.revision == 3)

            // Every decision is in the audit chain, and the chain holds.
            let actions = Set(try await AuditEvent.query(on: app.db).all().map(\.action))
            for action in ["company.filing-started", "company.founder-added", "company.signing-document-made", "company.filing-submitted",
                           "company.registered", "company.change-registered", "company.accreditation-applied", "company.accredited"] {
                #expect(actions.contains(action), "\(action) missing from the audit chain")
            }
            guard case .intact = try await AuditLog(now: app.dependencies.now).verify(on: app.db) else {
                Issue.record("the audit chain is broken")
                return
            }
        }
    }

    @Test func racesEndWithOneWinner() async throws {
        let clock = TestClock()
        try await withTestApp(clock: clock) { app in
            let residency = try await ResidencyTests.people(app, email: "first@example.kg")
            var aibek = try await Self.resident(app, email: "aibek@example.kg", clock: clock, officer: residency.officer)
            var dana = try await Self.resident(app, email: "dana@example.kz", clock: clock, officer: residency.officer)
            // Eight starts at once: one draft.
            let aibekToken = aibek.token
            let starts = try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
                for _ in 0..<8 { group.addTask { try await app.api(.POST, "/me/company-filings", token: aibekToken).status } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(starts.filter { $0 == .created }.count == 1 && starts.filter { $0 == .conflict }.count == 7, "\(starts)")
            let filing = try #require(try await CompanyFiling.query(on: app.db).first()).requireID().uuidString.lowercased()
            // Different changes at once: each one either lands whole or is refused; none is lost silently.
            let patches = try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
                for capital in 0..<6 {
                    group.addTask {
                        try await app.api(.PATCH, "/me/company-filings/\(filing)", raw: #"{"capitalKopecks":\#(2_000_000 + capital * 100)}"#, token: aibekToken).status
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(patches.allSatisfy { $0 == .ok || $0 == .conflict } && patches.contains(.ok), "\(patches)")
            #expect(try await app.api(.POST, "/me/company-filings/\(filing)/withdrawal", token: aibek.token).status == .noContent)

            // Registration decided by six officers' clicks at once: one decision, one set of numbers.
            let (registeredFiling, _) = try await Self.registered(app, founder: &aibek, cofounder: &dana, cofounderEmail: "dana@example.kz",
                                                                   officer: residency.officer)
            #expect(try await RegisteredCompany.query(on: app.db).count() == 1)
            _ = registeredFiling
            let second = try await app.api(.POST, "/me/company-filings", token: dana.token)
            let secondID = try second.json(Filing.self).id
            let body = Self.draft.replacingOccurrences(of: "Облачные решения", with: "Горные вершины")
            #expect(try await app.api(.PATCH, "/me/company-filings/\(secondID)", raw: body, token: dana.token).status == .ok)
            let danaID = dana.id.uuidString.lowercased()
            try await Self.sign(app, secondID, as: &dana, signer: danaID, role: "founder")
            try await Self.sign(app, secondID, as: &dana, signer: danaID, role: "director")
            #expect(try await app.api(.POST, "/me/company-filings/\(secondID)/submission", token: dana.token).status == .ok)
            let decisions = try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
                for index in 0..<6 {
                    let body = index % 2 == 0 ? #"{"decision":"register"}"# : #"{"decision":"refuse","ground":"\#(app.companyRegistry.grounds.grounds[0].id)"}"#
                    group.addTask { try await app.api(.POST, "/registry/company-filings/\(secondID)/decision", raw: body, token: residency.officer).status }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(decisions.filter { $0 == .ok }.count == 1 && decisions.allSatisfy { $0 == .ok || $0 == .conflict }, "\(decisions)")
            let decided = try #require(try await CompanyFiling.find(UUID(uuidString: secondID), on: app.db))
            #expect(try await RegisteredCompany.query(on: app.db).count() == (decided.status == "registered" ? 2 : 1))
            let ogrns = try await RegisteredCompany.query(on: app.db).all().map(\.ogrn)
            #expect(Set(ogrns).count == ogrns.count)
        }
    }
}

extension CompanyRegistryTests {
    /// `caravan verify` checks an extract file offline (and a tampered row fails), and by OGRN from the register.
    @Test func theVerifyCommandChecksExtracts() async throws {
        let clock = TestClock()
        try await withTestApp(clock: clock) { app in
            let residency = try await ResidencyTests.people(app, email: "first@example.kg")
            var aibek = try await Self.resident(app, email: "aibek@example.kg", clock: clock, officer: residency.officer)
            var dana = try await Self.resident(app, email: "dana@example.kz", clock: clock, officer: residency.officer)
            let (_, ogrn) = try await Self.registered(app, founder: &aibek, cofounder: &dana, cofounderEmail: "dana@example.kz", officer: residency.officer)
            let row = try #require(try await RegisteredCompany.query(on: app.db).filter(\.$ogrn == ogrn).first())
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("extract-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            let good = folder.appendingPathComponent("extract.json"), altered = folder.appendingPathComponent("altered.json")
            try Data(row.extractJSON.utf8).write(to: good)
            try Data(row.extractJSON.replacingOccurrences(of: "Облачные решения", with: "Облачные решенья").utf8).write(to: altered)
            func verify(_ argument: String) async -> (Bool, String) {
                let console = RecordingConsole()
                var context = CommandContext(console: console, input: CommandInput(arguments: ["caravan", argument]))
                context.application = app
                do {
                    try await VerifyCommand().run(using: &context)
                    return (true, console.lines.joined(separator: "\n"))
                } catch {
                    return (false, "\(error)")
                }
            }
            let (valid, said) = await verify(good.path)
            #expect(valid && said.contains("OGRN \(ogrn)") && said.contains("current"), "\(said)")
            let (alteredValid, alteredSaid) = await verify(altered.path)
            #expect(!alteredValid && alteredSaid.contains("altered"), "\(alteredSaid)")
            let (byNumber, byNumberSaid) = await verify(ogrn)
            #expect(byNumber, "\(byNumberSaid)")
            // A row edited in the database behind the register's back fails by number too.
            row.extractJSON = row.extractJSON.replacingOccurrences(of: "Облачные решения", with: "Облачные решенья")
            try await row.update(on: app.db)
            let (tampered, tamperedSaid) = await verify(ogrn)
            #expect(!tampered && tamperedSaid.contains("altered"), "\(tamperedSaid)")
        }
    }

    /// The register's clocks: the director is reminded of the unpaid capital 30 days before its day and once when
    /// overdue; an accreditation not reconfirmed by 1 June of the next year lapses and the employer loses it.
    @Test func theCapitalAndReconfirmationClocksRemindAndLapse() async throws {
        let clock = TestClock()
        try await withTestApp(clock: clock) { app in
            let residency = try await ResidencyTests.people(app, email: "first@example.kg")
            var aibek = try await Self.resident(app, email: "aibek@example.kg", clock: clock, officer: residency.officer)
            var dana = try await Self.resident(app, email: "dana@example.kz", clock: clock, officer: residency.officer)
            let (_, ogrn) = try await Self.registered(app, founder: &aibek, cofounder: &dana, cofounderEmail: "dana@example.kz", officer: residency.officer)
            let applied = try await app.api(.POST, "/register/companies/\(ogrn)/accreditation-applications",
                                            raw: #"{"totalRevenueKopecks":0,"itRevenueKopecks":0,"revenueSinceCreationKopecks":0,"website":"https://oblako.example","averageMonthlyPayKopecks":9000000}"#,
                                            token: aibek.token)
            struct Accreditation: Decodable { let id: String }
            let accreditation = try applied.json(Accreditation.self).id
            let admin = try await app.token(email: "admin@example.org")
            #expect(try await app.api(.POST, "/ministry/accreditation-applications/\(accreditation)/decision",
                                      raw: #"{"decision":"accredit","websiteNamesITActivity":true,"nationalAveragePayKopecks":8000000,"regionalAveragePayKopecks":6000000}"#,
                                      token: admin).status == .ok)
            // Reconfirming keeps the company's number in the accreditation register.
            let number = try #require(try await CaravanServer.Company.query(on: app.db).filter(\.$ogrn == ogrn).first()?.accreditationNumber)
            let again = try await app.api(.POST, "/register/companies/\(ogrn)/accreditation-applications",
                                          raw: #"{"totalRevenueKopecks":0,"itRevenueKopecks":0,"revenueSinceCreationKopecks":0,"website":"https://oblako.example","averageMonthlyPayKopecks":9000000}"#,
                                          token: aibek.token)
            #expect(again.status == .created, "\(again.text)")
            #expect(try await app.api(.POST, "/ministry/accreditation-applications/\(try again.json(Accreditation.self).id)/decision",
                                      raw: #"{"decision":"accredit","websiteNamesITActivity":true,"nationalAveragePayKopecks":8000000,"regionalAveragePayKopecks":6000000}"#,
                                      token: admin).status == .ok)
            #expect(try await CaravanServer.Company.query(on: app.db).filter(\.$ogrn == ogrn).first()?.accreditationNumber == number)
            let service = CompanyRegistryService(app: app, database: app.db)
            func notices(_ kind: String) async throws -> Int {
                try await Notice.query(on: app.db).filter(\.$kind == kind).filter(\.$user.$id == aibek.id).count()
            }
            try await service.sweepClocks()
            #expect(try await notices("notice.company.capital-soon") == 0)
            let company = try #require(try await RegisteredCompany.query(on: app.db).filter(\.$ogrn == ogrn).first())
            let due = try #require(CalendarDate(company.capitalDueOn))
            let today = CalendarDate(clock.now, in: PermitRegistry.moscow)
            clock.advance(by: TimeInterval(due.dayNumber - today.dayNumber - 20) * 86_400)
            try await service.sweepClocks()
            try await service.sweepClocks()
            #expect(try await notices("notice.company.capital-soon") == 1, "one reminder, however often the sweep runs")
            clock.advance(by: 30 * 86_400)
            try await service.sweepClocks()
            #expect(try await notices("notice.company.capital-overdue") == 1)
            // Reconfirmation: past its day, the accreditation lapses and the marketplace employer loses it.
            let by = try #require(try await RegisteredCompany.query(on: app.db).filter(\.$ogrn == ogrn).first()?.reconfirmBy.flatMap(CalendarDate.init))
            let now = CalendarDate(clock.now, in: PermitRegistry.moscow)
            clock.advance(by: TimeInterval(by.dayNumber - now.dayNumber + 2) * 86_400)
            try await service.sweepClocks()
            #expect(try await notices("notice.company.accreditation-lapsed") == 1)
            let after = try #require(try await RegisteredCompany.query(on: app.db).filter(\.$ogrn == ogrn).first())
            #expect(after.accreditation == "withdrawn")
            #expect(try await CaravanServer.Company.query(on: app.db).filter(\.$ogrn == ogrn).first()?.accredited == false)
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "company.accreditation-lapsed").count() == 1)
        }
    }

    /// The wizard without JavaScript: each step a form, a bad step refused with its message and nothing saved, the
    /// review naming what is missing, both languages.
    @Test func theWizardWorksAsFormsAndRefusesBadStepsInBothLanguages() async throws {
        let clock = TestClock()
        try await withTestApp(clock: clock) { app in
            let residency = try await ResidencyTests.people(app, email: "first@example.kg")
            _ = try await Self.resident(app, email: "aibek@example.kg", clock: clock, officer: residency.officer)
            for language in ["ru", "en"] {
                let browser = WebClient(app, acceptLanguage: language)
                _ = try await browser.get("/signin")
                #expect(try await browser.post("/signin", form: ["email": "aibek@example.kg", "password": "correct horse"]).status == .seeOther)
                let list = try await browser.get("/company-registration")
                #expect(list.status == .ok)
                let started = try await browser.post("/company-registration", form: [:])
                #expect(started.status == .seeOther, "\(started.text)")
                let location = try #require(started.headers.first(name: .location))
                let base = String(location.prefix { $0 != "?" })
                _ = try await browser.get(location)
                let latin = try await browser.post("\(base)/name", form: ["nameCore": "Cloud Solutions"])
                #expect(latin.status == .unprocessableEntity)
                #expect(latin.text.contains(language == "ru" ? "кириллицей" : "Cyrillic"), "\(latin.text)")
                #expect(latin.text.contains("Cloud Solutions"), "the form keeps what was typed")
                let named = try await browser.post("\(base)/name", form: ["nameCore": language == "ru" ? "Облачные решения" : "Горные решения"])
                #expect(named.status == .seeOther && (named.headers.first(name: .location) ?? "").contains("step=address"))
                let capital = try await browser.post("\(base)/capital", form: ["capital": "9 999"])
                #expect(capital.status == .unprocessableEntity && capital.text.contains("10000.00"), "\(capital.text)")
                #expect(try await browser.post("\(base)/capital", form: ["capital": "10 200"]).status == .seeOther)
                let review = try await browser.get("\(base)?step=review")
                #expect(review.status == .ok && review.text.contains(language == "ru" ? "Исправьте перед подписанием" : "Fix these before signing"), "\(review.text)")
                // The filing is withdrawn so the next language can start afresh.
                #expect(try await browser.post("\(base)/withdrawal", form: [:]).status == .seeOther)
            }
        }
    }
}

extension CompanyRegistryTests {
    /// The access table's company register: `specialist` (a resident after the residency fixture) founds an ООО
    /// alone, `registry@example.org` registers it, he applies for IT accreditation, and starts a second draft.
    static func fixture(_ app: Application, specialist: User, email: String) async throws -> [String: String] {
        let token = try await app.token(email: email)
        let officer = try await app.token(email: "registry@example.org")
        let people = ResidencyTests.People(officer: officer, specialist: token, specialistID: try specialist.requireID(),
                                           officerUser: try #require(try await User.query(on: app.db).filter(\.$email == "registry@example.org").first()))
        let device = SoftAuthenticator()
        try await ResidencyTests.registerPasskey(app, people, device)
        var person = Person(token: token, id: try specialist.requireID(), device: device)
        let me = person.id.uuidString.lowercased()
        let started = try await app.api(.POST, "/me/company-filings", token: token)
        #expect(started.status == .created, "\(started.text)")
        let decided = try started.json(Filing.self).id
        #expect(try await app.api(.PATCH, "/me/company-filings/\(decided)", raw: draft, token: token).status == .ok)
        try await sign(app, decided, as: &person, signer: me, role: "founder")
        try await sign(app, decided, as: &person, signer: me, role: "director")
        #expect(try await app.api(.POST, "/me/company-filings/\(decided)/submission", token: token).status == .ok)
        let registered = try await app.api(.POST, "/registry/company-filings/\(decided)/decision", raw: #"{"decision":"register"}"#, token: officer)
        #expect(registered.status == .ok, "\(registered.text)")
        let ogrn = try #require(try registered.json(Filing.self).ogrn)
        let applied = try await app.api(.POST, "/register/companies/\(ogrn)/accreditation-applications",
                                        raw: #"{"totalRevenueKopecks":0,"itRevenueKopecks":0,"revenueSinceCreationKopecks":0,"website":"https://oblako.example"}"#, token: token)
        #expect(applied.status == .created, "\(applied.text)")
        struct Accreditation: Decodable { let id: String }
        let accreditation = try applied.json(Accreditation.self).id
        let draftFiling = try await app.api(.POST, "/me/company-filings", token: token).json(Filing.self).id
        return ["companyFiling": draftFiling, "companyFilingDecided": decided, "ogrn": ogrn, "accreditationApplication": accreditation,
                "companyFounder": me]
    }
}
