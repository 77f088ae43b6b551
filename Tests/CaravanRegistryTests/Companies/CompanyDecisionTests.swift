import CaravanDomain
import CaravanPermits
import Foundation
import Testing
@testable import CaravanRegistry

/// The registry officer's decision: approval only on checked facts, refusal only on a ground from the file, the
/// term in working days on the production calendar.
@Suite struct CompanyDecisionTests {
    typealias Fx = CompanyFixtures
    static let today = CalendarDate(year: 2026, month: 3, day: 2)!
    static let clear = EntryBanCheck(result: .clear, recordID: nil, legalBasis: nil, checkedOn: today)
    static let banned = EntryBanCheck(result: .banned, recordID: "eb-1", legalBasis: "114-FZ art. 27", checkedOn: today)
    static let verified = ResidencyChecks(identity: .centre(centre: "bishkek-1", on: today), entryBan: clear)

    static var application: CompanyApplication { Fx.application() }
    static var persons: [String: ResidencyChecks] { ["u-aziz": verified, "u-elena": ResidencyChecks(identity: .permit(number: "RP-1"), entryBan: clear)] }
    static var signatures: SignatureReview {
        SignatureSet(application.requiredSigners.map {
            ApplicationSignature(signerID: $0.signerID, role: $0.role, revision: application.revision, signedAt: "2026-03-02T10:00:00Z")
        }).valid(for: application)
    }

    static func approve(application: CompanyApplication = application, status: CompanyApplicationStatus = .submitted,
                        report: CompanyApplicationReport? = nil, signatures: SignatureReview = signatures,
                        persons: [String: ResidencyChecks] = persons) throws(CompanyDecisionError) {
        try CompanyDecisionRules.checkApproval(application: application, status: status, report: report ?? Fx.report(application),
                                               signatures: signatures, persons: persons)
    }

    @Test func approvalOnCheckedFacts() {
        #expect(throws: Never.self) { try Self.approve() }
    }

    @Test func eachMissingFactBlocksApproval() {
        #expect(throws: CompanyDecisionError.notOpen) { try Self.approve(status: .registered) }
        #expect(throws: CompanyDecisionError.notOpen) { try Self.approve(status: .draft) }
        let invalid = Fx.application { $0.capitalKopecks = 1 }
        #expect(throws: CompanyDecisionError.applicationInvalid) { try Self.approve(application: invalid, signatures: Self.sign(invalid)) }
        let taken = Fx.report(Self.application, existing: [("ООО «Караван Софт»", "62.01")])
        #expect(throws: CompanyDecisionError.nameTaken("ООО «Караван Софт»")) { try Self.approve(report: taken) }
        let changed = Fx.application { $0.simplifiedTaxNotice = false }
        #expect(throws: CompanyDecisionError.signaturesIncomplete) { try Self.approve(application: changed, signatures: Self.signatures) }
        #expect(throws: CompanyDecisionError.signaturesIncomplete) { try Self.approve(application: changed, signatures: SignatureSet().valid(for: changed)) }
        #expect(throws: CompanyDecisionError.identityNotVerified(userID: "u-elena")) { try Self.approve(persons: ["u-aziz": Self.verified]) }
        #expect(throws: CompanyDecisionError.identityNotVerified(userID: "u-elena")) {
            try Self.approve(persons: ["u-aziz": Self.verified, "u-elena": ResidencyChecks(identity: .notVerified, entryBan: Self.clear)])
        }
        #expect(throws: CompanyDecisionError.entryBanNotChecked(userID: "u-aziz")) {
            try Self.approve(persons: ["u-aziz": ResidencyChecks(identity: .permit(number: "RP-2"), entryBan: nil), "u-elena": Self.verified])
        }
        #expect(throws: CompanyDecisionError.entryBanned(userID: "u-elena")) {
            try Self.approve(persons: ["u-aziz": Self.verified, "u-elena": ResidencyChecks(identity: .permit(number: "RP-1"), entryBan: Self.banned)])
        }
    }

    @Test func aDirectorWhoIsNoFounderIsCheckedToo() {
        let application = Fx.application { $0.director = CompanyDirector(userID: "u-olga", name: "Ольга Ким", citizenship: Fx.uz) }
        #expect(application.personUserIDs == ["u-aziz", "u-elena", "u-olga"])
        #expect(throws: CompanyDecisionError.identityNotVerified(userID: "u-olga")) {
            try Self.approve(application: application, signatures: Self.sign(application))
        }
        var persons = Self.persons
        persons["u-olga"] = Self.verified
        #expect(throws: Never.self) { try Self.approve(application: application, signatures: Self.sign(application), persons: persons) }
    }

    static func sign(_ application: CompanyApplication) -> SignatureReview {
        SignatureSet(application.requiredSigners.map {
            ApplicationSignature(signerID: $0.signerID, role: $0.role, revision: application.revision, signedAt: "2026-03-02T10:00:00Z")
        }).valid(for: application)
    }

    @Test func refusalOnlyOnAGroundFromTheFile() throws {
        let grounds = try CompanyGrounds.bundled()
        #expect(throws: Never.self) { try CompanyDecisionRules.checkRefusal(status: .submitted, ground: "name-noncompliant", grounds: grounds) }
        #expect(throws: CompanyDecisionError.groundUnknown) { try CompanyDecisionRules.checkRefusal(status: .submitted, ground: "dislike", grounds: grounds) }
        #expect(throws: CompanyDecisionError.notOpen) { try CompanyDecisionRules.checkRefusal(status: .refused, ground: "entry-ban", grounds: grounds) }
    }

    @Test func theGroundsFileNamesItsLawAndLetters() throws {
        let grounds = try CompanyGrounds.bundled()
        #expect(grounds.law.ru.contains("129-ФЗ"))
        #expect(Set(grounds.grounds.map(\.id)).count == grounds.grounds.count)
        let confirmed = grounds.grounds.filter { $0.law == "129-FZ" && !$0.unconfirmed }.compactMap(\.letter)
        #expect(confirmed == ["а", "б", "в", "ф"])
        #expect(grounds.ground("wrong-registry")?.text.ru == "представления документов в ненадлежащий регистрирующий орган")
        #expect(grounds.ground("founder-of-struck-off-debtor")?.reference("ru") == "пп. «ф» п. 1 ст. 23 Федерального закона № 129-ФЗ")
        #expect(grounds.ground("entry-ban")?.letter == nil)
        #expect(grounds.ground("entry-ban")?.reference("en") == "Programme rules")
        for ground in grounds.grounds {
            #expect(!ground.title.ru.isEmpty && !ground.title.en.isEmpty && !ground.text.ru.isEmpty && !ground.text.en.isEmpty)
            #expect((ground.law == "programme") == (ground.letter == nil))
        }
    }

    @Test func theTermIsThreeWorkingDays() throws {
        // Monday 2 March 2026 → Thursday 5 March.
        #expect(try CompanyDecisionRules.decisionDate(submittedOn: Self.today, calendar: Fx.calendar) == CalendarDate(year: 2026, month: 3, day: 5))
        // Friday 6 March 2026: Monday 9 March is the day off for 8 March (a Sunday), so Wednesday 11 March.
        let friday = CalendarDate(year: 2026, month: 3, day: 6)!
        var day = friday, counted = 0
        while counted < 3 {
            day = day.adding(days: 1)
            if try Fx.calendar.isWorkingDay(day) { counted += 1 }
        }
        #expect(try CompanyDecisionRules.decisionDate(submittedOn: friday, calendar: Fx.calendar) == day)
        // Over the New Year holidays three working days are more than a calendar week.
        let newYear = CalendarDate(year: 2026, month: 12, day: 30)!
        #expect(try CompanyDecisionRules.decisionDate(submittedOn: newYear, calendar: Fx.calendar) > newYear.adding(days: 7))
        #expect(throws: CalendarError.yearNotCovered(2030)) {
            try CompanyDecisionRules.decisionDate(submittedOn: CalendarDate(year: 2030, month: 1, day: 9)!, calendar: Fx.calendar)
        }
    }
}
