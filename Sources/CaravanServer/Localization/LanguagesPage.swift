import CaravanDomain
import CaravanMatching
import Foundation
import Vapor

/// How complete each interface language is, counted from the catalogues and the taxonomy as they ship:
/// messages present, messages that read exactly as the Russian (names and codes, or not yet translated), and
/// taxonomy entries named in the language. Public, so a reader knows what to expect before choosing one.
struct LanguagesPage: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(SiteURL.languages.pathComponents, use: show)
    }

    struct Row: Encodable {
        let code: String
        let name: String
        let messages: String
        let sameAsRussian: String
        let taxonomy: String
        let review: String
        let switchURL: String
    }

    struct Page: Encodable {
        let layout: PageLayout
        let rows: [Row]
    }

    /// Languages whose catalogues a native speaker has read through; the others are machine-assisted drafts.
    static let reviewed: Set<String> = ["ru", "en"]

    func show(req: Request) async throws -> Response {
        let catalogs = req.application.catalogs
        let all = catalogs.catalogs.values.reduce(into: Set<String>()) { $0.formUnion($1.messages.keys) }
        let russian = catalogs.catalogs[.russian]?.messages ?? [:]
        let taxonomy = req.application.skillTaxonomy
        let named: [any TaxonomyNamed] = taxonomy.groups.map { $0 as any TaxonomyNamed } + taxonomy.skills.map { $0 } + taxonomy.occupations.map { $0 }
        let rows = catalogs.languages.sorted(by: LanguageCode.interfaceFirst).map { code -> Row in
            let messages = catalogs.catalogs[code]?.messages ?? [:]
            let present = all.filter { messages[$0] != nil }.count
            let same = code == .russian ? 0 : messages.filter { russian[$0.key] == $0.value }.count
            let namedCount = named.filter { $0.isNamed(in: code.rawValue) }.count
            var components = URLComponents()
            components.path = SiteURL.language(code).path
            components.queryItems = [URLQueryItem(name: "next", value: SiteURL.languages.path)]
            return Row(
                code: code.rawValue, name: catalogs.text("language.self", in: code),
                messages: req.t("languages.share", ["part": Self.number(present, req), "whole": Self.number(all.count, req),
                                                    "percent": Self.percent(present, of: all.count, req)]),
                sameAsRussian: Self.number(same, req),
                taxonomy: req.t("languages.share", ["part": Self.number(namedCount, req), "whole": Self.number(named.count, req),
                                                    "percent": Self.percent(namedCount, of: named.count, req)]),
                review: req.t(Self.reviewed.contains(code.rawValue) ? "languages.reviewed" : "languages.draft"),
                switchURL: components.string ?? components.path
            )
        }
        return try await req.renderPage("languages", Page(layout: try PageLayout(request: req, titleKey: "languages.title"), rows: rows))
    }

    static func number(_ value: Int, _ req: Request) -> String { ReasonWriter.money(value, req.language) }

    static func percent(_ part: Int, of whole: Int, _ req: Request) -> String {
        guard whole > 0 else { return "—" }
        // Never "100 %" while one message is missing: 2,132 of 2,133 reads 99.9 %.
        let ratio = part < whole ? min(Double(part) / Double(whole), 0.999) : 1
        return ObservatoryView.percent(ratio, req.language)
    }
}
