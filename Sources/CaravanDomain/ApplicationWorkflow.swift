/// Where a job application stands. Raw values are stored and part of the API.
public enum ApplicationStage: String, CaseIterable, Codable, Sendable {
    /// The employer invited the specialist; nothing of the specialist's contacts is shared yet.
    case invited
    case applied
    case screening
    case interview
    case offer
    case hired
    case rejected
    case withdrawn
    /// The specialist declined an invitation or an offer.
    case declined

    /// The specialist has applied (or accepted an invitation) and the application went on from there: what the
    /// observatory counts as "applied".
    public var hasApplied: Bool { [.applied, .screening, .interview, .offer, .hired].contains(self) }

    /// Open stages can still move; the others are final.
    public var isOpen: Bool {
        switch self {
        case .invited, .applied, .screening, .interview, .offer: true
        case .hired, .rejected, .withdrawn, .declined: false
        }
    }

    /// Whether the employer may see the specialist's contact details: only once they applied or accepted.
    public var sharesContacts: Bool { self != .invited && self != .declined }
}

/// Who is acting on an application.
public enum ApplicationParty: Sendable {
    case specialist
    case employer
}

/// The moves an application can make, and who may make each.
public enum ApplicationWorkflow {
    public struct Refusal: Error, Equatable, Sendable {
        /// The stage the application is in, so the caller can say where it stands.
        public let current: ApplicationStage
        public let attempted: ApplicationStage

        public init(current: ApplicationStage, attempted: ApplicationStage) {
            self.current = current
            self.attempted = attempted
        }
    }

    /// The stage after `party` moves an application from `current` to `target`, or the refusal.
    public static func move(
        from current: ApplicationStage, to target: ApplicationStage, by party: ApplicationParty
    ) -> Result<ApplicationStage, Refusal> {
        allowed(from: current, by: party).contains(target)
            ? .success(target)
            : .failure(Refusal(current: current, attempted: target))
    }

    /// Every stage `party` may move an application in `current` to.
    public static func allowed(from current: ApplicationStage, by party: ApplicationParty) -> Set<ApplicationStage> {
        guard current.isOpen else { return [] }
        switch party {
        case .employer:
            // The employer moves forward one step at a time (an offer carries terms, so it is its own step)
            // and may reject at any open stage, except an invitation the specialist has not answered.
            switch current {
            case .invited: return []
            case .applied: return [.screening, .rejected]
            case .screening: return [.interview, .rejected]
            case .interview: return [.offer, .rejected]
            case .offer: return [.rejected]
            default: return []
            }
        case .specialist:
            switch current {
            case .invited: return [.applied, .declined]
            case .offer: return [.hired, .declined, .withdrawn]
            default: return [.withdrawn]
            }
        }
    }
}

extension ApplicationParty {
    /// The party told about a move: the one who did not make it (the one who did knows already).
    public var other: ApplicationParty {
        switch self {
        case .specialist: .employer
        case .employer: .specialist
        }
    }
}
