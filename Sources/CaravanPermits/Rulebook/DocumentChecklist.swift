/// Where one line of a person's document checklist stands.
public enum ChecklistState: String, Sendable, CaseIterable, Codable {
    /// Nothing uploaded (or only replaced files).
    case missing
    /// Uploaded; an officer has not reviewed it yet.
    case awaitingReview = "awaiting_review"
    case accepted
    /// An officer rejected it, with a reason; the applicant replaces it.
    case rejected

    /// Whether the applicant still has to upload something for this line.
    public var needsUpload: Bool { self == .missing || self == .rejected }
}

/// A person's documents still to upload before a case can be submitted.
public struct MissingDocuments: Sendable, Equatable {
    public let person: String
    public let kinds: [DocumentKind]

    public init(person: String, kinds: [DocumentKind]) {
        self.person = person
        self.kinds = kinds
    }
}

extension Rulebook {
    /// What a person may upload: their checklist, and the documents a dependent relative would add (a child's
    /// proof of dependency is uploaded before anyone has said the child is dependent).
    public func uploadable(relation: Relation?) -> DocumentSet {
        checklist(relation: relation, isDependent: relation != nil)
    }

    /// Every person whose required documents are not all uploaded (accepted or awaiting review), in case order.
    /// `uploaded(id)` says which kinds are uploaded and not rejected for the person `id`.
    public func missingBeforeSubmission(
        persons: [(id: String, relation: Relation?)], uploaded: (String) -> DocumentSet
    ) -> [MissingDocuments] {
        persons.compactMap { person in
            let missing = checklist(relation: person.relation).subtracting(uploaded(person.id))
            return missing.isEmpty ? nil : MissingDocuments(person: person.id, kinds: missing.kinds)
        }
    }
}
