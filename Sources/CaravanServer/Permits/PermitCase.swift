import CaravanDomain
import CaravanPermits
import Fluent
import Foundation

/// A fast-track residence-permit case: the principal (a specialist with an accepted offer), the family on it,
/// the sponsor (the offer's company), the state of the workflow and the clock's history. Storage only.
final class PermitCase: Model, @unchecked Sendable {
    static let schema = "permit_cases"

    /// A person on the case. `id` is `p0` for the principal, `p1`… for family members; stable within the case.
    /// The name, birth date and passport are stored sealed (`Sealed`); in memory they are plain.
    struct Person: Codable, Hashable, Sendable {
        var id: String
        @Sealed var name: String
        /// `principal`, or a `Relation` raw value.
        var relation: String
        /// `yyyy-MM-dd`.
        @Sealed var birthDate: String
        var citizenship: String
        @Sealed var passportExpiresOn: String?
        /// `DocumentKind` raw values an officer has accepted for this person.
        var documents: [String]
        /// As the officer read it off the accepted passport (never logged, never in an audit payload).
        @Sealed var passportNumber: String? = nil
        /// The last entry-ban check's answer (when an officer started the review, and again at the decision).
        var entryBanCheck: EntryBanCheck? = nil
    }

    struct Step: Codable, Hashable, Sendable {
        /// A `CaseEventKind` raw value, or `opened`.
        var event: String
        /// `specialist`, `migration_officer`, `employer`.
        var by: String
        var at: Date
        var message: String?
    }

    struct Verdict: Codable, Hashable, Sendable {
        var person: String
        /// `approved` or `refused`.
        var verdict: String
        var ground: String?
    }

    struct Pause: Codable, Hashable, Sendable {
        /// `yyyy-MM-dd`.
        var requestedOn: String
        var answeredOn: String?
    }

    @ID(key: .id) var id: UUID?
    @Parent(key: "principal_id") var principal: User
    @Field(key: "application_id") var applicationID: UUID
    @Parent(key: "sponsor_id") var sponsor: Company
    /// `CaseStatus.rawValue`.
    @Field(key: "status") var status: String
    @Field(key: "decision") var decision: [Verdict]
    /// The officer who proposed a refusal (the one person who may not confirm it).
    @OptionalField(key: "proposed_by") var proposedBy: String?
    /// The rulebook the case is judged under, for good: a later version never re-judges it.
    @Field(key: "rulebook_version") var rulebookVersion: String
    @Field(key: "persons") var persons: [Person]
    @Field(key: "history") var history: [Step]
    @OptionalField(key: "submitted_on") var submittedOn: String?
    @Field(key: "pauses") var pauses: [Pause]
    @OptionalField(key: "permit_number") var permitNumber: String?
    @OptionalField(key: "permit_issued_on") var permitIssuedOn: String?
    /// Base64 Ed25519 signature over `PermitDocument.payload`.
    @OptionalField(key: "permit_signature") var permitSignature: String?
    /// The last day of the holder's contract, as the sponsor reported it (`yyyy-MM-dd`): the grace clock runs from it.
    @OptionalField(key: "contract_ended_on") var contractEndedOn: String?
    /// The start of a new contract with an accredited company, which stops the grace clock.
    @OptionalField(key: "new_contract_on") var newContractOn: String?
    /// The smallest warning threshold (working days left) the holder has been told of.
    @OptionalField(key: "grace_warned") var graceWarned: Int?
    /// The officer who has taken the case (nil: in the common queue).
    @OptionalField(key: "assigned_to") var assignedTo: UUID?
    /// Bumped by every move: two officers acting at once cannot both win.
    @Field(key: "revision") var revision: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    var caseStatus: CaseStatus { CaseStatus(rawValue: status) ?? .draft }

    /// The status as `viewer` is told it (a proposed refusal is "in review" to the applicant and the sponsor).
    func status(for viewer: CaseViewer) -> CaseStatus { caseStatus.shown(to: viewer) }

    var caseDecision: CaseDecision {
        CaseDecision(decision.map {
            .init(person: $0.person, verdict: $0.verdict == "approved" ? .approved : .refused(ground: $0.ground ?? ""))
        })
    }

    /// The workflow's state, rebuilt from the stored columns.
    var state: CaseState {
        switch caseStatus {
        case .draft: .draft
        case .submitted: .submitted
        case .inReview: .inReview
        case .informationRequested: .informationRequested
        case .resubmitted: .resubmitted
        case .refusalProposed: .refusalProposed(caseDecision, proposedBy: proposedBy ?? "")
        case .decided: .decided(caseDecision)
        case .permitIssued: .permitIssued(caseDecision)
        case .arrivalRegistered: .arrivalRegistered(caseDecision)
        case .withdrawn: .withdrawn
        case .cancelled: .cancelled(.graceLapsed)
        }
    }

    func store(_ state: CaseState) {
        status = state.status.rawValue
        switch state {
        case .refusalProposed(let decision, let proposer):
            self.decision = Self.verdicts(decision)
            proposedBy = proposer
        case .decided(let decision), .permitIssued(let decision), .arrivalRegistered(let decision):
            self.decision = Self.verdicts(decision)
        case .inReview:
            // Back to review (a proposal withdrawn): no decision stands.
            decision = []
            proposedBy = nil
        default:
            break
        }
    }

    static func verdicts(_ decision: CaseDecision) -> [Verdict] {
        decision.verdicts.map {
            switch $0.verdict {
            case .approved: Verdict(person: $0.person, verdict: "approved", ground: nil)
            case .refused(let ground): Verdict(person: $0.person, verdict: "refused", ground: ground)
            }
        }
    }
}

extension PermitCase: SealsPersonalData {
    func sealPersonalData(with keyring: DataKeyring) throws {
        guard let persons = $persons.value, persons.contains(where: \.needsSealing) else { return }
        self.persons = try persons.map { try $0.sealed(with: keyring) }
    }
}

extension PermitCase.Person {
    var needsSealing: Bool {
        _name.needsSealing || _birthDate.needsSealing || _passportExpiresOn.needsSealing || _passportNumber.needsSealing
    }

    func sealed(with keyring: DataKeyring) throws -> PermitCase.Person {
        var copy = self
        copy._name = try _name.sealed(with: keyring)
        copy._birthDate = try _birthDate.sealed(with: keyring)
        copy._passportExpiresOn = try _passportExpiresOn.sealed(with: keyring)
        copy._passportNumber = try _passportNumber.sealed(with: keyring)
        return copy
    }
}

struct CreatePermitCase: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(PermitCase.schema)
            .id()
            .field("principal_id", .uuid, .required, .references(User.schema, .id, onDelete: .cascade))
            .field("application_id", .uuid, .required)
            .field("sponsor_id", .uuid, .required, .references(Company.schema, .id, onDelete: .restrict))
            .field("status", .string, .required)
            .field("decision", .array(of: .json), .required)
            .field("proposed_by", .string)
            .field("rulebook_version", .string, .required)
            .field("persons", .array(of: .json), .required)
            .field("history", .array(of: .json), .required)
            .field("submitted_on", .string)
            .field("pauses", .array(of: .json), .required)
            .field("permit_number", .string)
            .field("permit_issued_on", .string)
            .field("permit_signature", .string)
            .field("revision", .int, .required)
            .field("created_at", .datetime)
            // One case per accepted offer.
            .unique(on: "application_id")
            .unique(on: "permit_number")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(PermitCase.schema).delete()
    }
}
