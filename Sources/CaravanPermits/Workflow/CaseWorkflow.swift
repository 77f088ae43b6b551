import CaravanDomain

/// A move the workflow refused, with the state the case is in so the caller can say where it stands (409).
public struct TransitionError: Error, Sendable, Equatable {
    public enum Reason: Sendable, Equatable {
        /// The event is not possible in the current state.
        case notAllowedInState
        case roleNotPermitted(Role)
        /// The officer who proposed a refusal tried to confirm it.
        case sameOfficer
        case emptyDecision
        /// A permit for a case where everyone was refused.
        case nothingApproved
        /// An approval whose person has a rule that has not passed (or no judgement was given at all).
        case approvalBlocked([BlockedApproval])
    }

    public let current: CaseState
    public let event: CaseEventKind
    public let reason: Reason

    public init(current: CaseState, event: CaseEventKind, reason: Reason) {
        self.current = current
        self.event = event
        self.reason = reason
    }
}

/// The permit case state machine: a pure function from state, event and actor to the next state.
public enum CaseWorkflow {
    ///
    /// `judged` is what the rules say about every person now. Every move that makes an approval take effect
    /// (a decision approving everyone, a confirmed refusal that approves the others, the permit's issue) is refused
    /// unless each approved person's rules all passed; without a judgement no approval takes effect at all.
    public static func transition(
        from state: CaseState, event: CaseEvent, actor: CaseActor, judged: CaseJudgement? = nil
    ) -> Result<CaseState, TransitionError> {
        func refuse(_ reason: TransitionError.Reason) -> Result<CaseState, TransitionError> {
            .failure(TransitionError(current: state, event: event.kind, reason: reason))
        }
        /// The approvals of `decision` that the rules do not carry.
        func blocked(_ decision: CaseDecision) -> [BlockedApproval] {
            guard let judged else {
                return decision.verdicts.filter { $0.verdict == .approved }.map { BlockedApproval(person: $0.person, rules: []) }
            }
            return judged.blockedApprovals(in: decision)
        }
        guard CasePolicy.mayFire(event.kind, role: actor.role) else { return refuse(.roleNotPermitted(actor.role)) }

        switch (state, event) {
        case (.draft, .submit):
            return .success(.submitted)
        case (.submitted, .startReview), (.resubmitted, .startReview):
            return .success(.inReview)
        case (.inReview, .requestInformation), (.resubmitted, .requestInformation):
            return .success(.informationRequested)
        case (.informationRequested, .resubmit):
            return .success(.resubmitted)
        case (.inReview, .decide(let decision)), (.resubmitted, .decide(let decision)):
            guard !decision.verdicts.isEmpty else { return refuse(.emptyDecision) }
            let blockers = blocked(decision)
            guard blockers.isEmpty else { return refuse(.approvalBlocked(blockers)) }
            return .success(decision.refusesAnyone ? .refusalProposed(decision, proposedBy: actor.id) : .decided(decision))
        case (.refusalProposed(let decision, let proposer), .confirmRefusal):
            guard proposer != actor.id else { return refuse(.sameOfficer) }
            let blockers = blocked(decision)
            guard blockers.isEmpty else { return refuse(.approvalBlocked(blockers)) }
            return .success(.decided(decision))
        case (.refusalProposed, .returnToReview), (.decided, .returnToReview):
            // A decision not yet carried out by a permit can be reopened when the facts changed (a ban filed since).
            return .success(.inReview)
        case (.decided(let decision), .issuePermit):
            guard decision.approvesAnyone else { return refuse(.nothingApproved) }
            let blockers = blocked(decision)
            guard blockers.isEmpty else { return refuse(.approvalBlocked(blockers)) }
            return .success(.permitIssued(decision))
        case (.permitIssued(let decision), .registerArrival):
            return .success(.arrivalRegistered(decision))
        case (.draft, .withdraw), (.submitted, .withdraw), (.inReview, .withdraw), (.informationRequested, .withdraw),
             (.resubmitted, .withdraw), (.refusalProposed, .withdraw):
            // Until a decision takes effect the application can be withdrawn; a proposed refusal is not yet one.
            return .success(.withdrawn)
        case (.permitIssued, .cancel(let reason)), (.arrivalRegistered, .cancel(let reason)):
            return .success(.cancelled(reason))
        default:
            return refuse(.notAllowedInState)
        }
    }

    /// Whether the move is possible in this state for this actor, leaving the rules aside (as if every rule for
    /// every person had passed): what a caller asks before gathering the facts the move will be judged on.
    public static func isPossible(_ event: CaseEvent, from state: CaseState, actor: CaseActor, persons: [String]) -> Bool {
        let unblocked = CaseJudgement(report: EligibilityReport(rulebookVersion: "", personCount: persons.count, results: []), persons: persons)
        return (try? transition(from: state, event: event, actor: actor, judged: unblocked).get()) != nil
    }

    /// The events `actor` could fire now, for the buttons a page shows. Payload-free events are tried as they
    /// are, against `judged`; `decide` with a refusal (always open to an officer in review: approvals are judged
    /// person by person on the form). Moves only the system makes (a cancellation) are no button.
    public static func availableEvents(in state: CaseState, for actor: CaseActor, judged: CaseJudgement? = nil) -> [CaseEventKind] {
        let samples: [CaseEvent] = [
            .submit, .startReview, .requestInformation, .resubmit,
            .decide(CaseDecision([.init(person: "-", verdict: .refused(ground: "-"))])), .confirmRefusal, .returnToReview,
            .issuePermit, .registerArrival, .withdraw,
        ]
        return samples.filter { !$0.kind.isSystemOnly && (try? transition(from: state, event: $0, actor: actor, judged: judged).get()) != nil }
            .map(\.kind)
    }
}
