import CaravanDomain
import CaravanPermits
import Fluent
import Foundation
import Vapor

/// A move on a case as a page form or an API body states it, before any check: both doors hand this to
/// `PermitService.event(from:)`, so the same mistake gets the same error whichever door it came through.
struct CaseEventRequest: Sendable {
    struct Verdict: Sendable {
        var person: String
        /// `approved` or `refused`.
        var verdict: String
        var ground: String?
    }

    var event: String
    var message: String?
    var verdicts: [Verdict] = []
}

extension PermitService {
    /// The longest message on a move (a request for information, an answer).
    static let maximumMessageLength = 2000
    /// The longest refusal ground id a verdict may carry.
    static let maximumGroundLength = 100

    /// `p0` (the principal), `p1`… `p99`: the form a person on a case is named by.
    static func isPersonID(_ id: String) -> Bool {
        let digits = id.utf8.dropFirst()
        return id.utf8.first == UInt8(ascii: "p") && (1...2).contains(digits.count) && digits.allSatisfy { (48...57).contains($0) }
    }

    /// Reads a move: the event by name, a message where the move needs one (a request for information says
    /// what is needed; an answer says something), the verdicts of a decision. All problems at once, as 422.
    func event(from request: CaseEventRequest) throws -> (CaseEvent, message: String?) {
        var validator = Validator()
        let message = request.message.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.flatMap { $0.isEmpty ? nil : $0 }
        if let message, message.count > Self.maximumMessageLength {
            validator.add("message", "text.tooLong", ["max": String(Self.maximumMessageLength)])
        }
        guard let kind = CaseEventKind(rawValue: request.event), !kind.isSystemOnly else {
            let code = request.event.isEmpty ? "field.required" : CaseEventKind(rawValue: request.event) == nil ? "permit.eventUnknown" : "permit.eventSystemOnly"
            validator.add("event", code)
            throw AppError.validation(ValidationFailure(validator.errors))
        }
        if [.requestInformation, .resubmit].contains(kind), message == nil { validator.add("message", "permit.messageRequired.\(kind.rawValue)") }
        // Whatever the move, what is sent must be well formed: a person is `p0`…`p99`, a ground an id of at
        // most 100 characters (the contract's limits, enforced whether or not the move reads them).
        for (index, verdict) in request.verdicts.enumerated() {
            if !Self.isPersonID(verdict.person) { validator.add("decision.\(index).person", "decision.unknownPerson") }
            if let ground = verdict.ground, ground.count > Self.maximumGroundLength {
                validator.add("decision.\(index).ground", "text.tooLong", ["max": String(Self.maximumGroundLength)])
            }
        }
        var verdicts: [CaseDecision.PersonVerdict] = []
        if kind == .decide {
            for verdict in request.verdicts {
                switch verdict.verdict {
                case "approved": verdicts.append(.init(person: verdict.person, verdict: .approved))
                case "refused": verdicts.append(.init(person: verdict.person, verdict: .refused(ground: verdict.ground ?? "")))
                case "": continue // no verdict chosen: the decision's own check names the person
                default: validator.add("decision.\(verdict.person)", "decision.unknownVerdict")
                }
            }
        }
        do { try validator.check() } catch { throw AppError.validation(error) }
        let event: CaseEvent = switch kind {
        case .submit: .submit
        case .startReview: .startReview
        case .requestInformation: .requestInformation
        case .resubmit: .resubmit
        case .decide: .decide(CaseDecision(verdicts))
        case .confirmRefusal: .confirmRefusal
        case .returnToReview: .returnToReview
        case .issuePermit: .issuePermit
        case .registerArrival: .registerArrival
        case .withdraw: .withdraw
        // Refused above; the system cancels, for the reason the law gives.
        case .cancel: throw AppError.validation(ValidationFailure(field: "event", code: "permit.eventSystemOnly"))
        }
        return (event, message.map { String($0.prefix(Self.maximumMessageLength)) })
    }

    /// Fires `event` on the case for `user`. Who may comes first; then what the move needs (every document
    /// uploaded before submitting; a fresh entry-ban check when the review starts and at every step that makes
    /// an approval take effect); then the workflow, judging approvals by the rules as they stand. A refused move,
    /// or one that lost a race, is 409 naming the current status; nothing is half-saved.
    func fire(_ event: CaseEvent, on permitCase: PermitCase, as viewer: CaseViewer, by user: User, message: String? = nil) async throws -> PermitCase {
        guard let role = user.domainRole else { throw AppError.forbidden }
        let actor = CaseActor(id: try user.requireID().uuidString.lowercased(), role: role)
        // Who may act comes before what they sent: an applicant's "decision" is refused, not corrected.
        guard CasePolicy.mayFire(event.kind, role: role) else { throw AppError.forbidden }
        if case .decide(let decision) = event, let rulebook = app.permitRegistry.rulebooks[permitCase.rulebookVersion] {
            do { try decision.validate(persons: permitCase.persons.map(\.id), rulebook: rulebook) } catch { throw AppError.validation(error) }
        }
        if event.kind == .submit { try await requireDocumentsUploaded(permitCase) }
        // The registry is asked when the move itself is possible: its answer is a fact the move is judged on.
        if event.kind.asksEntryBanRegistry,
           CaseWorkflow.isPossible(event, from: permitCase.state, actor: actor, persons: permitCase.persons.map(\.id)) {
            try await checkEntryBans(on: permitCase, as: viewer, by: user)
        }
        let judged = try await judgement(of: permitCase)
        let next: CaseState
        switch CaseWorkflow.transition(from: permitCase.state, event: event, actor: actor, judged: judged) {
        case .success(let state): next = state
        case .failure(let error):
            switch error.reason {
            case .roleNotPermitted: throw AppError.forbidden
            case .sameOfficer: throw AppError.conflict(code: "permit-same-officer")
            case .approvalBlocked(let blocked): throw AppError.approvalBlocked(try blockedLines(blocked, in: permitCase))
            case .notAllowedInState, .emptyDecision, .nothingApproved:
                throw AppError.stageConflict(current: "permit.\(permitCase.status(for: viewer).rawValue)")
            }
        }
        let shownBefore = (principal: permitCase.status(for: .principal), sponsor: permitCase.status(for: .sponsor))
        let today = self.today
        // A proposed refusal and its withdrawal are officers' steps, named so in the history (and kept from the others).
        let step = switch (permitCase.caseStatus, next.status) {
        case (_, .refusalProposed): Self.proposalStep
        case (.refusalProposed, .inReview): Self.withdrawnProposalStep
        default: event.kind.rawValue
        }
        permitCase.store(next)
        permitCase.history.append(.init(event: step, by: role.rawValue, at: now, message: message))
        switch event.kind {
        case .submit: permitCase.submittedOn = today.description
        case .requestInformation: permitCase.pauses.append(.init(requestedOn: today.description, answeredOn: nil))
        case .resubmit:
            if let last = permitCase.pauses.indices.last { permitCase.pauses[last].answeredOn = today.description }
        case .issuePermit:
            let issued = try app.permitRegistry.signer.issue(permitCase, on: today)
            permitCase.permitNumber = issued.number
            permitCase.permitIssuedOn = today.description
            permitCase.permitSignature = issued.signature
        default: break
        }
        let caseID = try permitCase.requireID()
        let payload = Self.auditPayload(event, permitCase)
        try await commit(permitCase, as: viewer) { db in
            try await AuditLog(now: app.dependencies.now).append(AuditEntry(
                actor: AuditEntry.user(user.id), action: "permit.\(event.kind.rawValue)", subject: Self.subject(caseID), payload: payload
            ), on: db)
            try await announce(permitCase, by: role, shownBefore: shownBefore, on: db)
        }
        await app.outbox.sweep(app: app, on: database)
        return permitCase
    }

    static let proposalStep = "propose_refusal"
    static let withdrawnProposalStep = "withdraw_proposal"

    /// The history steps `viewer` may read: officers' internal steps stay with the officers.
    static func history(of permitCase: PermitCase, for viewer: CaseViewer) -> [PermitCase.Step] {
        viewer == .officer ? permitCase.history : permitCase.history.filter { ![proposalStep, withdrawnProposalStep].contains($0.event) }
    }

    /// The blocked approvals as the people and rules a reader needs.
    private func blockedLines(_ blocked: [BlockedApproval], in permitCase: PermitCase) throws -> [AppError.BlockedRule] {
        guard let rulebook = app.permitRegistry.rulebooks[permitCase.rulebookVersion] else { throw AppError.conflict(code: "permit-rulebook-missing") }
        return blocked.flatMap { approval in
            let name = permitCase.persons.first { $0.id == approval.person }?.name ?? approval.person
            guard !approval.rules.isEmpty else {
                return [AppError.BlockedRule(person: approval.person, name: name, rule: "person", key: "decision.unknownPerson", arguments: [:])]
            }
            return approval.rules.map {
                AppError.BlockedRule(person: approval.person, name: name, rule: rulebook.rules[$0.rule].id,
                                     key: rulebook.messageKey(for: $0), arguments: $0.finding.arguments)
            }
        }
    }

    /// Submitting needs every required document uploaded for every person (accepted or awaiting review):
    /// otherwise 422 listing what is missing, person by person.
    func requireDocumentsUploaded(_ permitCase: PermitCase) async throws {
        let missing = try await missingBeforeSubmission(permitCase)
        guard missing.isEmpty else { throw AppError.validation(ValidationFailure(missing)) }
    }

    /// What is still to upload before the case can be submitted, one field error per person (`documents.p1`).
    func missingBeforeSubmission(_ permitCase: PermitCase, files: [PermitDocumentFile]? = nil) async throws -> [FieldError] {
        guard let rulebook = app.permitRegistry.rulebooks[permitCase.rulebookVersion] else { throw AppError.conflict(code: "permit-rulebook-missing") }
        let files = if let files { files } else { try await documents(of: permitCase) }
        let missing = rulebook.missingBeforeSubmission(persons: permitCase.persons.map { ($0.id, Self.relation(of: $0)) }) { person in
            DocumentSet(files.filter { $0.person == person && !$0.checklistState.needsUpload }.compactMap { DocumentKind(rawValue: $0.kind) })
        }
        return missing.map { line in
            FieldError(field: "documents.\(line.person)", code: "permit.documentsMissing", arguments: [
                "person": permitCase.persons.first { $0.id == line.person }?.name ?? line.person,
                "documents": line.kinds.map(\.rawValue).joined(separator: ","),
            ])
        }
    }

    /// The relation the rulebook knows a person by (nil for the principal).
    static func relation(of person: PermitCase.Person) -> CaravanPermits.Relation? {
        person.id == "p0" ? nil : CaravanPermits.Relation(rawValue: person.relation) ?? .other
    }

    static func auditPayload(_ event: CaseEvent, _ permitCase: PermitCase) -> [String: String] {
        var payload = ["status": permitCase.status, "rulebook": permitCase.rulebookVersion]
        if case .decide(let decision) = event {
            for verdict in decision.verdicts {
                switch verdict.verdict {
                case .approved: payload[verdict.person] = "approved"
                case .refused(let ground): payload[verdict.person] = "refused:\(ground)"
                }
            }
        }
        if let number = permitCase.permitNumber, event.kind == .issuePermit { payload["permit"] = number }
        return payload
    }

    /// The applicant and the sponsor hear of a step when the status they are shown changes: a proposed refusal
    /// is "in review" to them, so they hear of it only once a second officer confirms it.
    private func announce(_ permitCase: PermitCase, by role: Role, shownBefore: (principal: CaseStatus, sponsor: CaseStatus),
                          on db: any Database) async throws {
        let notifications = NotificationService(app: app, database: db)
        let sponsor = try await Company.find(permitCase.$sponsor.id, on: db)
        let link = SiteURL.permitCase(try permitCase.requireID()).path
        let principalStatus = permitCase.status(for: .principal)
        if role != .specialist, principalStatus != shownBefore.principal {
            try await notifications.notify([permitCase.$principal.id], kind: "notice.permit.\(principalStatus.rawValue)",
                                           arguments: ["number": permitCase.permitNumber ?? "", "company": sponsor?.legalName ?? ""], link: link)
        }
        let sponsorStatus = permitCase.status(for: .sponsor)
        if role != .employer, sponsorStatus != shownBefore.sponsor {
            let members = try await CompanyMember.query(on: db).filter(\.$company.$id == permitCase.$sponsor.id).all().map { $0.$user.id }
            try await notifications.notify(members, kind: "notice.permit.sponsor", arguments: [
                "status": sponsorStatus.rawValue, "person": permitCase.persons.first?.name ?? "", "number": permitCase.permitNumber ?? "",
            ], link: link)
        }
    }

    /// Cancels every issued permit a sponsor holds, because the law does (the rule acts, not a person: the audit
    /// actor is `system`). Call inside the transaction of the change that causes it.
    func cancelPermits(sponsoredBy companyID: UUID, reason: CancellationReason) async throws {
        let issued = try await PermitCase.query(on: database).filter(\.$sponsor.$id == companyID).all().filter(\.caseStatus.holdsPermit)
        for permitCase in issued { try await cancel(permitCase, reason: reason) }
    }

    /// Cancels one issued permit as the system's act (the law, not a person), audited, the holder told why.
    /// Goes through the revision check like every other write to a case.
    func cancel(_ permitCase: PermitCase, reason: CancellationReason) async throws {
        let system = CaseActor(id: "system", role: .migrationOfficer)
        guard case .success(let next) = CaseWorkflow.transition(from: permitCase.state, event: .cancel(reason), actor: system) else { return }
        permitCase.store(next)
        permitCase.history.append(.init(event: "cancel", by: "system", at: now, message: nil))
        let caseID = try permitCase.requireID()
        try await commit(permitCase, as: .officer) { db in
            try await AuditLog(now: app.dependencies.now).append(AuditEntry(
                actor: "system", action: "permit.cancel", subject: Self.subject(caseID),
                payload: ["reason": reason.rawValue, "permit": permitCase.permitNumber ?? ""]
            ), on: db)
            try await NotificationService(app: app, database: db).notify(
                [permitCase.$principal.id], kind: "notice.permit.cancelled.\(reason.rawValue)",
                arguments: ["number": permitCase.permitNumber ?? ""], link: SiteURL.permitCase(caseID).path
            )
        }
    }
}
