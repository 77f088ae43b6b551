import CaravanDomain
import CaravanPermits
import Foundation
import Testing
@testable import CaravanRegistry

/// IT accreditation under Decree No. 1729 as a rulebook: each criterion met, unmet or waived, with its reason.
@Suite struct ITAccreditationTests {
    static let rulebook = try! ITAccreditationRulebook.bundled()
    static let registered = CalendarDate(year: 2026, month: 3, day: 5)!

    /// An established company that meets every criterion.
    static func facts(_ change: (inout ITAccreditationFacts) -> Void = { _ in }) -> ITAccreditationFacts {
        var facts = ITAccreditationFacts(
            mainActivity: "62.01", registeredOn: CalendarDate(year: 2021, month: 5, day: 1)!, appliedOn: CalendarDate(year: 2026, month: 4, day: 1)!,
            totalRevenueKopecks: 10_000_000_00, itRevenueKopecks: 8_000_000_00, revenueSinceCreationKopecks: 40_000_000_00,
            websiteURL: "https://karavan-soft.ru/about", websiteNamesITActivity: true,
            averageMonthlyPayKopecks: 120_000_00, nationalAveragePayKopecks: 89_000_00, regionalAveragePayKopecks: 135_000_00
        )
        change(&facts)
        return facts
    }

    static func outcome(_ criterion: ITCriterionResult.Criterion, _ facts: ITAccreditationFacts) -> (ITCriterionResult.Outcome, String) {
        let result = ITAccreditationRules.judge(facts, rulebook: rulebook).first { $0.criterion == criterion }!
        return (result.outcome, result.reason)
    }

    @Test func theRulebookNamesItsDecree() {
        #expect(Self.rulebook.decree.number == "1729")
        #expect(Self.rulebook.decree.date == "2022-09-30")
        #expect(Self.rulebook.version == "2022.1")
        #expect(Self.rulebook.itRevenueShare.minimumPercent == 30)
        #expect(Self.rulebook.mainActivity.unconfirmed == true)
    }

    @Test func aCompanyMeetingEveryCriterion() {
        let results = ITAccreditationRules.judge(Self.facts(), rulebook: Self.rulebook)
        #expect(results.map(\.criterion) == ITCriterionResult.Criterion.allCases)
        #expect(results.filter { $0.criterion != .foreignParticipation }.allSatisfy { $0.outcome == .met })
        #expect(ITAccreditationRules.isAccreditable(results))
        #expect(results.first { $0.criterion == .itRevenueShare }?.arguments["percent"] == "80.0")
    }

    @Test func mainActivity() {
        #expect(Self.outcome(.mainActivity, Self.facts()) == (.met, "accreditation.mainActivity.it"))
        #expect(Self.outcome(.mainActivity, Self.facts { $0.mainActivity = "58.29" }) == (.met, "accreditation.mainActivity.it"))
        #expect(Self.outcome(.mainActivity, Self.facts { $0.mainActivity = "63.11.1" }) == (.met, "accreditation.mainActivity.it"))
        #expect(Self.outcome(.mainActivity, Self.facts { $0.mainActivity = "70.22" }) == (.notMet, "accreditation.mainActivity.notIT"))
        #expect(Self.outcome(.mainActivity, Self.facts { $0.mainActivity = "62.02.2" }) == (.notMet, "accreditation.mainActivity.notIT"))
        #expect(Self.outcome(.mainActivity, Self.facts { $0.mainActivity = "72.19" }) == (.notMet, "accreditation.mainActivity.notIT"))
        #expect(!ITAccreditationRules.isAccreditable(ITAccreditationRules.judge(Self.facts { $0.mainActivity = "70.22" }, rulebook: Self.rulebook)))
    }

    @Test func itRevenueShareIsMoreThanThirtyPercent() {
        #expect(Self.outcome(.itRevenueShare, Self.facts { $0.itRevenueKopecks = 3_000_000_01 }) == (.met, "accreditation.itShare.met"))
        #expect(Self.outcome(.itRevenueShare, Self.facts { $0.itRevenueKopecks = 3_000_000_00 }) == (.notMet, "accreditation.itShare.below"))
        #expect(Self.outcome(.itRevenueShare, Self.facts { $0.itRevenueKopecks = 0 }) == (.notMet, "accreditation.itShare.below"))
        #expect(Self.outcome(.itRevenueShare, Self.facts { $0.itRevenueKopecks = $0.totalRevenueKopecks + 1 }) == (.notMet, "accreditation.itShare.inconsistent"))
        #expect(Self.outcome(.itRevenueShare, Self.facts { $0.totalRevenueKopecks = 0; $0.itRevenueKopecks = 0 }) == (.notMet, "accreditation.itShare.noRevenue"))
        // Exact at any size: no overflow near Int64's limit.
        #expect(Self.outcome(.itRevenueShare, Self.facts { $0.totalRevenueKopecks = .max; $0.itRevenueKopecks = .max / 4 }) == (.notMet, "accreditation.itShare.below"))
        #expect(Self.outcome(.itRevenueShare, Self.facts { $0.totalRevenueKopecks = .max; $0.itRevenueKopecks = .max / 2 }) == (.met, "accreditation.itShare.met"))
    }

    @Test func aYoungSmallCompanyIsExemptFromTheShare() {
        let young: (inout ITAccreditationFacts) -> Void = {
            $0.registeredOn = Self.registered
            $0.appliedOn = CalendarDate(year: 2026, month: 6, day: 1)!
            $0.totalRevenueKopecks = 0
            $0.itRevenueKopecks = 0
            $0.revenueSinceCreationKopecks = 0
        }
        #expect(Self.outcome(.itRevenueShare, Self.facts(young)) == (.waived, "accreditation.itShare.waivedNewCompany"))
        // Revenue since creation at the limit (1 million roubles) is still exempt; a kopeck more is not.
        #expect(Self.outcome(.itRevenueShare, Self.facts { young(&$0); $0.revenueSinceCreationKopecks = 1_000_000_00; $0.totalRevenueKopecks = 1_000_000_00 })
            == (.waived, "accreditation.itShare.waivedNewCompany"))
        #expect(Self.outcome(.itRevenueShare, Self.facts { young(&$0); $0.revenueSinceCreationKopecks = 1_000_000_01; $0.totalRevenueKopecks = 1_000_000_01 })
            == (.notMet, "accreditation.itShare.below"))
        // Three years to the day is no longer younger than three years.
        #expect(Self.outcome(.itRevenueShare, Self.facts { young(&$0); $0.appliedOn = CalendarDate(year: 2029, month: 3, day: 5)! })
            == (.notMet, "accreditation.itShare.noRevenue"))
        #expect(Self.outcome(.itRevenueShare, Self.facts { young(&$0); $0.appliedOn = CalendarDate(year: 2029, month: 3, day: 4)! })
            == (.waived, "accreditation.itShare.waivedNewCompany"))
        #expect(ITAccreditationRules.isAccreditable(ITAccreditationRules.judge(Self.facts(young), rulebook: Self.rulebook)))
    }

    @Test func website() {
        #expect(Self.outcome(.website, Self.facts()) == (.met, "accreditation.website.met"))
        #expect(Self.outcome(.website, Self.facts { $0.websiteURL = nil }) == (.notMet, "accreditation.website.missing"))
        #expect(Self.outcome(.website, Self.facts { $0.websiteURL = "  " }) == (.notMet, "accreditation.website.missing"))
        #expect(Self.outcome(.website, Self.facts { $0.websiteURL = "ftp://karavan-soft.ru" }) == (.notMet, "accreditation.website.invalid"))
        #expect(Self.outcome(.website, Self.facts { $0.websiteURL = "karavan-soft" }) == (.notMet, "accreditation.website.invalid"))
        #expect(Self.outcome(.website, Self.facts { $0.websiteNamesITActivity = false }) == (.notMet, "accreditation.website.notNamed"))
    }

    @Test func averagePay() {
        // Either average suffices: 120,000 is below the regional 135,000 but above the national 89,000.
        #expect(Self.outcome(.averagePay, Self.facts()) == (.met, "accreditation.pay.met"))
        #expect(Self.outcome(.averagePay, Self.facts { $0.averageMonthlyPayKopecks = 89_000_00 }) == (.met, "accreditation.pay.met"))
        #expect(Self.outcome(.averagePay, Self.facts { $0.averageMonthlyPayKopecks = 88_999_99 }) == (.notMet, "accreditation.pay.below"))
        #expect(Self.outcome(.averagePay, Self.facts { $0.averageMonthlyPayKopecks = nil }) == (.notMet, "accreditation.pay.missing"))
        #expect(Self.outcome(.averagePay, Self.facts { $0.averageMonthlyPayKopecks = nil; $0.softwareRegisterRightsHolder = true })
            == (.waived, "accreditation.pay.waivedSoftwareRegister"))
        #expect(Self.outcome(.averagePay, Self.facts { $0.averageMonthlyPayKopecks = nil; $0.softwareRegisterRightsHolder = true; $0.totalRevenueKopecks = 1_000_000_00; $0.itRevenueKopecks = 0 })
            == (.notMet, "accreditation.pay.missing"))
    }

    @Test func foreignParticipationIsReportedNotApplied() {
        let result = ITAccreditationRules.judge(Self.facts { $0.foreignShare = Fraction(parsing: "1/2")! }, rulebook: Self.rulebook)
            .first { $0.criterion == .foreignParticipation }!
        #expect(result.outcome == .waived)
        #expect(result.reason == "accreditation.foreignParticipation.notInForce")
        #expect(result.arguments["share"] == "1/2")
    }

    @Test func yearlyReconfirmation() {
        let accredited = CalendarDate(year: 2026, month: 7, day: 20)!
        #expect(ITAccreditationRules.reconfirmationDeadline(accreditedOn: accredited, rulebook: Self.rulebook) == CalendarDate(year: 2027, month: 6, day: 1))
        #expect(ITAccreditationRules.reconfirmationDeadline(accreditedOn: accredited, lastConfirmedYear: 2027, rulebook: Self.rulebook)
            == CalendarDate(year: 2028, month: 6, day: 1))
        #expect(!ITAccreditationRules.isReconfirmationOverdue(accreditedOn: accredited, today: CalendarDate(year: 2027, month: 6, day: 1)!, rulebook: Self.rulebook))
        #expect(ITAccreditationRules.isReconfirmationOverdue(accreditedOn: accredited, today: CalendarDate(year: 2027, month: 6, day: 2)!, rulebook: Self.rulebook))
    }

    @Test func theMinistryDecidesInFifteenWorkingDays() throws {
        let day = CalendarDate(year: 2026, month: 4, day: 1)!
        #expect(try ITAccreditationRules.decisionDate(submittedOn: day, rulebook: Self.rulebook, calendar: CompanyFixtures.calendar)
            == CompanyFixtures.calendar.adding(workingDays: 15, to: day))
        #expect(Self.rulebook.decisionWorkingDays == 15)
    }

    @Test func annexCodesReadAGroupAsItsClasses() {
        #expect(Self.rulebook.acceptsMainActivity("58.2"))
        #expect(Self.rulebook.acceptsMainActivity("58.21"))
        #expect(Self.rulebook.acceptsMainActivity("73.12"))
        #expect(!Self.rulebook.acceptsMainActivity("62.02.2"), "a group covers classes, not what lies below them")
        #expect(!Self.rulebook.acceptsMainActivity("58"), "the bare division is not in the annex")
        #expect(Self.rulebook.acceptsMainActivity("26.20.4"))
    }
}
