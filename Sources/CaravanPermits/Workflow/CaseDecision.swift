import CaravanDomain

/// The decision on a case: one verdict per person, because a family is judged together but not as one.
public struct CaseDecision: Sendable, Equatable {
    public enum Verdict: Sendable, Equatable {
        case approved
        /// `ground` is a refusal ground id of the case's rulebook.
        case refused(ground: String)
    }

    public struct PersonVerdict: Sendable, Equatable {
        /// The person's id on the case.
        public let person: String
        public let verdict: Verdict

        public init(person: String, verdict: Verdict) {
            self.person = person
            self.verdict = verdict
        }
    }

    public let verdicts: [PersonVerdict]

    public init(_ verdicts: [PersonVerdict]) {
        self.verdicts = verdicts
    }

    public var refusesAnyone: Bool { verdicts.contains { $0.verdict != .approved } }
    public var approvesAnyone: Bool { verdicts.contains { $0.verdict == .approved } }

    /// Checks the decision against the case before it is proposed: exactly one verdict for every person on it,
    /// and every refusal on a ground the rulebook knows. All problems at once, as field errors.
    public func validate(persons: [String], rulebook: Rulebook) throws(ValidationFailure) {
        var validator = Validator()
        var seen = Set<String>()
        for verdict in verdicts {
            if !persons.contains(verdict.person) {
                validator.add("decision.\(verdict.person)", "decision.unknownPerson")
            } else if !seen.insert(verdict.person).inserted {
                validator.add("decision.\(verdict.person)", "decision.duplicatePerson")
            }
            if case .refused(let ground) = verdict.verdict, rulebook.refusalGround(id: ground) == nil {
                validator.add("decision.\(verdict.person)", "decision.unknownGround", ["ground": ground])
            }
        }
        for person in persons where !seen.contains(person) {
            validator.add("decision.\(person)", "decision.missingVerdict")
        }
        try validator.check()
    }
}
