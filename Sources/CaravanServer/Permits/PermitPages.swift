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

    /// A status as `viewer` is told it, in words.
    static func statusLabel(_ permitCase: PermitCase, for viewer: CaseViewer, _ req: Request) -> String {
        req.t("permit.status.\(permitCase.status(for: viewer).rawValue)")
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
        let service = req.permits
        let rows = try await service.cases(visibleTo: user).map { permitCase, viewer in
            let clock = service.clock(of: permitCase)
            return Row(url: SiteURL.permitCase(try permitCase.requireID()).path,
                       title: req.t("permit.caseTitle", ["person": permitCase.persons.first?.name ?? "", "company": permitCase.sponsor.legalName]),
                       status: Self.statusLabel(permitCase, for: viewer, req),
                       detail: clock.map { req.t("permit.expected", ["date": req.date($0.expectedDecisionDate.description)]) } ?? "")
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
}
