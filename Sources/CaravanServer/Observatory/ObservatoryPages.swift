import CaravanDomain
import Foundation
import Vapor

/// The observatory as pages: `/observatory` for everyone (counts of 15 or fewer, and counts that would give one away
/// by subtraction, withheld: each reads "≤15"), `/observatory/exact` for the ministry's analysts and admins; every table as CSV
/// beside it, the analysts' exports recorded in the audit chain.
struct ObservatoryPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(SiteURL.observatory.pathComponents, use: publicPage)
        routes.get(SiteURL.observatoryCSV("", exact: false).pathComponents) { try await self.csv(req: $0, exact: false) }
        let signedIn = routes.grouped(SignedInOnly())
        signedIn.get(SiteURL.observatoryExact.pathComponents, use: exactPage)
        signedIn.get(SiteURL.observatoryCSV("", exact: true).pathComponents) { try await self.csv(req: $0, exact: true) }
    }

    struct Page: Encodable {
        let layout: PageLayout
        let view: ObservatoryView
        /// The link to the other view: the exact one for analysts on the public page, the public one back.
        let switchHref: String?
        let switchLabel: String?
    }

    func publicPage(req: Request) async throws -> Response {
        let report = try await req.observatory.report()
        let mayReadExact = ObservatoryPolicy.mayReadExact(req.auth.get(User.self)?.domainRole)
        let flows = try await req.observatory.latestFlows()
        return try await render(req, ObservatoryView(report, exact: false, req: req, flows: flows),
                                switchHref: mayReadExact ? SiteURL.observatoryExact.path : nil, switchLabel: req.t("observatory.toExact"))
    }

    func exactPage(req: Request) async throws -> Response {
        let user = try req.auth.require(User.self)
        guard ObservatoryPolicy.mayReadExact(user.domainRole) else { throw AppError.forbidden }
        let report = try await req.observatory.report()
        let flows = try await req.observatory.latestFlows()
        return try await render(req, ObservatoryView(report, exact: true, req: req, flows: flows), switchHref: SiteURL.observatory.path, switchLabel: req.t("observatory.toPublic"))
    }

    private func render(_ req: Request, _ view: ObservatoryView, switchHref: String?, switchLabel: String) async throws -> Response {
        try await req.renderPage("observatory", Page(
            layout: try PageLayout(request: req, titleKey: view.exact ? "observatory.exactTitle" : "observatory.title"), view: view,
            switchHref: switchHref, switchLabel: switchHref == nil ? nil : switchLabel
        ))
    }

    /// `<table>.csv`: the public figures for everyone; the exact ones for analysts, each download recorded.
    func csv(req: Request, exact: Bool) async throws -> Response {
        guard let file = req.parameters.get("file"), file.hasSuffix(".csv") else { throw AppError.notFound }
        let id = String(file.dropLast(4))
        guard ObservatoryTable.ids.contains(id) else { throw AppError.notFound }
        if exact {
            let user = try req.auth.require(User.self)
            guard ObservatoryPolicy.mayReadExact(user.domainRole) else { throw AppError.forbidden }
        }
        let report = try await req.observatory.report()
        guard let table = report.table(id), exact || table.isPublic else { throw AppError.notFound }
        // A HEAD asks about the file without taking it: nothing exported, nothing recorded.
        if exact, req.method != .HEAD, let user = req.auth.get(User.self) { try await req.observatory.recordExport(table: id, format: "csv", by: user) }
        let view = ObservatoryView.table(table, report: report, exact: exact, req: req)
        let response = Response(status: .ok, body: .init(string: ObservatoryView.csv(view)))
        response.headers.replaceOrAdd(name: .contentType, value: "text/csv; charset=utf-8")
        let name = "caravan-\(id)\(exact ? "-exact" : "")-\(req.language.rawValue).csv"
        response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(name)\"")
        response.headers.replaceOrAdd(name: .contentLanguage, value: req.language.rawValue)
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }
}
