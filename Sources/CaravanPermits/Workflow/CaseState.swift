/// Where a permit case stands, as stored (raw values are part of the API).
public enum CaseStatus: String, CaseIterable, Codable, Sendable {
    case draft
    case submitted
    case inReview = "in_review"
    /// The decision clock is paused until the applicant answers.
    case informationRequested = "information_requested"
    case resubmitted
    /// An officer proposed a decision that refuses someone; it takes effect only when a second officer confirms.
    case refusalProposed = "refusal_proposed"
    case decided
    case permitIssued = "permit_issued"
    case arrivalRegistered = "arrival_registered"
    case withdrawn
    case cancelled
}

/// Why an issued permit was cancelled.
public enum CancellationReason: String, CaseIterable, Codable, Sendable {
    /// No new contract with an accredited company within the grace period.
    case graceLapsed = "grace_lapsed"
    case sponsorLostAccreditation = "sponsor_lost_accreditation"
}

/// The state of a case with what each state must remember.
public enum CaseState: Sendable, Equatable {
    case draft
    case submitted
    case inReview
    case informationRequested
    case resubmitted
    /// `proposedBy` is the officer's account id: the one person who may not confirm it.
    case refusalProposed(CaseDecision, proposedBy: String)
    case decided(CaseDecision)
    case permitIssued(CaseDecision)
    case arrivalRegistered(CaseDecision)
    case withdrawn
    case cancelled(CancellationReason)

    public var status: CaseStatus {
        switch self {
        case .draft: .draft
        case .submitted: .submitted
        case .inReview: .inReview
        case .informationRequested: .informationRequested
        case .resubmitted: .resubmitted
        case .refusalProposed: .refusalProposed
        case .decided: .decided
        case .permitIssued: .permitIssued
        case .arrivalRegistered: .arrivalRegistered
        case .withdrawn: .withdrawn
        case .cancelled: .cancelled
        }
    }

    /// Whether the decision clock runs: from submission until a decision takes effect, except while paused.
    public var clockRuns: Bool {
        switch self {
        case .submitted, .inReview, .resubmitted, .refusalProposed: true
        default: false
        }
    }
}
