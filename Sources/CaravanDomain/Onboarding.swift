import Foundation

/// The first steps a new account is walked through, by role, and which of them are done.
///
/// A specialist: complete the profile → see the vacancies that fit → apply; once an offer is accepted, the
/// permit case. An employer: register the company → post a vacancy → read the applicants. The facts are
/// counted by the server; this decides only which steps there are, in what order, and which one is next.
public enum Onboarding {
    public enum Step: String, CaseIterable, Sendable {
        case completeProfile, seeMatches, apply, openPermitCase
        case registerCompany, postVacancy, readApplicants
    }

    /// What is true of the account now.
    public struct Facts: Sendable, Equatable {
        public var profileReady = false
        public var applied = false
        public var hired = false
        public var permitCaseOpened = false
        public var companyRegistered = false
        public var vacancyPublished = false
        public var applicationsReceived = false

        public init(profileReady: Bool = false, applied: Bool = false, hired: Bool = false,
                    permitCaseOpened: Bool = false, companyRegistered: Bool = false, vacancyPublished: Bool = false,
                    applicationsReceived: Bool = false) {
            self.profileReady = profileReady
            self.applied = applied
            self.hired = hired
            self.permitCaseOpened = permitCaseOpened
            self.companyRegistered = companyRegistered
            self.vacancyPublished = vacancyPublished
            self.applicationsReceived = applicationsReceived
        }
    }

    public struct Item: Sendable, Equatable {
        public let step: Step
        public let done: Bool
        /// The first step not done: the one to offer as a button.
        public let next: Bool
    }

    /// The checklist for `role`; empty for staff roles, who are not onboarded this way. The permit step appears
    /// only once an offer was accepted (before that there is nothing to open a case for).
    public static func checklist(for role: Role, _ facts: Facts) -> [Item] {
        let steps: [(Step, Bool)]
        switch role {
        case .specialist:
            // Looking is not recorded; the matches were seen once the person applied to one.
            steps = [(.completeProfile, facts.profileReady), (.seeMatches, facts.applied), (.apply, facts.applied)]
                + (facts.hired ? [(.openPermitCase, facts.permitCaseOpened)] : [])
        case .employer:
            steps = [(.registerCompany, facts.companyRegistered), (.postVacancy, facts.vacancyPublished),
                     (.readApplicants, facts.applicationsReceived)]
        default:
            steps = []
        }
        let next = steps.firstIndex { !$0.1 }
        return steps.enumerated().map { index, step in Item(step: step.0, done: step.1, next: index == next) }
    }
}
