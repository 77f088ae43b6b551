import CaravanDomain

/// Something that happens to a case.
public enum CaseEvent: Sendable, Equatable {
    case submit
    case startReview
    case requestInformation
    case resubmit
    /// Approvals take effect at once; a decision that refuses anyone becomes a proposal.
    case decide(CaseDecision)
    case confirmRefusal
    /// Sends a proposed refusal back to review (any officer, the proposer included: withdrawing one's own
    /// proposal needs no second opinion).
    case returnToReview
    case issuePermit
    case registerArrival
    case withdraw
    case cancel(CancellationReason)

    public var kind: CaseEventKind {
        switch self {
        case .submit: .submit
        case .startReview: .startReview
        case .requestInformation: .requestInformation
        case .resubmit: .resubmit
        case .decide: .decide
        case .confirmRefusal: .confirmRefusal
        case .returnToReview: .returnToReview
        case .issuePermit: .issuePermit
        case .registerArrival: .registerArrival
        case .withdraw: .withdraw
        case .cancel: .cancel
        }
    }
}

/// An event without its payload: what the policy and the audit log talk about. Raw values are stored.
public enum CaseEventKind: String, CaseIterable, Codable, Sendable {
    case submit
    case startReview = "start_review"
    case requestInformation = "request_information"
    case resubmit
    case decide
    case confirmRefusal = "confirm_refusal"
    case returnToReview = "return_to_review"
    case issuePermit = "issue_permit"
    case registerArrival = "register_arrival"
    case withdraw
    case cancel

    /// Moves that need a fresh answer from the entry-ban registry: the start of the review, and every move that
    /// makes an approval take effect.
    public var asksEntryBanRegistry: Bool {
        [.startReview, .decide, .confirmRefusal, .issuePermit].contains(self)
    }

    /// Moves the law causes on its own (a lapsed grace period, a lost accreditation); nobody fires them by hand.
    public var isSystemOnly: Bool { self == .cancel }
}

/// Who is acting: the account and its role.
public struct CaseActor: Sendable, Equatable {
    public let id: String
    public let role: Role

    public init(id: String, role: Role) {
        self.id = id
        self.role = role
    }
}
