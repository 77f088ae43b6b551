import CaravanDomain
import CaravanPermits
import Foundation
import Testing
@testable import CaravanRegistry

/// The application's rules as the registry applies them: each problem with its field, the decision date on the
/// production calendar, and the checks a decision needs.
@Suite struct ResidencyRulesTests {
    static let calendar = try! WorkingDayCalendar.bundledRussia()
    static let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13]
    static let today = CalendarDate(year: 2026, month: 12, day: 3)!

    static func input(_ change: (inout ResidencyApplicationInput) -> Void = { _ in }) -> ResidencyApplicationInput {
        var input = ResidencyApplicationInput(
            nameOriginal: "Aʼzamjon Oʻrinboyev", nameLatin: "Orinboyev Azamjon", birthDate: "1995-04-01", citizenship: "uz",
            passportNumber: "fa 123-4567", passportExpiresOn: "2030-01-01", reason: "found-company", photo: png
        )
        change(&input)
        return input
    }

    static func codes(_ input: ResidencyApplicationInput) -> [String: String] {
        do {
            _ = try ResidencyRules.validate(input, today: today, calendar: calendar, decisionWorkingDays: 15)
            return [:]
        } catch {
            return Dictionary(error.errors.map { ($0.field, $0.code) }, uniquingKeysWith: { first, _ in first })
        }
    }

    @Test func aGoodApplicationIsNormalisedAndGetsItsDecisionDate() throws {
        let valid = try ResidencyRules.validate(Self.input(), today: Self.today, calendar: Self.calendar, decisionWorkingDays: 15)
        #expect(valid.nameLatin == "ORINBOYEV AZAMJON")
        #expect(valid.passportNumber == "FA1234567")
        #expect(valid.citizenship.rawValue == "UZ")
        #expect(valid.photoType == "image/png")
        // Counted independently: the 15th working day after the submission day, by walking the calendar.
        var day = Self.today
        var counted = 0
        while counted < 15 {
            day = day.adding(days: 1)
            if try Self.calendar.isWorkingDay(day) { counted += 1 }
        }
        #expect(valid.decideBy == day)
        // Across the New Year holidays the same term is longer than three calendar weeks.
        let christmas = CalendarDate(year: 2026, month: 12, day: 25)!
        #expect(try ResidencyRules.decisionDate(submittedOn: christmas, workingDays: 15, calendar: Self.calendar) > christmas.adding(days: 21))
    }

    @Test func eachProblemNamesItsField() {
        #expect(Self.codes(Self.input { $0.nameLatin = "Оринбоев" })["nameLatin"] == "residency.nameLatin")
        #expect(Self.codes(Self.input { $0.nameOriginal = "R2D2 Droid" })["nameOriginal"] == "residency.nameLetters")
        #expect(Self.codes(Self.input { $0.nameOriginal = " " })["nameOriginal"] == "field.required")
        #expect(Self.codes(Self.input { $0.citizenship = "RU" })["citizenship"] == "residency.russianCitizen")
        #expect(Self.codes(Self.input { $0.citizenship = "XX" })["citizenship"] == "country.unknown")
        #expect(Self.codes(Self.input { $0.reason = "tourism" })["reason"] == "residency.reasonInvalid")
        #expect(Self.codes(Self.input { $0.passportNumber = "12" })["passportNumber"] == "passport.numberInvalid")
        #expect(Self.codes(Self.input { $0.birthDate = "1995-02-30" })["birthDate"] == "date.invalid")
        #expect(Self.codes(Self.input { $0.photo = Array("GIF89a".utf8) })["photo"] == "residency.photoType")
        #expect(Self.codes(Self.input { $0.photo = nil })["photo"] == "field.required")
        #expect(Self.codes(Self.input { $0.photo = Self.png + [UInt8](repeating: 0, count: ResidencyRules.maximumPhotoBytes) })["photo"] == "residency.photoTooLarge")
        // Every problem at once.
        #expect(Self.codes(ResidencyApplicationInput()).count == 8)
    }

    @Test func eighteenOnTheDayIsOldEnough() {
        #expect(Self.codes(Self.input { $0.birthDate = "2008-12-03" })["birthDate"] == nil)
        #expect(Self.codes(Self.input { $0.birthDate = "2008-12-04" })["birthDate"] == "residency.underAge")
    }

    @Test func thePassportMustOutliveTheDecisionDate() throws {
        let due = try ResidencyRules.decisionDate(submittedOn: Self.today, workingDays: 15, calendar: Self.calendar)
        #expect(Self.codes(Self.input { $0.passportExpiresOn = due.description })["passportExpiresOn"] == "residency.passportExpiresBeforeDecision")
        #expect(Self.codes(Self.input { $0.passportExpiresOn = due.adding(days: 1).description })["passportExpiresOn"] == nil)
        #expect(Self.codes(Self.input { $0.passportExpiresOn = "2026-01-01" })["passportExpiresOn"] == "passport.expired")
    }

    @Test func approvalNeedsEveryCheckedFact() throws {
        let clear = EntryBanCheck(result: .clear, recordID: nil, legalBasis: nil, checkedOn: Self.today)
        let banned = EntryBanCheck(result: .banned, recordID: "b1", legalBasis: "114-FZ art. 27", checkedOn: Self.today)
        let verified = ResidencyChecks.Identity.centre(centre: "bishkek", on: Self.today)
        let later = Self.today.adding(days: 400)
        func approve(_ status: ResidencyApplicationStatus = .submitted, _ identity: ResidencyChecks.Identity = verified,
                     _ ban: EntryBanCheck? = clear, passport: CalendarDate = later) -> ResidencyDecisionError? {
            do {
                try ResidencyDecisionRules.checkApproval(status: status, checks: ResidencyChecks(identity: identity, entryBan: ban),
                                                         passportExpiresOn: passport, today: Self.today)
                return nil
            } catch { return error }
        }
        #expect(approve() == nil)
        #expect(approve(.approved) == .notOpen)
        #expect(approve(.submitted, .notVerified) == .identityNotVerified)
        #expect(approve(.submitted, .permit(number: "RP-2026-ABC")) == nil)
        #expect(approve(.submitted, verified, nil) == .entryBanNotChecked)
        #expect(approve(.submitted, verified, banned) == .entryBanned)
        #expect(approve(passport: Self.today.adding(days: -1)) == .passportExpired)

        let grounds = try ResidencyGrounds.bundled()
        #expect(throws: ResidencyDecisionError.groundUnknown) { try ResidencyDecisionRules.checkRefusal(status: .submitted, ground: "dislike", grounds: grounds) }
        // A revocation-only ground is no refusal ground.
        #expect(throws: ResidencyDecisionError.groundUnknown) { try ResidencyDecisionRules.checkRefusal(status: .submitted, ground: "key-compromised", grounds: grounds) }
        try ResidencyDecisionRules.checkRefusal(status: .submitted, ground: "entry-ban", grounds: grounds)
        #expect(throws: ResidencyDecisionError.notActive) { try ResidencyDecisionRules.checkRevocation(isActive: false, ground: "security", grounds: grounds) }
        #expect(ResidencyDecisionRules.validUntil(approvedOn: CalendarDate(year: 2026, month: 12, day: 3)!, years: 5) == CalendarDate(year: 2031, month: 12, day: 2))
    }

    @Test func everyGroundHasBothLanguagesAndABasis() throws {
        let grounds = try ResidencyGrounds.bundled()
        #expect(!grounds.grounds(for: .refuse).isEmpty && !grounds.grounds(for: .revoke).isEmpty)
        for ground in grounds.grounds {
            #expect(!ground.title.ru.isEmpty && !ground.title.en.isEmpty && !ground.basis.ru.isEmpty && !ground.basis.en.isEmpty, "\(ground.id)")
        }
        #expect(Set(grounds.grounds.map(\.id)).count == grounds.grounds.count)
    }

    @Test func residencyNumbersCatchEveryMistypedDigit() {
        for serial in [1, 42, 999, 123_456, 999_999] {
            let number = ResidencyNumber.make(year: 2026, serial: serial)
            #expect(ResidencyNumber.isWellFormed(number), "\(number)")
            let characters = Array(number)
            for index in characters.indices where characters[index].isNumber {
                for digit in "0123456789" where digit != characters[index] {
                    var changed = characters
                    changed[index] = digit
                    // Luhn catches every single-digit substitution.
                    #expect(!ResidencyNumber.isWellFormed(String(changed)), "\(String(changed)) passed")
                }
            }
        }
        #expect(!ResidencyNumber.isWellFormed("RP-2026-000001-0"))
        #expect(!ResidencyNumber.isWellFormed("DR-2026-1-0"))
    }
}
