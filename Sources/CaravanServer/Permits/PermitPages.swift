import CaravanDomain
import CaravanPermits
import Fluent
import Foundation
import Vapor

/// The permit pages: the applicant's cases (and opening one from an accepted offer), a case page for the
/// applicant, the officers and the sponsor (each seeing what their role may), the officers' queue, the printable
/// permit, and the public verification page.
struct PermitPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(SiteURL.verify("").pathComponents, use: verify)
        routes.get(SiteURL.signingKey.pathComponents, use: signingKey)
        let signedIn = routes.grouped(SignedInOnly())
        signedIn.get(SiteURL.permits.pathComponents, use: list)
        signedIn.post(SiteURL.permitOpen.pathComponents, use: open)
        signedIn.get(SiteURL.permitCase(UUID()).pathComponents, use: show)
        signedIn.post(SiteURL.permitAction(UUID()).pathComponents, use: act)
        signedIn.get(SiteURL.permitPrint(UUID()).pathComponents, use: printable)
        signedIn.get(SiteURL.permitFile(UUID()).pathComponents, use: file)
        signedIn.get(SiteURL.officerCases.pathComponents, use: queue)
        signedIn.on(.POST, SiteURL.permitDocuments(UUID()).pathComponents,
                    body: .collect(maxSize: ByteCount(value: PermitDocumentRules.maximumRequestBytes)), use: upload)
        signedIn.get(SiteURL.permitDocument(UUID(), UUID()).pathComponents, use: download)
        signedIn.post(SiteURL.permitPersons(UUID()).pathComponents, use: persons)
        signedIn.post(SiteURL.permitContractEnd(UUID()).pathComponents, use: contractEnd)
        signedIn.post(SiteURL.permitAssign(UUID()).pathComponents, use: assign)
        signedIn.post(SiteURL.permitDocumentReview(UUID(), UUID()).pathComponents, use: review)
    }

    static func statusLabel(_ status: String, _ req: Request) -> String { req.t("permit.status.\(status)") }

    static func date(_ text: String?, _ req: Request) -> String {
        guard let text, let date = CalendarDate(text) else { return text ?? "" }
        var components = DateComponents()
        (components.year, components.month, components.day) = (date.year, date.month, date.day)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = PermitRegistry.moscow
        guard let value = calendar.date(from: components) else { return text }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: req.language.rawValue)
        formatter.timeZone = PermitRegistry.moscow
        formatter.dateStyle = .long
        return formatter.string(from: value)
    }

    // MARK: The applicant's and the sponsor's list

    struct Row: Encodable {
        let url: String
        let title: String
        let status: String
        let detail: String
    }

    struct Openable: Encodable {
        let title: String
        let company: String
        let accredited: Bool
        let applicationID: String
        let caseURL: String?
    }

    struct ListPage: Encodable {
        let layout: PageLayout
        let rows: [Row]
        let openable: [Openable]
        let openAction: String
        let isSpecialist: Bool
    }

    func list(req: Request) async throws -> Response {
        let user = try req.auth.require(User.self)
        if user.domainRole == .migrationOfficer { return req.redirect(to: SiteURL.officerCases.path, redirectType: .normal) }
        var cases: [PermitCase] = []
        switch user.domainRole {
        case .specialist?:
            cases = try await PermitCase.query(on: req.db).filter(\.$principal.$id == user.requireID()).with(\.$sponsor).all()
        case .employer?:
            if let company = try await req.companies.company(of: user) {
                cases = try await PermitCase.query(on: req.db).filter(\.$sponsor.$id == company.requireID()).with(\.$sponsor).all()
            }
        default: throw AppError.forbidden
        }
        let service = req.permits
        let rows = try cases.map { permitCase in
            let clock = service.clock(of: permitCase)
            return Row(url: SiteURL.permitCase(try permitCase.requireID()).path,
                       title: req.t("permit.caseTitle", ["person": permitCase.persons.first?.name ?? "", "company": permitCase.sponsor.legalName]),
                       status: Self.statusLabel(permitCase.status, req),
                       detail: clock.map { req.t("permit.expected", ["date": Self.date($0.expectedDecisionDate.description, req)]) } ?? "")
        }
        let openable = try await service.openable(by: user).compactMap { item -> Openable? in
            Openable(title: item.application.vacancy.title, company: item.company.legalName, accredited: item.company.accredited,
                     applicationID: try item.application.requireID().uuidString.lowercased(), caseURL: item.caseID.map { SiteURL.permitCase($0).path })
        }
        return try await req.renderPage("permits", ListPage(
            layout: try PageLayout(request: req, titleKey: "permit.title"), rows: rows, openable: openable, openAction: SiteURL.permitOpen.path,
            isSpecialist: user.domainRole == .specialist
        ))
    }

    func open(req: Request) async throws -> Response {
        let user = try req.auth.require(User.self)
        guard let id = (try? req.content.get(String.self, at: "application")).flatMap(UUID.init(uuidString:)) else { throw AppError.notFound }
        let permitCase = try await req.permits.open(from: id, by: user)
        return req.redirect(to: SiteURL.permitCase(try permitCase.requireID()).path, redirectType: .normal)
    }

    // MARK: The case page

    struct RuleLine: Encodable {
        let outcome: String
        let text: String
        let reference: String
    }

    struct DocumentRow: Encodable {
        let kind: String
        let label: String
        /// `missing`, `pending`, `accepted`, `rejected`.
        let state: String
        let stateLabel: String
        let reason: String?
        let viewURL: String?
        let reviewAction: String?
        let isPassport: Bool
    }

    struct PersonView: Encodable {
        let id: String
        let name: String
        let relation: String
        let birthDate: String
        let citizenship: String
        let outcome: String
        let outcomeLabel: String
        let rules: [RuleLine]
        let documents: [DocumentRow]
        let kinds: [AuthPages.Choice]
    }

    struct ActionView: Encodable {
        let event: String
        let label: String
        let messageLabel: String
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
    }

    func show(req: Request) async throws -> Response {
        let user = try req.auth.require(User.self)
        guard let id = req.parameters.get("caseID", as: UUID.self) else { throw AppError.notFound }
        let (permitCase, viewer) = try await req.permits.visible(id, to: user)
        return try await render(req, permitCase, viewer: viewer, user: user)
    }

    private func render(_ req: Request, _ permitCase: PermitCase, viewer: PermitService.Viewer, user: User,
                        status: HTTPStatus = .ok, problem: String? = nil) async throws -> Response {
        let service = req.permits
        let (report, rulebook) = try await service.eligibility(of: permitCase)
        let clock = service.clock(of: permitCase)
        let id = try permitCase.requireID()
        let files = viewer == .sponsor ? [] : try await service.documents(of: permitCase)
        let mayReview = viewer == .officer && [.inReview, .resubmitted, .submitted].contains(permitCase.caseStatus)
        let persons = permitCase.persons.enumerated().map { index, person in
            let outcome = report.outcome(for: index)
            let lines = report.results(for: index).map { result in
                RuleLine(outcome: result.outcome.rawValue,
                         text: req.t(rulebook.messageKey(for: result), result.finding.arguments.mapValues { value in
                             DocumentKind(rawValue: value).map { req.t("document.\($0.rawValue)") }
                                 ?? CaravanPermits.Relation(rawValue: value).map { req.t("relation.\($0.rawValue)") } ?? value
                         }),
                         reference: rulebook.rules[result.rule].legalReference)
            }
            let required = rulebook.checklist(relation: index == 0 ? nil : CaravanPermits.Relation(rawValue: person.relation) ?? .other)
            let rows = required.kinds.map { kind -> DocumentRow in
                let file = files.last { $0.person == person.id && $0.kind == kind.rawValue }
                let state = file?.status ?? "missing"
                return DocumentRow(
                    kind: kind.rawValue, label: req.t("document.\(kind.rawValue)"), state: state, stateLabel: req.t("permit.document.\(state)"),
                    reason: file?.reason, viewURL: file?.id.map { SiteURL.permitDocument(id, $0).path },
                    reviewAction: mayReview && state == "pending" ? file?.id.map { SiteURL.permitDocumentReview(id, $0).path } : nil,
                    isPassport: kind == .passport
                )
            }
            return PersonView(
                id: person.id, name: person.name, relation: req.t(index == 0 ? "permit.principal" : "relation.\(person.relation)"),
                birthDate: person.birthDate, citizenship: CountryCode(rawValue: person.citizenship)?.name(in: req.language) ?? person.citizenship,
                outcome: outcome.rawValue, outcomeLabel: req.t("permit.outcome.\(outcome.rawValue)"), rules: lines, documents: rows,
                kinds: required.kinds.map { AuthPages.Choice(value: $0.rawValue, label: req.t("document.\($0.rawValue)"), selected: false) }
            )
        }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: req.language.rawValue)
        formatter.dateStyle = .medium
        formatter.timeStyle = .short
        formatter.timeZone = PermitRegistry.moscow
        let history = permitCase.history.map { step in
            "\(formatter.string(from: step.at)) — \(req.t("permit.event.\(step.event)"))" + (step.message.map { viewer == .sponsor ? "" : ": \($0)" } ?? "")
        }
        let actor = CaseActor(id: try user.requireID().uuidString.lowercased(), role: user.domainRole ?? .analyst)
        let actions = CaseWorkflow.availableEvents(in: permitCase.state, for: actor).filter { $0 != .cancel }.map {
            ActionView(event: $0.rawValue, label: req.t("permit.event.\($0.rawValue)"), messageLabel: req.t("permit.message.\($0.rawValue)"))
        }
        var clockNote: String?
        if let clock {
            clockNote = clock.isPaused ? req.t("permit.clock.paused")
                : clock.isOverdue ? req.t("permit.clock.overdue", ["days": "\(clock.overdueWorkingDays)"])
                : req.t("permit.clock.left", ["days": "\(clock.workingDaysLeft)"])
        }
        let lastRequest = permitCase.history.last { $0.event == CaseEventKind.requestInformation.rawValue }?.message
        let page = CasePage(
            layout: try PageLayout(request: req, titleKey: "permit.caseHeading"), id: id.uuidString.lowercased(),
            title: req.t("permit.caseTitle", ["person": permitCase.persons.first?.name ?? "", "company": permitCase.sponsor.legalName]),
            status: permitCase.status, statusLabel: Self.statusLabel(permitCase.status, req), rulebook: permitCase.rulebookVersion,
            expected: clock.map { Self.date($0.expectedDecisionDate.description, req) }, clockNote: clockNote,
            persons: viewer == .sponsor ? [] : persons, history: history, actions: actions, action: SiteURL.permitAction(id).path,
            grounds: rulebook.refusalGrounds.map { AuthPages.Choice(value: $0.id, label: req.t($0.messageKey), selected: false) },
            showPersons: viewer != .sponsor, permitNumber: permitCase.permitNumber,
            permitURL: permitCase.permitNumber == nil || viewer == .sponsor ? nil : SiteURL.permitPrint(id).path,
            verifyURL: permitCase.permitNumber.map { SiteURL.verify($0).path },
            informationRequest: permitCase.caseStatus == .informationRequested ? lastRequest : nil,
            notice: problem, uploadAction: SiteURL.permitDocuments(id).path,
            mayUpload: viewer == .principal && [.draft, .submitted, .inReview, .informationRequested, .resubmitted].contains(permitCase.caseStatus),
            mayReview: mayReview,
            mayEditPersons: viewer == .principal && permitCase.caseStatus == .draft, personsAction: SiteURL.permitPersons(id).path,
            relations: CaravanPermits.Relation.allCases.map { AuthPages.Choice(value: $0.rawValue, label: req.t("relation.\($0.rawValue)"), selected: false) },
            countries: CountryCode.all.compactMap(CountryCode.init(rawValue:)).map { ($0.rawValue, $0.name(in: req.language)) }
                .sorted { $0.1.localizedStandardCompare($1.1) == .orderedAscending }
                .map { AuthPages.Choice(value: $0.0, label: $0.1, selected: $0.0 == permitCase.persons.first?.citizenship) },
            grace: service.grace(of: permitCase).map { _, status in
                switch status {
                case .running(let last, let left, _):
                    req.t("permit.grace.running", ["ended": Self.date(permitCase.contractEndedOn, req), "lastDay": Self.date(last.description, req), "days": "\(left)"])
                case .covered(let started): req.t("permit.grace.covered", ["date": Self.date(started.description, req)])
                case .lapsed(let last): req.t("permit.grace.lapsed", ["lastDay": Self.date(last.description, req)])
                }
            },
            contractEndAction: viewer == .sponsor && [.permitIssued, .arrivalRegistered].contains(permitCase.caseStatus)
                ? SiteURL.permitContractEnd(id).path : nil,
            assignment: viewer == .officer ? try await Self.assigneeName(permitCase, req) : nil,
            assignAction: viewer == .officer ? SiteURL.permitAssign(id).path : nil,
            mayTake: viewer == .officer && permitCase.assignedTo == nil,
            mayRelease: viewer == .officer && permitCase.assignedTo == user.id
        )
        return try await req.renderPage("permit-case", page, status: status)
    }

    struct ActionForm: Content {
        var event: String?
        var message: String?
    }

    /// One endpoint for every move; the workflow decides whether it is allowed for this person now.
    func act(req: Request) async throws -> Response {
        let user = try req.auth.require(User.self)
        guard let id = req.parameters.get("caseID", as: UUID.self) else { throw AppError.notFound }
        let (permitCase, viewer) = try await req.permits.visible(id, to: user)
        let form = (try? req.content.decode([String: String].self)) ?? [:]
        let message = form["message"].map { String($0.trimmingCharacters(in: .whitespacesAndNewlines).prefix(2000)) }.flatMap { $0.isEmpty ? nil : $0 }
        guard let kind = form["event"].flatMap(CaseEventKind.init(rawValue:)) else {
            throw AppError.validation(ValidationFailure(field: "event", code: "field.required"))
        }
        if viewer == .sponsor && kind != .registerArrival { throw AppError.forbidden }
        let event: CaseEvent
        switch kind {
        case .submit: event = .submit
        case .startReview: event = .startReview
        case .requestInformation:
            guard message != nil else {
                return try await render(req, permitCase, viewer: viewer, user: user, status: .unprocessableEntity, problem: req.t("permit.error.messageRequired"))
            }
            event = .requestInformation
        case .resubmit: event = .resubmit
        case .decide:
            event = .decide(CaseDecision(permitCase.persons.map { person in
                let verdict = form["verdict_\(person.id)"] ?? ""
                return .init(person: person.id, verdict: verdict == "approved" ? .approved : .refused(ground: form["ground_\(person.id)"] ?? ""))
            }))
        case .confirmRefusal: event = .confirmRefusal
        case .returnToReview: event = .returnToReview
        case .issuePermit: event = .issuePermit
        case .registerArrival: event = .registerArrival
        case .withdraw: event = .withdraw
        case .cancel: event = .cancel(.sponsorLostAccreditation)
        }
        do {
            _ = try await req.permits.fire(event, on: permitCase, by: user, message: message)
        } catch AppError.validation(let failure) {
            return try await render(req, permitCase, viewer: viewer, user: user, status: .unprocessableEntity,
                                    problem: failure.errors.map { req.message(for: $0) }.joined(separator: " "))
        }
        return req.redirect(to: SiteURL.permitCase(id).path, redirectType: .normal)
    }

    // MARK: People on a draft case

    func persons(req: Request) async throws -> Response {
        let user = try req.auth.require(User.self)
        guard let id = req.parameters.get("caseID", as: UUID.self) else { throw AppError.notFound }
        let (permitCase, viewer) = try await req.permits.visible(id, to: user)
        let form = (try? req.content.decode([String: String].self)) ?? [:]
        let change: PermitService.PersonChange
        switch form["op"] {
        case "add": change = .add(name: form["name"] ?? "", relation: form["relation"] ?? "", birthDate: form["birthDate"] ?? "", citizenship: form["citizenship"] ?? "")
        case "remove": change = .remove(id: form["person"] ?? "")
        case "birthDate": change = .birthDate(id: form["person"] ?? "", date: form["birthDate"] ?? "")
        default: throw AppError.validation(ValidationFailure(field: "op", code: "field.required"))
        }
        do {
            try await req.permits.change(change, on: permitCase, by: user)
        } catch AppError.validation(let failure) {
            return try await render(req, permitCase, viewer: viewer, user: user, status: .unprocessableEntity,
                                    problem: failure.errors.map { req.message(for: $0) }.joined(separator: " "))
        }
        return req.redirect(to: SiteURL.permitCase(id).path + "#persons", redirectType: .normal)
    }

    /// The sponsor reports the last day of the holder's contract.
    func contractEnd(req: Request) async throws -> Response {
        let user = try req.auth.require(User.self)
        guard let id = req.parameters.get("caseID", as: UUID.self) else { throw AppError.notFound }
        let (permitCase, viewer) = try await req.permits.visible(id, to: user)
        guard viewer == .sponsor else { throw AppError.forbidden }
        do {
            try await req.permits.contractEnded(on: (try? req.content.get(String.self, at: "endedOn")) ?? "", for: permitCase, by: user)
        } catch AppError.validation(let failure) {
            return try await render(req, permitCase, viewer: viewer, user: user, status: .unprocessableEntity,
                                    problem: failure.errors.map { req.message(for: $0) }.joined(separator: " "))
        }
        return req.redirect(to: SiteURL.permitCase(id).path, redirectType: .normal)
    }

    static func assigneeName(_ permitCase: PermitCase, _ req: Request) async throws -> String {
        guard let id = permitCase.assignedTo else { return req.t("permit.unassigned") }
        return try await User.find(id, on: req.db)?.displayName ?? req.t("permit.unassigned")
    }

    func assign(req: Request) async throws -> Response {
        let user = try req.auth.require(User.self)
        guard let id = req.parameters.get("caseID", as: UUID.self) else { throw AppError.notFound }
        let (permitCase, viewer) = try await req.permits.visible(id, to: user)
        guard viewer == .officer else { throw AppError.forbidden }
        try await req.permits.assign(permitCase, take: (try? req.content.get(String.self, at: "op")) != "release", by: user)
        return req.redirect(to: SiteURL.permitCase(id).path, redirectType: .normal)
    }

    // MARK: Documents

    struct UploadForm: Content {
        var person: String?
        var kind: String?
        var file: File?
    }

    func upload(req: Request) async throws -> Response {
        let user = try req.auth.require(User.self)
        guard let id = req.parameters.get("caseID", as: UUID.self) else { throw AppError.notFound }
        let (permitCase, viewer) = try await req.permits.visible(id, to: user)
        guard viewer == .principal else { throw AppError.forbidden }
        let form = (try? req.content.decode(UploadForm.self)) ?? UploadForm()
        do {
            guard let file = form.file, file.data.readableBytes > 0 else {
                throw AppError.validation(ValidationFailure(field: "file", code: "document.fileRequired"))
            }
            _ = try await req.permits.upload(file.data, kind: form.kind ?? "", person: form.person ?? "", to: permitCase, by: user)
        } catch let error as AppError {
            let message: String
            switch error {
            case .validation(let failure): message = failure.errors.map { req.message(for: $0) }.joined(separator: " ")
            case .unsupportedMediaType: message = req.t("problem.unsupported-media-type.detail")
            case .payloadTooLarge: message = req.t("problem.payload-too-large.detail")
            default: throw error
            }
            return try await render(req, permitCase, viewer: viewer, user: user, status: error.status, problem: message)
        }
        return req.redirect(to: SiteURL.permitCase(id).path + "#persons", redirectType: .normal)
    }

    func download(req: Request) async throws -> Response {
        let user = try req.auth.require(User.self)
        guard let id = req.parameters.get("caseID", as: UUID.self), let documentID = req.parameters.get("documentID", as: UUID.self) else {
            throw AppError.notFound
        }
        let (permitCase, viewer) = try await req.permits.visible(id, to: user)
        // The sponsor sees the status, never the family's documents.
        guard viewer != .sponsor,
              let file = try await PermitDocumentFile.query(on: req.db).filter(\.$id == documentID).filter(\.$permitCase.$id == permitCase.requireID()).first(),
              let data = FileManager.default.contents(atPath: req.permits.documentURL(file.sha256).path)
        else { throw AppError.notFound }
        let response = Response(status: .ok, body: .init(data: data))
        response.headers.replaceOrAdd(name: .contentType, value: file.contentType)
        response.headers.replaceOrAdd(name: .contentDisposition, value: "inline; filename=\"\(file.kind).\(file.contentType.split(separator: "/").last ?? "bin")\"")
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }

    func review(req: Request) async throws -> Response {
        let user = try req.auth.require(User.self)
        guard let id = req.parameters.get("caseID", as: UUID.self), let documentID = req.parameters.get("documentID", as: UUID.self) else {
            throw AppError.notFound
        }
        let (permitCase, viewer) = try await req.permits.visible(id, to: user)
        guard viewer == .officer else { throw AppError.forbidden }
        let form = (try? req.content.decode([String: String].self)) ?? [:]
        do {
            try await req.permits.review(documentID, on: permitCase, accept: form["decision"] == "accept", reason: form["reason"],
                                         passportExpiresOn: form["passportExpiresOn"], by: user)
        } catch AppError.validation(let failure) {
            return try await render(req, permitCase, viewer: viewer, user: user, status: .unprocessableEntity,
                                    problem: failure.errors.map { req.message(for: $0) }.joined(separator: " "))
        }
        return req.redirect(to: SiteURL.permitCase(id).path + "#persons", redirectType: .normal)
    }

    // MARK: Queue

    struct QueueRow: Encodable {
        let url: String
        let person: String
        let company: String
        let status: String
        let expected: String
        let left: String
        let mark: String?
        let assignee: String
    }

    struct QueuePage: Encodable {
        let layout: PageLayout
        let rows: [QueueRow]
        let filters: [AuthPages.Choice]
        let assignmentFilters: [AuthPages.Choice]
    }

    static let openStatuses: [CaseStatus] = [.submitted, .inReview, .informationRequested, .resubmitted, .refusalProposed]

    func queue(req: Request) async throws -> Response {
        let user = try req.auth.require(User.self)
        guard user.domainRole == .migrationOfficer else { throw AppError.forbidden }
        let filter = (try? req.query.get(String.self, at: "status")).flatMap(CaseStatus.init(rawValue:))
        let statuses = filter.map { [$0] } ?? Self.openStatuses + [.decided]
        let assigned = try? req.query.get(String.self, at: "assigned")
        let me = try user.requireID()
        var names: [UUID: String] = [:]
        for officer in try await User.query(on: req.db).filter(\.$role == Role.migrationOfficer.rawValue).all() { names[try officer.requireID()] = officer.displayName }
        let rows = try await req.permits.queue(statuses: statuses).filter { permitCase, _ in
            switch assigned {
            case "me": permitCase.assignedTo == me
            case "none": permitCase.assignedTo == nil
            default: true
            }
        }.map { permitCase, clock in
            QueueRow(
                url: SiteURL.permitCase(try permitCase.requireID()).path, person: permitCase.persons.first?.name ?? "",
                company: permitCase.sponsor.legalName, status: Self.statusLabel(permitCase.status, req),
                expected: clock.map { Self.date($0.expectedDecisionDate.description, req) } ?? "",
                left: clock.map { $0.isOverdue ? "−\($0.overdueWorkingDays)" : "\($0.workingDaysLeft)" } ?? "",
                mark: clock.flatMap { $0.isOverdue ? req.t("permit.mark.overdue") : $0.workingDaysLeft <= 10 && !$0.isPaused ? req.t("permit.mark.dueSoon") : nil },
                assignee: permitCase.assignedTo.flatMap { names[$0] } ?? "—"
            )
        }
        let filters = [AuthPages.Choice(value: "", label: req.t("permit.filter.open"), selected: filter == nil)]
            + (Self.openStatuses + [.decided, .permitIssued]).map { AuthPages.Choice(value: $0.rawValue, label: Self.statusLabel($0.rawValue, req), selected: filter == $0) }
        let assignmentFilters = [("", "permit.filter.everyone"), ("me", "permit.filter.mine"), ("none", "permit.filter.unassigned")].map {
            AuthPages.Choice(value: $0.0, label: req.t($0.1), selected: (assigned ?? "") == $0.0)
        }
        return try await req.renderPage("officer-cases", QueuePage(
            layout: try PageLayout(request: req, titleKey: "permit.queue.title"), rows: rows, filters: filters, assignmentFilters: assignmentFilters
        ))
    }

    // MARK: The permit

    func document(of permitCase: PermitCase) -> PermitDocument? {
        guard let number = permitCase.permitNumber, let issued = permitCase.permitIssuedOn else { return nil }
        return PermitDocument(number: number, issuedOn: issued, persons: PermitDocument.approvedPersons(of: permitCase),
                              sponsor: permitCase.$sponsor.id.uuidString.lowercased(), rulebook: permitCase.rulebookVersion)
    }

    struct PrintPage: Encodable {
        let layout: PageLayout
        let number: String
        let issued: String
        let persons: [PermitDocument.Person]
        let company: String
        let signature: String
        let verifyURL: String
        let fileURL: String
    }

    func printable(req: Request) async throws -> Response {
        let user = try req.auth.require(User.self)
        guard let id = req.parameters.get("caseID", as: UUID.self) else { throw AppError.notFound }
        let (permitCase, viewer) = try await req.permits.visible(id, to: user)
        guard viewer != .sponsor, let document = document(of: permitCase) else { throw AppError.notFound }
        return try await req.renderPage("permit-print", PrintPage(
            layout: try PageLayout(request: req, titleKey: "permit.print.title"), number: document.number, issued: Self.date(document.issuedOn, req),
            persons: document.persons.map { .init(name: $0.name, relation: req.t($0.relation == "principal" ? "permit.principal" : "relation.\($0.relation)"), birthDate: $0.birthDate) },
            company: permitCase.sponsor.legalName, signature: permitCase.permitSignature ?? "", verifyURL: SiteURL.verify(document.number).path,
            fileURL: SiteURL.permitFile(id).path
        ))
    }

    func file(req: Request) async throws -> Response {
        let user = try req.auth.require(User.self)
        guard let id = req.parameters.get("caseID", as: UUID.self) else { throw AppError.notFound }
        let (permitCase, viewer) = try await req.permits.visible(id, to: user)
        guard viewer != .sponsor, let document = document(of: permitCase), let signature = permitCase.permitSignature else { throw AppError.notFound }
        let signed = PermitDocument.Signed(permit: document, signature: signature, publicKey: req.application.permitRegistry.signer.publicKeyBase64)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let response = Response(status: .ok, body: .init(data: try encoder.encode(signed)))
        response.headers.contentType = .json
        response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(document.number).json\"")
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }

    struct VerifyPage: Encodable {
        let layout: PageLayout
        let number: String
        let valid: Bool
        let reason: String?
        let issued: String?
        let holder: String?
        let personCount: Int
        let status: String?
    }

    /// Public: anyone holding a permit number can check it. Shows no more than a border guard needs.
    func verify(req: Request) async throws -> Response {
        let number = String((req.parameters.get("number") ?? "").prefix(40))
        guard let permitCase = try await PermitCase.query(on: req.db).filter(\.$permitNumber == number).first(),
              let document = document(of: permitCase) else {
            return try await req.renderPage("verify", VerifyPage(
                layout: try PageLayout(request: req, titleKey: "verify.title"), number: number, valid: false, reason: req.t("verify.unknown"),
                issued: nil, holder: nil, personCount: 0, status: nil
            ), status: .notFound)
        }
        let signer = req.application.permitRegistry.signer
        let signed = PermitDocument.Signed(permit: document, signature: permitCase.permitSignature ?? "", publicKey: signer.publicKeyBase64)
        let verdict = PermitDocument.verify(signed, trusting: signer.publicKey)
        let holder = document.persons.first.map { person -> String in
            let parts = person.name.split(separator: " ")
            return ([String(parts.first ?? "")] + parts.dropFirst().map { "\($0.prefix(1))." }).joined(separator: " ")
        }
        return try await req.renderPage("verify", VerifyPage(
            layout: try PageLayout(request: req, titleKey: "verify.title"), number: number, valid: verdict == .valid,
            reason: verdict == .valid ? nil : req.t("verify.altered"), issued: Self.date(document.issuedOn, req), holder: holder,
            personCount: document.persons.count, status: Self.statusLabel(permitCase.status, req)
        ))
    }

    func signingKey(req: Request) async throws -> Response {
        let response = Response(status: .ok, body: .init(string: "ed25519 " + req.application.permitRegistry.signer.publicKeyBase64 + "\n"))
        response.headers.contentType = .plainText
        return response
    }
}
