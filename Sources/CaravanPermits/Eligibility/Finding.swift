/// The result class of one rule for one person.
public enum RuleOutcome: String, Sendable, Comparable, CaseIterable {
    case passed
    /// Not yet known: a document, a registry answer or a statement is still missing.
    case needsDocument = "needs_document"
    case failed

    /// Ordered by severity, so a person's outcome is the maximum of their rules'.
    public static func < (lhs: RuleOutcome, rhs: RuleOutcome) -> Bool {
        lhs.severity < rhs.severity
    }

    private var severity: Int {
        switch self {
        case .passed: 0
        case .needsDocument: 1
        case .failed: 2
        }
    }
}

/// Why a rule came out the way it did, with the numbers the explanation needs. Plain values only, so a
/// result costs no allocation; the text is made at the edge from `code` and `arguments`.
public enum Finding: Sendable, Equatable {
    case satisfied
    case sponsorNotAccredited
    case sponsorUnchecked
    case offerNotAccepted
    case salaryUnknown
    case salaryBelowMinimum(monthlyRub: Int, minimumRub: Int)
    case passportMissing
    case passportExpiresTooSoon(expiresOn: CalendarDate, monthsLeft: Int, requiredMonths: Int)
    case entryBanned
    case entryBanUnchecked
    case relationNotCovered(Relation)
    /// An adult child who is not dependent.
    case childOverAgeLimit(age: Int, limit: Int)
    /// An adult child whose dependency has not been stated.
    case dependencyNotStated(age: Int, limit: Int)
    /// Documents never uploaded (or rejected and not replaced): the applicant has to act.
    case documentsMissing(first: DocumentKind, count: Int)
    /// Every required document is uploaded; some wait for an officer's review.
    case documentsAwaitingReview(first: DocumentKind, count: Int)

    public var outcome: RuleOutcome {
        switch self {
        case .satisfied:
            .passed
        case .sponsorUnchecked, .salaryUnknown, .passportMissing, .entryBanUnchecked, .dependencyNotStated,
             .documentsMissing, .documentsAwaitingReview:
            .needsDocument
        case .sponsorNotAccredited, .offerNotAccepted, .salaryBelowMinimum, .passportExpiresTooSoon, .entryBanned,
             .relationNotCovered, .childOverAgeLimit:
            .failed
        }
    }

    /// The last part of the message key (`<rule messageKey>.<code>`). Stable: catalogues use these.
    public var code: String {
        switch self {
        case .satisfied: "passed"
        case .sponsorNotAccredited: "notAccredited"
        case .sponsorUnchecked: "unchecked"
        case .offerNotAccepted: "notAccepted"
        case .salaryUnknown: "unknown"
        case .salaryBelowMinimum: "belowMinimum"
        case .passportMissing: "missing"
        case .passportExpiresTooSoon: "expiresTooSoon"
        case .entryBanned: "banned"
        case .entryBanUnchecked: "unchecked"
        case .relationNotCovered: "notCovered"
        case .childOverAgeLimit: "childOverAgeLimit"
        case .dependencyNotStated: "dependencyNotStated"
        case .documentsMissing: "documentsMissing"
        case .documentsAwaitingReview: "documentsAwaitingReview"
        }
    }

    /// The `{placeholders}` of the message, as catalogue arguments (see `MessageCatalog.text`).
    public var arguments: [String: String] {
        switch self {
        case .salaryBelowMinimum(let salary, let minimum): ["salary": String(salary), "minimum": String(minimum)]
        case .passportExpiresTooSoon(let expiry, let left, let required):
            ["expiresOn": expiry.description, "monthsLeft": String(left), "required": String(required)]
        case .relationNotCovered(let relation): ["relation": relation.rawValue]
        case .childOverAgeLimit(let age, let limit), .dependencyNotStated(let age, let limit):
            ["age": String(age), "limit": String(limit)]
        case .documentsMissing(let first, let count), .documentsAwaitingReview(let first, let count):
            ["document": first.rawValue, "count": String(count)]
        default: [:]
        }
    }
}

extension RuleCheck {
    /// Every finding code this check can produce: the catalogue test demands a text for each, in each language.
    public var findingCodes: [String] {
        let codes: [Finding] = switch self {
        case .sponsorAccredited: [.satisfied, .sponsorNotAccredited, .sponsorUnchecked]
        case .offerAccepted: [.satisfied, .offerNotAccepted]
        case .minimumSalary: [.satisfied, .salaryUnknown, .salaryBelowMinimum(monthlyRub: 0, minimumRub: 0)]
        case .passportValidity:
            [.satisfied, .passportMissing, .passportExpiresTooSoon(expiresOn: CalendarDate(year: 2000, month: 1, day: 1)!, monthsLeft: 0, requiredMonths: 0)]
        case .noEntryBan: [.satisfied, .entryBanned, .entryBanUnchecked]
        case .relationEligible:
            [.satisfied, .relationNotCovered(.other), .childOverAgeLimit(age: 0, limit: 0), .dependencyNotStated(age: 0, limit: 0)]
        case .documentsProvided:
            [.satisfied, .documentsMissing(first: .passport, count: 0), .documentsAwaitingReview(first: .passport, count: 0)]
        }
        return codes.map(\.code)
    }
}

extension Rulebook {
    /// Every catalogue key this rulebook's results and refusal grounds can name.
    public var messageKeys: [String] {
        rules.flatMap { rule in rule.check.findingCodes.map { "\(rule.messageKey).\($0)" } }
            + refusalGrounds.map(\.messageKey)
    }
}
