import CaravanPermits
import Foundation

/// What the ministry's officer judges an IT-accreditation application on, each fact entered as a figure or found
/// by code. Money in kopecks.
public struct ITAccreditationFacts: Hashable, Sendable {
    public var mainActivity: String
    public var registeredOn: CalendarDate
    public var appliedOn: CalendarDate
    /// Revenue of the period the share is taken over: the year before the application, or the current year for a
    /// company created this year.
    public var totalRevenueKopecks: Int64
    public var itRevenueKopecks: Int64
    /// All revenue since the company was created, for the new-company exemption.
    public var revenueSinceCreationKopecks: Int64
    public var inStartupRegister: Bool
    public var websiteURL: String?
    /// The officer found the IT activity named on the website.
    public var websiteNamesITActivity: Bool
    /// For the penultimate quarter before the application; nil when the company paid nobody.
    public var averageMonthlyPayKopecks: Int64?
    public var nationalAveragePayKopecks: Int64
    public var regionalAveragePayKopecks: Int64
    /// Rights holder of a program in the Russian software register, earning from it.
    public var softwareRegisterRightsHolder: Bool
    /// The share of the capital held by foreign citizens and companies.
    public var foreignShare: Fraction

    public init(mainActivity: String, registeredOn: CalendarDate, appliedOn: CalendarDate, totalRevenueKopecks: Int64, itRevenueKopecks: Int64,
                revenueSinceCreationKopecks: Int64, inStartupRegister: Bool = false, websiteURL: String?, websiteNamesITActivity: Bool,
                averageMonthlyPayKopecks: Int64?, nationalAveragePayKopecks: Int64, regionalAveragePayKopecks: Int64,
                softwareRegisterRightsHolder: Bool = false, foreignShare: Fraction = .zero) {
        self.mainActivity = mainActivity
        self.registeredOn = registeredOn
        self.appliedOn = appliedOn
        self.totalRevenueKopecks = totalRevenueKopecks
        self.itRevenueKopecks = itRevenueKopecks
        self.revenueSinceCreationKopecks = revenueSinceCreationKopecks
        self.inStartupRegister = inStartupRegister
        self.websiteURL = websiteURL
        self.websiteNamesITActivity = websiteNamesITActivity
        self.averageMonthlyPayKopecks = averageMonthlyPayKopecks
        self.nationalAveragePayKopecks = nationalAveragePayKopecks
        self.regionalAveragePayKopecks = regionalAveragePayKopecks
        self.softwareRegisterRightsHolder = softwareRegisterRightsHolder
        self.foreignShare = foreignShare
    }
}

/// One criterion's result with the reason the officer's page shows (a message key with its arguments).
public struct ITCriterionResult: Hashable, Sendable {
    public enum Criterion: String, Hashable, Sendable, CaseIterable {
        case mainActivity = "main-activity"
        case itRevenueShare = "it-revenue-share"
        case website
        case averagePay = "average-pay"
        case foreignParticipation = "foreign-participation"
    }

    public enum Outcome: String, Hashable, Sendable {
        case met
        case notMet = "not-met"
        /// The rules do not apply it to this company.
        case waived
    }

    public let criterion: Criterion
    public let outcome: Outcome
    public let reason: String
    public let arguments: [String: String]

    public init(_ criterion: Criterion, _ outcome: Outcome, _ reason: String, _ arguments: [String: String] = [:]) {
        self.criterion = criterion
        self.outcome = outcome
        self.reason = reason
        self.arguments = arguments
    }
}

/// The criteria of Decree No. 1729 applied to the facts, each with its reason; the decision stays the officer's.
public enum ITAccreditationRules {
    public static func judge(_ facts: ITAccreditationFacts, rulebook: ITAccreditationRulebook) -> [ITCriterionResult] {
        [mainActivity(facts, rulebook), revenueShare(facts, rulebook), website(facts), averagePay(facts, rulebook),
         foreignParticipation(facts, rulebook)]
    }

    /// Accreditable when no criterion is unmet.
    public static func isAccreditable(_ results: [ITCriterionResult]) -> Bool {
        !results.isEmpty && results.allSatisfy { $0.outcome != .notMet }
    }

    static func mainActivity(_ facts: ITAccreditationFacts, _ rulebook: ITAccreditationRulebook) -> ITCriterionResult {
        let code = OkvedCode.normalized(facts.mainActivity)
        return rulebook.acceptsMainActivity(code)
            ? ITCriterionResult(.mainActivity, .met, "accreditation.mainActivity.it", ["code": code])
            : ITCriterionResult(.mainActivity, .notMet, "accreditation.mainActivity.notIT", ["code": code])
    }

    /// Younger than the exemption's age on the day of applying, with revenue since creation within its limit.
    public static func isExemptNewCompany(_ facts: ITAccreditationFacts, rulebook: ITAccreditationRulebook) -> Bool {
        let exemption = rulebook.newCompanyExemption
        return facts.registeredOn.adding(months: 12 * exemption.maximumAgeYears) > facts.appliedOn
            && facts.revenueSinceCreationKopecks <= exemption.maximumRevenueSinceCreationKopecks
            && (!exemption.requiresStartupRegister || facts.inStartupRegister)
    }

    static func revenueShare(_ facts: ITAccreditationFacts, _ rulebook: ITAccreditationRulebook) -> ITCriterionResult {
        let rule = rulebook.itRevenueShare
        let minimum = ["minimum": "\(rule.minimumPercent)"]
        let exempt = isExemptNewCompany(facts, rulebook: rulebook)
        guard facts.itRevenueKopecks >= 0, facts.totalRevenueKopecks >= 0, facts.itRevenueKopecks <= facts.totalRevenueKopecks else {
            return ITCriterionResult(.itRevenueShare, .notMet, "accreditation.itShare.inconsistent")
        }
        guard facts.totalRevenueKopecks > 0 else {
            return exempt ? ITCriterionResult(.itRevenueShare, .waived, "accreditation.itShare.waivedNewCompany", minimum)
                : ITCriterionResult(.itRevenueShare, .notMet, "accreditation.itShare.noRevenue", minimum)
        }
        // it / total against minimum / 100, compared as it × 100 against minimum × total at full width.
        let left = facts.itRevenueKopecks.multipliedFullWidth(by: 100)
        let right = facts.totalRevenueKopecks.multipliedFullWidth(by: rule.minimumPercent)
        let above = (left.high, left.low) > (right.high, right.low)
        let equal = left.high == right.high && left.low == right.low
        var arguments = minimum
        arguments["percent"] = percent(facts.itRevenueKopecks, of: facts.totalRevenueKopecks)
        if above || (equal && !rule.strictlyGreater) {
            return ITCriterionResult(.itRevenueShare, .met, "accreditation.itShare.met", arguments)
        }
        return exempt ? ITCriterionResult(.itRevenueShare, .waived, "accreditation.itShare.waivedNewCompany", arguments)
            : ITCriterionResult(.itRevenueShare, .notMet, "accreditation.itShare.below", arguments)
    }

    static func website(_ facts: ITAccreditationFacts) -> ITCriterionResult {
        let text = facts.websiteURL?.trimmingCharacters(in: .whitespaces) ?? ""
        guard !text.isEmpty else { return ITCriterionResult(.website, .notMet, "accreditation.website.missing") }
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
              let host = url.host, host.contains(".")
        else { return ITCriterionResult(.website, .notMet, "accreditation.website.invalid", ["url": text]) }
        return facts.websiteNamesITActivity ? ITCriterionResult(.website, .met, "accreditation.website.met", ["url": text])
            : ITCriterionResult(.website, .notMet, "accreditation.website.notNamed", ["url": text])
    }

    /// Not below the national or the regional average (either suffices), unless waived for a software-register
    /// rights holder with revenue above the waiver's limit.
    static func averagePay(_ facts: ITAccreditationFacts, _ rulebook: ITAccreditationRulebook) -> ITCriterionResult {
        if facts.softwareRegisterRightsHolder, facts.totalRevenueKopecks > rulebook.averagePay.waiver.minimumRevenueKopecks {
            return ITCriterionResult(.averagePay, .waived, "accreditation.pay.waivedSoftwareRegister")
        }
        guard let pay = facts.averageMonthlyPayKopecks else { return ITCriterionResult(.averagePay, .notMet, "accreditation.pay.missing") }
        let threshold = min(facts.nationalAveragePayKopecks, facts.regionalAveragePayKopecks)
        let arguments = ["pay": ShareRules.roubles(pay), "threshold": ShareRules.roubles(threshold)]
        return pay >= threshold ? ITCriterionResult(.averagePay, .met, "accreditation.pay.met", arguments)
            : ITCriterionResult(.averagePay, .notMet, "accreditation.pay.below", arguments)
    }

    static func foreignParticipation(_ facts: ITAccreditationFacts, _ rulebook: ITAccreditationRulebook) -> ITCriterionResult {
        let rule = rulebook.foreignParticipation
        let arguments = ["share": facts.foreignShare.description, "maximum": "\(rule.maximumPercent)"]
        guard rule.inForce else { return ITCriterionResult(.foreignParticipation, .waived, "accreditation.foreignParticipation.notInForce", arguments) }
        let limit = Fraction(reducing: rule.maximumPercent, 100) ?? .zero
        return facts.foreignShare <= limit ? ITCriterionResult(.foreignParticipation, .met, "accreditation.foreignParticipation.met", arguments)
            : ITCriterionResult(.foreignParticipation, .notMet, "accreditation.foreignParticipation.above", arguments)
    }

    /// `31.4`: one decimal, rounded down, for the message only (the test itself is exact).
    static func percent(_ part: Int64, of whole: Int64) -> String {
        guard whole > 0 else { return "0" }
        let tenths = part.multipliedFullWidth(by: 1000)
        let (quotient, _) = whole.dividingFullWidth(tenths)
        return "\(quotient / 10).\(quotient % 10)"
    }

    /// The day by which an accredited company confirms its accreditation: 1 June (the rulebook's day) of the year
    /// after the later of the accreditation and the last confirmation.
    public static func reconfirmationDeadline(accreditedOn: CalendarDate, lastConfirmedYear: Int? = nil,
                                              rulebook: ITAccreditationRulebook) -> CalendarDate {
        let year = max(accreditedOn.year, lastConfirmedYear ?? accreditedOn.year) + 1
        return CalendarDate(year: year, month: rulebook.reconfirmation.month, day: rulebook.reconfirmation.day)
            ?? CalendarDate(year: year, month: 6, day: 1)!
    }

    /// Whether the confirmation is overdue on `today`: the accreditation then lapses, with what that triggers
    /// for permits.
    public static func isReconfirmationOverdue(accreditedOn: CalendarDate, lastConfirmedYear: Int? = nil, today: CalendarDate,
                                               rulebook: ITAccreditationRulebook) -> Bool {
        today > reconfirmationDeadline(accreditedOn: accreditedOn, lastConfirmedYear: lastConfirmedYear, rulebook: rulebook)
    }

    /// The ministry's decision is due `decisionWorkingDays` working days after the application day.
    public static func decisionDate(submittedOn day: CalendarDate, rulebook: ITAccreditationRulebook,
                                    calendar: WorkingDayCalendar) throws(CalendarError) -> CalendarDate {
        try calendar.adding(workingDays: rulebook.decisionWorkingDays, to: day)
    }
}
