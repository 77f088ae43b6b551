import CaravanDomain
import CaravanPermits
import Fluent
import Foundation
import OpenAPIRuntime
import Vapor

extension APIHandler {
    func listPermitCases(_ input: Operations.ListPermitCases.Input) async throws -> Operations.ListPermitCases.Output {
        let req = APIRequestContext.current
        let (user, _) = try await req.bearerUser()
        var cases: [PermitCase]
        switch user.domainRole {
        case .migrationOfficer?:
            var statuses = PermitPages.openStatuses + [.decided]
            if let raw = input.query.status {
                guard let status = CaseStatus(rawValue: raw) else { throw AppError.validation(ValidationFailure(field: "status", code: "permit.statusUnknown")) }
                statuses = [status]
            }
            cases = try await req.permits.queue(statuses: statuses).map(\.0)
        case .specialist?:
            cases = try await PermitCase.query(on: req.db).filter(\.$principal.$id == user.requireID()).with(\.$sponsor).all()
        case .employer?:
            guard let company = try await req.companies.company(of: user) else { return .ok(.init(body: .json(.init(cases: [])))) }
            cases = try await PermitCase.query(on: req.db).filter(\.$sponsor.$id == company.requireID()).with(\.$sponsor).all()
        default:
            throw AppError.forbidden
        }
        var items: [Components.Schemas.PermitCase] = []
        for permitCase in cases {
            let viewer: PermitService.Viewer = user.domainRole == .migrationOfficer ? .officer : user.domainRole == .employer ? .sponsor : .principal
            items.append(try await describe(permitCase, for: viewer, user: user, req))
        }
        return .ok(.init(body: .json(.init(cases: items))))
    }

    func openPermitCase(_ input: Operations.OpenPermitCase.Input) async throws -> Operations.OpenPermitCase.Output {
        let req = APIRequestContext.current
        let (user, _) = try await req.bearerUser()
        guard case .json(let body) = input.body else { throw AppError.malformedRequest }
        guard let id = UUID(uuidString: body.applicationId) else { throw AppError.notFound }
        let opened = try await req.permits.open(from: id, by: user)
        let (permitCase, viewer) = try await req.permits.visible(try opened.requireID(), to: user)
        return .created(.init(body: .json(try await describe(permitCase, for: viewer, user: user, req))))
    }

    func getPermitCase(_ input: Operations.GetPermitCase.Input) async throws -> Operations.GetPermitCase.Output {
        let req = APIRequestContext.current
        let (user, _) = try await req.bearerUser()
        guard let id = UUID(uuidString: input.path.caseId) else { throw AppError.notFound }
        let (permitCase, viewer) = try await req.permits.visible(id, to: user)
        return .ok(.init(body: .json(try await describe(permitCase, for: viewer, user: user, req))))
    }

    func firePermitEvent(_ input: Operations.FirePermitEvent.Input) async throws -> Operations.FirePermitEvent.Output {
        let req = APIRequestContext.current
        let (user, _) = try await req.bearerUser()
        guard let id = UUID(uuidString: input.path.caseId) else { throw AppError.notFound }
        guard case .json(let body) = input.body else { throw AppError.malformedRequest }
        let (permitCase, viewer) = try await req.permits.visible(id, to: user)
        guard let kind = CaseEventKind(rawValue: body.event) else {
            throw AppError.validation(ValidationFailure(field: "event", code: "permit.eventUnknown"))
        }
        if viewer == .sponsor && kind != .registerArrival { throw AppError.forbidden }
        let message = body.message.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.flatMap { $0.isEmpty ? nil : String($0.prefix(2000)) }
        let event: CaseEvent
        switch kind {
        case .submit: event = .submit
        case .startReview: event = .startReview
        case .requestInformation:
            guard message != nil else { throw AppError.validation(ValidationFailure(field: "message", code: "field.required")) }
            event = .requestInformation
        case .resubmit: event = .resubmit
        case .decide:
            event = .decide(CaseDecision((body.decision ?? []).map {
                .init(person: $0.person, verdict: $0.verdict == "approved" ? .approved : .refused(ground: $0.ground ?? ""))
            }))
        case .confirmRefusal: event = .confirmRefusal
        case .returnToReview: event = .returnToReview
        case .issuePermit: event = .issuePermit
        case .registerArrival: event = .registerArrival
        case .withdraw: event = .withdraw
        case .cancel: event = .cancel(.sponsorLostAccreditation)
        }
        let moved = try await req.permits.fire(event, on: permitCase, by: user, message: message)
        return .ok(.init(body: .json(try await describe(moved, for: viewer, user: user, req))))
    }

    func uploadPermitDocument(_ input: Operations.UploadPermitDocument.Input) async throws -> Operations.UploadPermitDocument.Output {
        let req = APIRequestContext.current
        let (user, _) = try await req.bearerUser()
        guard let id = UUID(uuidString: input.path.caseId) else { throw AppError.notFound }
        let (permitCase, viewer) = try await req.permits.visible(id, to: user)
        guard viewer == .principal else { throw AppError.forbidden }
        guard case .binary(let body) = input.body else { throw AppError.unsupportedMediaType }
        let bytes: [UInt8]
        do {
            bytes = try await [UInt8](collecting: body, upTo: PermitDocumentRules.maximumBytes)
        } catch {
            throw AppError.payloadTooLarge
        }
        let file = try await req.permits.upload(ByteBuffer(bytes: bytes), kind: input.query.kind, person: input.query.person, to: permitCase, by: user)
        return .created(.init(body: .json(.init(id: try file.requireID().uuidString.lowercased(), sha256: file.sha256, contentType: file.contentType, size: file.size))))
    }

    func verifyPermit(_ input: Operations.VerifyPermit.Input) async throws -> Operations.VerifyPermit.Output {
        let req = APIRequestContext.current
        let number = String(input.path.number.prefix(40))
        guard let permitCase = try await PermitCase.query(on: req.db).filter(\.$permitNumber == number).first(),
              let document = PermitPages().document(of: permitCase) else { throw AppError.notFound }
        let signer = req.application.permitRegistry.signer
        let verdict = PermitDocument.verify(.init(permit: document, signature: permitCase.permitSignature ?? "", publicKey: signer.publicKeyBase64),
                                            trusting: signer.publicKey)
        return .ok(.init(body: .json(.init(
            number: number, valid: verdict == .valid, reason: verdict == .valid ? nil : req.t("verify.altered"),
            issuedOn: document.issuedOn, status: permitCase.status, personCount: document.persons.count
        ))))
    }

    /// A case as one viewer sees it: the sponsor gets the status and dates, never the persons or their rules.
    private func describe(_ permitCase: PermitCase, for viewer: PermitService.Viewer, user: User, _ req: Request) async throws -> Components.Schemas.PermitCase {
        let service = req.permits
        let clock = service.clock(of: permitCase)
        var persons: [Components.Schemas.PermitCase.PersonsPayloadPayload] = []
        if viewer != .sponsor {
            let (report, rulebook) = try await service.eligibility(of: permitCase)
            persons = permitCase.persons.enumerated().map { index, person in
                .init(id: person.id, name: person.name, relation: person.relation, outcome: report.outcome(for: index).rawValue,
                      rules: report.results(for: index).map { result in
                          .init(rule: rulebook.rules[result.rule].id, outcome: result.outcome.rawValue,
                                text: req.t(rulebook.messageKey(for: result), result.finding.arguments))
                      })
            }
        }
        let actor = CaseActor(id: try user.requireID().uuidString.lowercased(), role: user.domainRole ?? .analyst)
        let sponsor = try await Company.find(permitCase.$sponsor.id, on: req.db)
        return .init(
            id: try permitCase.requireID().uuidString.lowercased(), status: permitCase.status, statusText: req.t("permit.status.\(permitCase.status)"),
            rulebookVersion: permitCase.rulebookVersion, principalName: permitCase.persons.first?.name ?? "", sponsor: sponsor?.legalName ?? "",
            expectedDecisionDate: clock?.expectedDecisionDate.description, workingDaysLeft: clock?.workingDaysLeft, clockPaused: clock?.isPaused,
            permitNumber: permitCase.permitNumber,
            availableEvents: CaseWorkflow.availableEvents(in: permitCase.state, for: actor).filter { $0 != .cancel }.map(\.rawValue),
            persons: persons,
            history: permitCase.history.map { .init(event: $0.event, by: $0.by, at: $0.at, message: viewer == .sponsor ? nil : $0.message) }
        )
    }
}
