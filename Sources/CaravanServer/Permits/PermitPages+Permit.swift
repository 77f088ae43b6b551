import CaravanDomain
import CaravanPermits
import Fluent
import Foundation
import Vapor

/// The issued permit: its printable page, its signed file, and the public verification page.
extension PermitPages {
    // MARK: The permit

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
        guard CasePolicy.maySeePersons(viewer), let document = permitCase.issuedDocument else { throw AppError.notFound }
        return try await req.renderPage("permit-print", PrintPage(
            layout: try PageLayout(request: req, titleKey: "permit.print.title"), number: document.number, issued: req.date(document.issuedOn),
            persons: document.persons.map { .init(name: $0.name, relation: req.t($0.relation == "principal" ? "permit.principal" : "relation.\($0.relation)"), birthDate: req.date($0.birthDate)) },
            company: permitCase.sponsor.legalName, signature: permitCase.permitSignature ?? "", verifyURL: SiteURL.verify(document.number).path,
            fileURL: SiteURL.permitFile(id).path
        ))
    }

    func file(req: Request) async throws -> Response {
        let user = try req.auth.require(User.self)
        guard let id = req.parameters.get("caseID", as: UUID.self) else { throw AppError.notFound }
        let (permitCase, viewer) = try await req.permits.visible(id, to: user)
        guard CasePolicy.maySeePersons(viewer), let document = permitCase.issuedDocument, let signature = permitCase.permitSignature else { throw AppError.notFound }
        let signed = PermitDocument.Signed(permit: document, signature: signature, publicKey: req.application.permitRegistry.signer.publicKeyBase64)
        return try ResidencyPages.jsonFile(signed, name: "\(document.number).json")
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
        // One address for every number Caravan issues: a residency card's starts with DR-.
        if number.hasPrefix("DR-") { return try await RegistryResidencyPages.verify(req, number: number) }
        // A company's OGRN: its page shows the extract and the check of its signature.
        if number.count == 13, number.allSatisfy({ $0.isASCII && $0.isNumber }) {
            return req.redirect(to: SiteURL.registeredCompany(number).path, redirectType: .normal)
        }
        guard let verified = try await req.permits.verify(number: number) else {
            return try await req.renderPage("verify", VerifyPage(
                layout: try PageLayout(request: req, titleKey: "verify.title"), number: number, valid: false, reason: req.t("verify.unknown"),
                issued: nil, holder: nil, personCount: 0, status: nil
            ), status: .notFound)
        }
        let document = verified.document
        let holder = document.persons.first.map { person -> String in
            let parts = person.name.split(separator: " ")
            return ([String(parts.first ?? "")] + parts.dropFirst().map { "\($0.prefix(1))." }).joined(separator: " ")
        }
        return try await req.renderPage("verify", VerifyPage(
            layout: try PageLayout(request: req, titleKey: "verify.title"), number: number, valid: verified.verdict == .valid,
            reason: verified.verdict == .valid ? nil : req.t("verify.altered"), issued: req.date(document.issuedOn), holder: holder,
            personCount: document.persons.count, status: Self.statusLabel(verified.permitCase, for: .sponsor, req)
        ))
    }

    func signingKey(req: Request) async throws -> Response {
        let response = Response(status: .ok, body: .init(string: "ed25519 " + req.application.permitRegistry.signer.publicKeyBase64 + "\n"))
        response.headers.contentType = .plainText
        return response
    }
}
