import CaravanDomain
import CaravanPermits
import Fluent
import Foundation
import Vapor

/// The forms on a case page. Each reads its fields, calls the same `PermitService` operation the API calls,
/// and on a mistake the case page comes back with the service's own message, and the form that was refused comes
/// back as it was sent, each field's error beside it.
extension PermitPages {
    /// Runs `operation`; a mistake the person can correct re-renders the case with its message.
    private func attempt(_ req: Request, _ permitCase: PermitCase, _ viewer: CaseViewer, _ user: User, anchor: String = "",
                         form key: String, values: [String: String], _ operation: () async throws -> Void) async throws -> Response {
        do {
            try await operation()
        } catch let error as AppError {
            var messages: [String] = []
            var errors: [String: String] = [:]
            switch error {
            case .validation(let failure):
                for fieldError in failure.errors {
                    let message = req.message(for: fieldError)
                    messages.append(message)
                    // `persons[1].birthDate` → `birthDate`: the form's own input.
                    let name = String(fieldError.field.split(separator: ".").last ?? "").split(separator: "[").first.map(String.init) ?? ""
                    if errors[name] == nil { errors[name] = message }
                }
            case .approvalBlocked(let rules): messages = [req.blockedApprovalsText(rules)]
            case .unsupportedMediaType: messages = [req.t("problem.unsupported-media-type.detail")]
            case .payloadTooLarge: messages = [req.t("problem.payload-too-large.detail")]
            default: throw error
            }
            let refused = RefusedForm(key: key, values: values, errors: errors, messages: messages)
            return try await render(req, permitCase, viewer: viewer, user: user, status: error.status, problem: messages.joined(separator: " "), refused: refused)
        }
        return req.redirect(to: SiteURL.permitCase(try permitCase.requireID()).path + anchor, redirectType: .normal)
    }

    private func caseFor(_ req: Request) async throws -> (PermitCase, CaseViewer, User) {
        let user = try req.auth.require(User.self)
        guard let id = req.parameters.get("caseID", as: UUID.self) else { throw AppError.notFound }
        let (permitCase, viewer) = try await req.permits.visible(id, to: user)
        return (permitCase, viewer, user)
    }

    /// One endpoint for every move; the service reads it and the workflow decides whether it is allowed now.
    func act(req: Request) async throws -> Response {
        let (permitCase, viewer, user) = try await caseFor(req)
        let form = (try? req.content.decode([String: String].self)) ?? [:]
        return try await attempt(req, permitCase, viewer, user, form: "event:\(form["event"] ?? "")", values: form) {
            let request = CaseEventRequest(event: form["event"] ?? "", message: form["message"], verdicts: permitCase.persons.map {
                .init(person: $0.id, verdict: form["verdict_\($0.id)"] ?? "", ground: form["ground_\($0.id)"])
            })
            let (event, message) = try req.permits.event(from: request)
            _ = try await req.permits.fire(event, on: permitCase, as: viewer, by: user, message: message)
        }
    }

    func persons(req: Request) async throws -> Response {
        let (permitCase, viewer, user) = try await caseFor(req)
        let form = (try? req.content.decode([String: String].self)) ?? [:]
        let key = form["op"] == "birthDate" ? "persons:birthDate:\(form["person"] ?? "")" : "persons:\(form["op"] ?? "")"
        return try await attempt(req, permitCase, viewer, user, anchor: "#persons", form: key, values: form) {
            let change: PermitService.PersonChange
            switch form["op"] {
            case "add": change = .add(name: form["name"] ?? "", relation: form["relation"] ?? "", birthDate: form["birthDate"] ?? "", citizenship: form["citizenship"] ?? "")
            case "remove": change = .remove(id: form["person"] ?? "")
            case "birthDate": change = .birthDate(id: form["person"] ?? "", date: form["birthDate"] ?? "")
            default: throw AppError.validation(ValidationFailure(field: "op", code: "field.required"))
            }
            try await req.permits.change(change, on: permitCase, as: viewer, by: user)
        }
    }

    /// The sponsor reports the last day of the holder's contract.
    func contractEnd(req: Request) async throws -> Response {
        let (permitCase, viewer, user) = try await caseFor(req)
        guard viewer == .sponsor else { throw AppError.forbidden }
        let endedOn = (try? req.content.get(String.self, at: "endedOn")) ?? ""
        return try await attempt(req, permitCase, viewer, user, form: "contractEnd", values: ["endedOn": endedOn]) {
            try await req.permits.contractEnded(on: endedOn, for: permitCase, by: user)
        }
    }

    func assign(req: Request) async throws -> Response {
        let (permitCase, viewer, user) = try await caseFor(req)
        let take = (try? req.content.get(String.self, at: "op")) != "release"
        try await req.permits.assign(permitCase, take: take, as: viewer, by: user)
        return req.redirect(to: SiteURL.permitCase(try permitCase.requireID()).path, redirectType: .normal)
    }

    struct UploadForm: Content {
        var person: String?
        var kind: String?
        var file: File?
    }

    func upload(req: Request) async throws -> Response {
        let (permitCase, viewer, user) = try await caseFor(req)
        let form = (try? req.content.decode(UploadForm.self)) ?? UploadForm()
        return try await attempt(req, permitCase, viewer, user, anchor: "#persons", form: "upload:\(form.person ?? "")", values: ["kind": form.kind ?? ""]) {
            guard let file = form.file, file.data.readableBytes > 0 else {
                throw AppError.validation(ValidationFailure(field: "file", code: "document.fileRequired"))
            }
            _ = try await req.permits.upload(file.data, kind: form.kind ?? "", person: form.person ?? "", to: permitCase, as: viewer, by: user)
        }
    }

    func download(req: Request) async throws -> Response {
        let (permitCase, viewer, user) = try await caseFor(req)
        guard let documentID = req.parameters.get("documentID", as: UUID.self) else { throw AppError.notFound }
        let (file, data) = try await req.permits.documentFile(documentID, on: permitCase, as: viewer, by: user)
        let response = Response(status: .ok, body: .init(data: data))
        response.headers.replaceOrAdd(name: .contentType, value: file.contentType)
        response.headers.replaceOrAdd(name: .contentDisposition, value: "inline; filename=\"\(file.kind).\(file.contentType.split(separator: "/").last ?? "bin")\"")
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }

    func review(req: Request) async throws -> Response {
        let (permitCase, viewer, user) = try await caseFor(req)
        guard let documentID = req.parameters.get("documentID", as: UUID.self) else { throw AppError.notFound }
        let form = (try? req.content.decode([String: String].self)) ?? [:]
        return try await attempt(req, permitCase, viewer, user, anchor: "#persons", form: "review:\(documentID.uuidString.lowercased())", values: form) {
            let review = DocumentReview(accept: form["decision"] == "accept", reason: form["reason"], passportNumber: form["passportNumber"],
                                        passportExpiresOn: form["passportExpiresOn"])
            try await req.permits.review(documentID, on: permitCase, review, as: viewer, by: user)
        }
    }
}
