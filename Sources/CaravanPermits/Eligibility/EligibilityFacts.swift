/// What is known about one person on a case, as plain values (no strings: evaluation copies none).
/// `nil` means "not known yet" — a check not answered, a document not uploaded — never "no".
public struct PersonFacts: Sendable, Equatable {
    public var birthDate: CalendarDate
    public var passportExpiresOn: CalendarDate?
    /// From the entry-ban check; `nil` until it answers.
    public var entryBan: Bool?
    /// Documents an officer accepted.
    public var documents: DocumentSet
    /// Documents uploaded and waiting for an officer's review (not yet counted as provided).
    public var awaitingReview: DocumentSet

    public init(birthDate: CalendarDate, passportExpiresOn: CalendarDate?, entryBan: Bool?, documents: DocumentSet,
                awaitingReview: DocumentSet = []) {
        self.birthDate = birthDate
        self.passportExpiresOn = passportExpiresOn
        self.entryBan = entryBan
        self.documents = documents
        self.awaitingReview = awaitingReview
    }
}

/// A family member on the principal's case.
public struct FamilyMemberFacts: Sendable, Equatable {
    public var person: PersonFacts
    public var relation: Relation
    /// Whether the member depends on the principal; matters for adult children. `nil` when not stated.
    public var isDependent: Bool?

    public init(person: PersonFacts, relation: Relation, isDependent: Bool? = nil) {
        self.person = person
        self.relation = relation
        self.isDependent = isDependent
    }
}

/// The sponsor's side: the accepted offer and the employer's accreditation.
public struct OfferFacts: Sendable, Equatable {
    /// From the accreditation registry, never uploaded; `nil` until the registry answered.
    public var sponsorAccredited: Bool?
    public var accepted: Bool
    public var monthlySalaryRub: Int?

    public init(sponsorAccredited: Bool?, accepted: Bool, monthlySalaryRub: Int?) {
        self.sponsorAccredited = sponsorAccredited
        self.accepted = accepted
        self.monthlySalaryRub = monthlySalaryRub
    }
}
