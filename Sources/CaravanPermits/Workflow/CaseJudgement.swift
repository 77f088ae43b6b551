/// What the rules say about every person on a case at the moment of a move: the report, and the person ids in
/// the report's order (the principal first). The workflow reads it for every move that makes an approval take
/// effect, so no approval can stand on a rule that has not passed.
public struct CaseJudgement: Sendable, Equatable {
    public let report: EligibilityReport
    /// `persons[n]` is the id of the report's person `n`.
    public let persons: [String]

    public init(report: EligibilityReport, persons: [String]) {
        self.report = report
        self.persons = persons
    }

    /// The rules not passed for the person with `id` (empty when all passed); a person not on the case has none
    /// that passed, so it is reported with no rules and counts as blocked.
    public func unpassedRules(of id: String) -> [RuleResult]? {
        guard let index = persons.firstIndex(of: id) else { return nil }
        return report.results(for: index).filter { $0.outcome != .passed }
    }

    /// Whether approving the person is possible now.
    public func mayApprove(_ id: String) -> Bool {
        unpassedRules(of: id)?.isEmpty ?? false
    }

    /// Every approval in `decision` that the rules do not carry, with the rules not passed.
    public func blockedApprovals(in decision: CaseDecision) -> [BlockedApproval] {
        decision.verdicts.compactMap { verdict in
            guard verdict.verdict == .approved else { return nil }
            let rules = unpassedRules(of: verdict.person)
            guard let rules else { return BlockedApproval(person: verdict.person, rules: []) }
            return rules.isEmpty ? nil : BlockedApproval(person: verdict.person, rules: rules)
        }
    }
}

/// A person an officer tried to approve, and the rules that stand in the way.
public struct BlockedApproval: Sendable, Equatable {
    public let person: String
    public let rules: [RuleResult]

    public init(person: String, rules: [RuleResult]) {
        self.person = person
        self.rules = rules
    }
}
