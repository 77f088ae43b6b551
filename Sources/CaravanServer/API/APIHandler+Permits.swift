import CaravanDomain
import CaravanPermits
import Fluent
import Foundation
import OpenAPIRuntime
import Vapor

/// The permit API: every handler reads its input, calls the same `PermitService` operation the pages call,
/// and describes the result for the caller's role.
extension APIHandler {
    func listPermitCases(_ input: Operations.ListPermitCases.Input) async throws -> Operations.ListPermitCases.Output {
        let req = APIRequestContext.current
        let (user, _) = try await req.bearerUser()
        var status: CaseStatus?
        if let raw = input.query.status, !raw.isEmpty {
            guard let known = CaseStatus(rawValue: raw) else { throw AppError.validation(ValidationFailure(field: "status", code: "permit.statusUnknown")) }
            status = known
        }
        var items: [Components.Schemas.PermitCase] = []
        for (permitCase, viewer) in try await req.permits.read(casesVisibleTo: user, status: status) {
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
        let (permitCase, viewer) = try await req.permits.read(id, by: user)
        return .ok(.init(body: .json(try await describe(permitCase, for: viewer, user: user, req))))
    }

    func firePermitEvent(_ input: Operations.FirePermitEvent.Input) async throws -> Operations.FirePermitEvent.Output {
        let req = APIRequestContext.current
        let (user, _) = try await req.bearerUser()
        let (permitCase, viewer) = try await visibleCase(input.path.caseId, to: user, req)
        guard case .json(let body) = input.body else { throw AppError.malformedRequest }
        let request = CaseEventRequest(event: body.event, message: body.message, verdicts: (body.decision ?? []).map {
            .init(person: $0.person, verdict: $0.verdict.rawValue, ground: $0.ground)
        })
        let (event, message) = try req.permits.event(from: request)
        let moved = try await req.permits.fire(event, on: permitCase, as: viewer, by: user, message: message)
        return .ok(.init(body: .json(try await describe(moved, for: viewer, user: user, req))))
    }

    func uploadPermitDocument(_ input: Operations.UploadPermitDocument.Input) async throws -> Operations.UploadPermitDocument.Output {
        let req = APIRequestContext.current
        let (user, _) = try await req.bearerUser()
        let (permitCase, viewer) = try await visibleCase(input.path.caseId, to: user, req)
        guard case .binary(let body) = input.body else { throw AppError.unsupportedMediaType }
        let bytes: [UInt8]
        do {
            bytes = try await [UInt8](collecting: body, upTo: PermitDocumentRules.maximumBytes)
        } catch {
            throw AppError.payloadTooLarge
        }
        let file = try await req.permits.upload(ByteBuffer(bytes: bytes), kind: input.query.kind, person: input.query.person, to: permitCase,
                                                as: viewer, by: user)
        return .created(.init(body: .json(.init(id: try file.requireID().uuidString.lowercased(), sha256: file.sha256, contentType: file.contentType, size: file.size))))
    }

    func listPermitDocuments(_ input: Operations.ListPermitDocuments.Input) async throws -> Operations.ListPermitDocuments.Output {
        let req = APIRequestContext.current
        let (user, _) = try await req.bearerUser()
        guard let id = UUID(uuidString: input.path.caseId) else { throw AppError.notFound }
        let (permitCase, viewer) = try await req.permits.visible(id, to: user)
        // The sponsor sees the status, never the family's documents.
        guard CasePolicy.maySeeDocuments(viewer) else { throw AppError.notFound }
        _ = try await req.permits.read(id, by: user)
        let checklist = try await req.permits.checklist(of: permitCase)
        return .ok(.init(body: .json(.init(persons: permitCase.persons.map { person in
            .init(person: person.id, name: person.name, documents: (checklist[person.id] ?? []).map { Self.line($0, req) })
        }))))
    }

    func reviewPermitDocument(_ input: Operations.ReviewPermitDocument.Input) async throws -> Operations.ReviewPermitDocument.Output {
        let req = APIRequestContext.current
        let (user, _) = try await req.bearerUser()
        let (permitCase, viewer) = try await visibleCase(input.path.caseId, to: user, req)
        guard case .json(let body) = input.body else { throw AppError.malformedRequest }
        guard let documentID = UUID(uuidString: input.path.documentId) else { throw AppError.notFound }
        let review = DocumentReview(accept: body.decision == .accept, reason: body.reason, passportNumber: body.passportNumber,
                                    passportExpiresOn: body.passportExpiresOn)
        try await req.permits.review(documentID, on: permitCase, review, as: viewer, by: user)
        let line = try await req.permits.checklist(of: permitCase).values.joined().first { $0.file?.id == documentID }
        guard let line else { throw AppError.notFound }
        return .ok(.init(body: .json(Self.line(line, req))))
    }

    func assignPermitCase(_ input: Operations.AssignPermitCase.Input) async throws -> Operations.AssignPermitCase.Output {
        let req = APIRequestContext.current
        let (user, _) = try await req.bearerUser()
        let (permitCase, viewer) = try await visibleCase(input.path.caseId, to: user, req)
        guard case .json(let body) = input.body else { throw AppError.malformedRequest }
        try await req.permits.assign(permitCase, take: body.op == .take, as: viewer, by: user)
        return .ok(.init(body: .json(try await describe(permitCase, for: viewer, user: user, req))))
    }

    func verifyPermit(_ input: Operations.VerifyPermit.Input) async throws -> Operations.VerifyPermit.Output {
        let req = APIRequestContext.current
        let number = String(input.path.number.prefix(40))
        guard let verified = try await req.permits.verify(number: number) else { throw AppError.notFound }
        return .ok(.init(body: .json(.init(
            number: number, valid: verified.verdict == .valid, reason: verified.verdict == .valid ? nil : req.t("verify.altered"),
            issuedOn: verified.document.issuedOn, status: verified.permitCase.status(for: .sponsor).rawValue,
            personCount: verified.document.persons.count
        ))))
    }

    private func visibleCase(_ rawID: String, to user: User, _ req: Request) async throws -> (PermitCase, CaseViewer) {
        guard let id = UUID(uuidString: rawID) else { throw AppError.notFound }
        return try await req.permits.visible(id, to: user)
    }

    private static func line(_ line: ChecklistLine, _ req: Request) -> Components.Schemas.ChecklistLine {
        .init(kind: line.kind.rawValue, label: req.t("document.\(line.kind.rawValue)"),
              state: .init(rawValue: line.state.rawValue) ?? .missing, stateText: req.t("permit.document.\(line.state.rawValue)"),
              reason: line.state == .rejected ? line.file?.reason : nil, documentId: line.file?.id?.uuidString.lowercased())
    }

    /// A case as one viewer sees it: the sponsor gets the status and dates, never the persons or their rules.
    private func describe(_ permitCase: PermitCase, for viewer: CaseViewer, user: User, _ req: Request) async throws -> Components.Schemas.PermitCase {
        let service = req.permits
        let clock = service.clock(of: permitCase)
        let (report, rulebook) = try await service.eligibility(of: permitCase)
        let judged = CaseJudgement(report: report, persons: permitCase.persons.map(\.id))
        var persons: [Components.Schemas.PermitCase.PersonsPayloadPayload] = []
        if CasePolicy.maySeePersons(viewer) {
            persons = permitCase.persons.enumerated().map { index, person in
                .init(id: person.id, name: person.name, relation: person.relation, outcome: report.outcome(for: index).rawValue,
                      mayApprove: judged.mayApprove(person.id),
                      entryBanCheck: viewer == .officer ? person.entryBanCheck.map {
                          .init(result: .init(rawValue: $0.result.rawValue) ?? .clear, checkedOn: $0.checkedOn.description, legalBasis: $0.legalBasis)
                      } : nil,
                      rules: report.results(for: index).map { result in
                          .init(rule: rulebook.rules[result.rule].id, outcome: result.outcome.rawValue,
                                text: req.text(rulebook.messageKey(for: result), result.finding.arguments),
                                reference: rulebook.rules[result.rule].legalReference.text(in: req.language.rawValue))
                      })
            }
        }
        let actor = CaseActor(id: try user.requireID().uuidString.lowercased(), role: user.domainRole ?? .analyst)
        let sponsor = try await Company.find(permitCase.$sponsor.id, on: req.database)
        let shown = permitCase.status(for: viewer)
        return .init(
            id: try permitCase.requireID().uuidString.lowercased(), status: shown.rawValue, statusText: req.t("permit.status.\(shown.rawValue)"),
            rulebookVersion: permitCase.rulebookVersion, principalName: permitCase.persons.first?.name ?? "", sponsor: sponsor?.legalName ?? "",
            expectedDecisionDate: clock?.expectedDecisionDate.description, workingDaysLeft: clock?.workingDaysLeft, clockPaused: clock?.isPaused,
            permitNumber: permitCase.permitNumber,
            availableEvents: CaseWorkflow.availableEvents(in: permitCase.state, for: actor, judged: judged).map(\.rawValue),
            persons: persons,
            history: PermitService.history(of: permitCase, for: viewer).map {
                .init(event: $0.event, by: $0.by, at: $0.at, message: CasePolicy.maySeeMessages(viewer) ? $0.message : nil)
            }
        )
    }
}
