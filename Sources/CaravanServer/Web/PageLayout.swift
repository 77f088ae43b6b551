import CaravanDomain
import Foundation
import Vapor

/// What the shared layout needs on every page: language, title, navigation for the role, the signed-in
/// person, the CSRF token for forms and the language switcher.
struct PageLayout: Encodable {
    struct Link: Encodable {
        let href: String
        let label: String
        let current: Bool
        var code: String? = nil
    }

    struct SignedIn: Encodable {
        let displayName: String
        let role: String
    }

    let lang: String
    let title: String
    let nav: [Link]
    let user: SignedIn?
    let csrf: String
    /// A one-time token for the forms that create something: the second submit of the same form is answered as
    /// the first was (see IdempotencyMiddleware) instead of creating a second thing. Random, not a secret: it
    /// counts only within the signed-in account (or among sign-ups).
    let formToken: String
    let languages: [Link]
    /// The page that says how complete each language is.
    let languagesURL: String
    let signOutURL: String
    let signInURL: String
    let signUpURL: String
    let stylesheetURL: String
    /// This page's path and query, for forms that come back to it.
    let currentPath: String

    init(request: Request, titleKey: String, titleArguments: [String: String] = [:]) throws {
        let user = request.auth.get(User.self)
        let role = user?.domainRole
        let path = request.url.path
        lang = request.language.rawValue
        title = request.t(titleKey, titleArguments)
        nav = Area.visible(to: role).map { area in
            let url = area == .search && role == .employer ? SiteURL.searchSpecialists
                : area == .permits && role == .migrationOfficer ? SiteURL.officerCases
                : area == .centres && role == .centreStaff ? SiteURL.centreDesk
                : area == .residency && role == .registryOfficer ? SiteURL.registryResidency
                : area == .register && role == .specialist ? SiteURL.companyRegistration
                : area == .register && role == .registryOfficer ? SiteURL.registryCompanies
                : area == .register && role == .admin ? SiteURL.adminAccreditations
                : area == .grants && role == .admin ? SiteURL.adminGrants
                : area == .grants && (role == .centreStaff || role == .universityAdmissions) ? SiteURL.grantDesk : area.url
            var label = request.t(area == .register && [.specialist, .registryOfficer, .admin].contains(role)
                ? "nav.register.\(role?.rawValue ?? "")" : "nav.\(area.rawValue)")
            if area == .inbox, let unread = request.unreadNotices, unread > 0 { label += " (\(unread))" }
            return Link(href: url.path, label: label, current: url.path == path)
        }
        self.user = user.map { SignedIn(displayName: $0.displayName, role: request.t(role?.messageKey ?? "role.unknown")) }
        csrf = request.sessionsReady ? request.csrfToken : ""
        formToken = UUID().uuidString.lowercased()
        // The whole address, query included: switching language keeps the search, the filters and the page.
        let next = SiteURL.safeLocalPath(request.url.string) ?? SiteURL.safeLocalPath(path) ?? "/"
        languages = request.application.catalogs.languages.sorted(by: LanguageCode.interfaceFirst).map { code in
            var components = URLComponents()
            components.path = SiteURL.language(code).path
            components.queryItems = [URLQueryItem(name: "next", value: next)]
            return Link(
                href: components.string ?? SiteURL.language(code).path,
                label: request.application.catalogs.text("language.self", in: code),
                current: code == request.language,
                code: code.rawValue
            )
        }
        languagesURL = SiteURL.languages.path
        signOutURL = SiteURL.signOut.path
        signInURL = SiteURL.signIn.path
        signUpURL = SiteURL.signUp.path
        stylesheetURL = SiteURL.stylesheet.path
        currentPath = SiteURL.safeLocalPath(request.url.string) ?? path
    }
}

extension Area {
    var url: SiteURL {
        switch self {
        case .home: .home
        case .account: .account
        case .profile: .profile
        case .matches: .matches
        case .applications: .applications
        case .vacancies: .vacancies
        case .company: .company
        case .companies: .adminCompanies
        case .users: .adminUsers
        case .inbox: .inbox
        case .search: .searchVacancies
        case .permits: .permits
        case .entryBans: .registryEntryBans
        case .centres: .centres
        case .residency: .residency
        case .register: .register
        case .grants: .grants
        case .observatory: .observatory
        }
    }
}

extension Request {
    /// Renders a page with a status (forms that failed answer 422, not 200).
    func renderPage(_ template: String, _ context: some Encodable, status: HTTPStatus = .ok) async throws -> Response {
        let response = try await view.render(template, context).encodeResponse(status: status, for: self)
        response.headers.replaceOrAdd(name: .contentLanguage, value: language.rawValue)
        // Pages show personal data; no shared cache may keep them.
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }
}
