/// One rule's result for one person. `person` 0 is the principal, `n` is `family[n - 1]`; `rule` indexes
/// `Rulebook.rules`. Plain values, so a buffer of them is one allocation however many there are.
public struct RuleResult: Sendable, Equatable {
    public let rule: Int
    public let person: Int
    public let finding: Finding

    public init(rule: Int, person: Int, finding: Finding) {
        self.rule = rule
        self.person = person
        self.finding = finding
    }

    public var outcome: RuleOutcome { finding.outcome }
}

/// Every rule's result for every person on a case, under one rulebook version.
public struct EligibilityReport: Sendable, Equatable {
    /// Recorded on the case: a later rulebook never re-judges it silently.
    public let rulebookVersion: String
    public let personCount: Int
    public let results: [RuleResult]

    public init(rulebookVersion: String, personCount: Int, results: [RuleResult]) {
        self.rulebookVersion = rulebookVersion
        self.personCount = personCount
        self.results = results
    }

    public func results(for person: Int) -> [RuleResult] {
        results.filter { $0.person == person }
    }

    /// The worst outcome of the person's rules (`passed` when no rule applies).
    public func outcome(for person: Int) -> RuleOutcome {
        results.reduce(.passed) { $1.person == person ? max($0, $1.outcome) : $0 }
    }

    /// The case stands or falls with the principal: family members are judged one by one on top of that.
    public var caseOutcome: RuleOutcome { outcome(for: 0) }
}

extension Rulebook {
    /// The full catalogue key of a result: the rule's key and the finding's code.
    public func messageKey(for result: RuleResult) -> String {
        "\(rules[result.rule].messageKey).\(result.finding.code)"
    }
}
