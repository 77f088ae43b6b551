import CaravanDomain
import CaravanPermits
import Fluent
import Foundation
import Vapor

/// The case page: what the applicant, the officers and the sponsor each may see of one case.
extension PermitPages {
    struct RuleLine: Encodable {
        let outcome: String
        let text: String
        let reference: String
    }

    /// A form that was refused, as sent: which one (`review:<document>`, `event:<event>`, `contractEnd`,
    /// `persons:add`, `persons:birthDate:<person>`, `upload:<person>`), its values and its errors by field.
    struct RefusedForm: Sendable {
        let key: String
        let values: [String: String]
        let errors: [String: String]
        let messages: [String]
    }

    /// What one form shows again: the values typed, each field's error, and every message of the refusal.
    struct FormEcho: Encodable {
        var values: [String: String] = [:]
        var errors: [String: String] = [:]
        var messages: [String] = []
    }

    struct DocumentRow: Encodable {
        let kind: String
        let label: String
        /// A `ChecklistState` raw value.
        let state: String
        let stateLabel: String
        let reason: String?
        let viewURL: String?
        let reviewAction: String?
        let isPassport: Bool
        let passportNumber: String?
        /// The document's id, naming its review form's fields.
        let fileID: String
        var echo = FormEcho()
    }

    struct PersonView: Encodable {
        let id: String
        let name: String
        let relation: String
        let birthDate: String
        let birthDateValue: String
        let citizenship: String
        let outcome: String
        let outcomeLabel: String
        let rules: [RuleLine]
        let documents: [DocumentRow]
        let kinds: [AuthPages.Choice]
        /// Whether an officer could approve this person now; when not, the rules in the way.
        let mayApprove: Bool
        let blockers: [String]
        let entryBan: String?
        let stillToUpload: Int
        var birthDateEcho = FormEcho()
        var uploadEcho = FormEcho()
    }

    struct ActionView: Encodable {
        let event: String
        let label: String
        let messageLabel: String
        var echo = FormEcho()
    }

    struct CasePage: Encodable {
        let layout: PageLayout
        let id: String
        let title: String
        let status: String
        let statusLabel: String
        let rulebook: String
        let expected: String?
        let clockNote: String?
        let persons: [PersonView]
        let history: [String]
        let actions: [ActionView]
        let action: String
        let grounds: [AuthPages.Choice]
        let showPersons: Bool
        let permitNumber: String?
        let permitURL: String?
        let verifyURL: String?
        let informationRequest: String?
        let notice: String?
        let uploadAction: String
        let mayUpload: Bool
        let mayReview: Bool
        let mayEditPersons: Bool
        let personsAction: String
        let relations: [AuthPages.Choice]
        let countries: [AuthPages.Choice]
        let grace: String?
        let contractEndAction: String?
        let assignment: String?
        let assignAction: String?
        let mayTake: Bool
        let mayRelease: Bool
        let missingBeforeSubmit: [String]
        var contractEndEcho = FormEcho()
        var addPersonEcho = FormEcho()
    }

    func show(req: Request) async throws -> Response {
        let user = try req.auth.require(User.self)
        guard let id = req.parameters.get("caseID", as: UUID.self) else { throw AppError.notFound }
        // The queue's links say so: an officer reading from the queue, not from a case they were sent.
        let context: DataAccess.Context = (try? req.query.get(String.self, at: "from")) == "queue" ? .officerQueue : .permitCase
        let (permitCase, viewer) = try await req.permits.read(id, by: user, from: context)
        return try await render(req, permitCase, viewer: viewer, user: user)
    }

    /// The page, fresh from the database (after a refused form the case in memory may hold the refused change).
    func render(_ req: Request, _ stale: PermitCase, viewer: CaseViewer, user: User, status: HTTPStatus = .ok, problem: String? = nil,
                refused: RefusedForm? = nil) async throws -> Response {
        func echo(_ key: String) -> FormEcho {
            guard let refused, refused.key == key else { return FormEcho() }
            return FormEcho(values: refused.values.mapValues { String($0.prefix(2000)) }, errors: refused.errors, messages: refused.messages)
        }
        let service = req.permits
        let (permitCase, _) = try await service.visible(try stale.requireID(), to: user)
        // The documents are read once, for the rules, the checklist and what is still to upload.
        let files = try await service.documents(of: permitCase)
        let (report, rulebook) = try await service.eligibility(of: permitCase, files: files)
        let judged = CaseJudgement(report: report, persons: permitCase.persons.map(\.id))
        let clock = service.clock(of: permitCase)
        let id = try permitCase.requireID()
        let seesPersons = CasePolicy.maySeePersons(viewer)
        let checklist = CasePolicy.maySeeDocuments(viewer) ? try await service.checklist(of: permitCase, files: files) : [:]
        let mayReview = viewer == .officer && permitCase.caseStatus.acceptsReviews
        let language = req.language.rawValue
        let persons = permitCase.persons.enumerated().map { index, person in
            let outcome = report.outcome(for: index)
            let lines = report.results(for: index).map { result in
                RuleLine(outcome: result.outcome.rawValue, text: req.text(rulebook.messageKey(for: result), result.finding.arguments),
                         reference: rulebook.rules[result.rule].legalReference.text(in: language))
            }
            let rows = (checklist[person.id] ?? []).map { line in
                let fileID = line.file?.id?.uuidString.lowercased() ?? ""
                return DocumentRow(
                    kind: line.kind.rawValue, label: req.t("document.\(line.kind.rawValue)"), state: line.state.rawValue,
                    stateLabel: req.t("permit.document.\(line.state.rawValue)"), reason: line.state == .rejected ? line.file?.reason : nil,
                    viewURL: line.file?.id.map { SiteURL.permitDocument(id, $0).path },
                    reviewAction: mayReview && line.state == .awaitingReview ? line.file?.id.map { SiteURL.permitDocumentReview(id, $0).path } : nil,
                    isPassport: line.kind == .passport, passportNumber: line.kind == .passport && viewer == .officer ? person.passportNumber : nil,
                    fileID: fileID, echo: fileID.isEmpty ? FormEcho() : echo("review:\(fileID)")
                )
            }
            let uploadable = rulebook.uploadable(relation: PermitService.relation(of: person)).kinds
            let check = person.entryBanCheck
            return PersonView(
                id: person.id, name: person.name, relation: req.t(index == 0 ? "permit.principal" : "relation.\(person.relation)"),
                birthDate: req.date(person.birthDate), birthDateValue: person.birthDate,
                citizenship: CountryCode(rawValue: person.citizenship)?.name(in: req.language) ?? person.citizenship,
                outcome: outcome.rawValue, outcomeLabel: req.t("permit.outcome.\(outcome.rawValue)"), rules: lines, documents: rows,
                kinds: uploadable.map { AuthPages.Choice(value: $0.rawValue, label: req.t("document.\($0.rawValue)"), selected: false) },
                mayApprove: judged.mayApprove(person.id),
                blockers: (judged.unpassedRules(of: person.id) ?? []).map { req.text(rulebook.messageKey(for: $0), $0.finding.arguments) },
                entryBan: viewer == .officer ? check.map {
                    req.text("permit.entryBan.\($0.result.rawValue)", ["checkedOn": $0.checkedOn.description, "basis": $0.legalBasis ?? ""])
                } : nil,
                stillToUpload: rows.filter { ChecklistState(rawValue: $0.state)?.needsUpload ?? false }.count,
                birthDateEcho: echo("persons:birthDate:\(person.id)"), uploadEcho: echo("upload:\(person.id)")
            )
        }
        // A proposed refusal and its withdrawal are officers' steps: the applicant and the sponsor do not see them.
        let history = PermitService.history(of: permitCase, for: viewer).map { step in
                "\(req.moment(step.at)) — \(req.t("permit.history.\(step.event)"))"
                    + (step.message.map { CasePolicy.maySeeMessages(viewer) ? ": \($0)" : "" } ?? "")
            }
        let actor = CaseActor(id: try user.requireID().uuidString.lowercased(), role: user.domainRole ?? .analyst)
        let actions = CaseWorkflow.availableEvents(in: permitCase.state, for: actor, judged: judged).map {
            ActionView(event: $0.rawValue, label: req.t("permit.event.\($0.rawValue)"), messageLabel: req.t("permit.message.\($0.rawValue)"),
                       echo: echo("event:\($0.rawValue)"))
        }
        var clockNote: String?
        if let clock {
            clockNote = clock.isPaused ? req.t("permit.clock.paused")
                : clock.isOverdue ? req.t("permit.clock.overdue", ["days": "\(clock.overdueWorkingDays)"])
                : req.t("permit.clock.left", ["days": "\(clock.workingDaysLeft)"])
        }
        let lastRequest = permitCase.history.last { $0.event == CaseEventKind.requestInformation.rawValue }?.message
        let missing = viewer == .principal && permitCase.caseStatus == .draft
            ? try await service.missingBeforeSubmission(permitCase, files: files).map(req.message(for:)) : []
        let page = CasePage(
            layout: try PageLayout(request: req, titleKey: "permit.caseHeading"), id: id.uuidString.lowercased(),
            title: req.t("permit.caseTitle", ["person": permitCase.persons.first?.name ?? "", "company": permitCase.sponsor.legalName]),
            status: permitCase.status(for: viewer).rawValue, statusLabel: Self.statusLabel(permitCase, for: viewer, req),
            // "Fast track for IT specialists, 2022.1 edition", not the rulebook's key.
            rulebook: req.t("rulebook.\(rulebook.id)", ["version": rulebook.version]),
            expected: clock.map { req.date($0.expectedDecisionDate.description) }, clockNote: clockNote,
            persons: seesPersons ? persons : [], history: history, actions: actions, action: SiteURL.permitAction(id).path,
            grounds: rulebook.refusalGrounds.map { AuthPages.Choice(value: $0.id, label: req.t($0.messageKey), selected: false) },
            showPersons: seesPersons, permitNumber: permitCase.permitNumber,
            permitURL: permitCase.permitNumber == nil || !seesPersons ? nil : SiteURL.permitPrint(id).path,
            verifyURL: permitCase.permitNumber.map { SiteURL.verify($0).path },
            informationRequest: permitCase.caseStatus == .informationRequested ? lastRequest : nil,
            notice: problem, uploadAction: SiteURL.permitDocuments(id).path,
            mayUpload: viewer == .principal && permitCase.caseStatus.acceptsUploads,
            mayReview: mayReview,
            mayEditPersons: viewer == .principal && permitCase.caseStatus.acceptsPersonChanges, personsAction: SiteURL.permitPersons(id).path,
            relations: CaravanPermits.Relation.allCases.map { AuthPages.Choice(value: $0.rawValue, label: req.t("relation.\($0.rawValue)"), selected: false) },
            countries: AuthPages.Choice.countries(req, selected: permitCase.persons.first?.citizenship),
            grace: service.grace(of: permitCase).map { _, status in
                switch status {
                case .running(let last, let left, _):
                    req.t("permit.grace.running", ["ended": req.date(permitCase.contractEndedOn), "lastDay": req.date(last.description), "days": "\(left)"])
                case .covered(let started): req.t("permit.grace.covered", ["date": req.date(started.description)])
                case .lapsed(let last): req.t("permit.grace.lapsed", ["lastDay": req.date(last.description)])
                }
            },
            contractEndAction: viewer == .sponsor && permitCase.caseStatus.holdsPermit ? SiteURL.permitContractEnd(id).path : nil,
            assignment: viewer == .officer ? try await Self.assigneeName(permitCase, req) : nil,
            assignAction: viewer == .officer && permitCase.caseStatus.acceptsAssignment ? SiteURL.permitAssign(id).path : nil,
            mayTake: viewer == .officer && permitCase.caseStatus.acceptsAssignment && permitCase.assignedTo == nil,
            mayRelease: viewer == .officer && permitCase.caseStatus.acceptsAssignment && permitCase.assignedTo == user.id,
            missingBeforeSubmit: missing,
            contractEndEcho: echo("contractEnd"), addPersonEcho: echo("persons:add")
        )
        return try await req.renderPage("permit-case", page, status: status)
    }

    static func assigneeName(_ permitCase: PermitCase, _ req: Request) async throws -> String {
        guard let id = permitCase.assignedTo else { return req.t("permit.unassigned") }
        return try await User.find(id, on: req.database)?.displayName ?? req.t("permit.unassigned")
    }
}
