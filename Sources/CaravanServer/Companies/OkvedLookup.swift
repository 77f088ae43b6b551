import CaravanDomain
import CaravanRegistry
import Foundation
import Vapor

extension Application {
    private struct OkvedKey: StorageKey {
        typealias Value = OkvedClassifier
    }

    /// The OKVED 2 classifier, loaded once at start (a broken file stops the start).
    var okved: OkvedClassifier {
        get {
            guard let classifier = storage[OkvedKey.self] else { preconditionFailure("configure loads the OKVED classifier") }
            return classifier
        }
        set { storage[OkvedKey.self] = newValue }
    }
}

/// Looking up activity codes: one query, the same answer for the page and the API.
enum OkvedLookup {
    static let maximumQuery = 100
    static let limits = 1...50

    /// The matches for `query` (trimmed; nothing for a blank one), at most `limit`.
    static func search(_ query: String, limit: Int, in app: Application) -> [OkvedEntry] {
        let text = query.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { return [] }
        return app.okved.search(text, limit: min(max(limit, limits.lowerBound), limits.upperBound)).map(\.entry)
    }
}

/// `/okved`: the classifier searched by code or words, open to everyone, without JavaScript.
struct OkvedPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(SiteURL.okved.pathComponents, use: show)
    }

    struct Line: Encodable {
        let code: String
        let name: String
        let isIT: Bool
    }

    struct Page: Encodable {
        let layout: PageLayout
        let query: String
        let searched: Bool
        let lines: [Line]
        let edition: String
    }

    func show(req: Request) async throws -> Response {
        let query = String(((try? req.query.get(String.self, at: "q")) ?? "").prefix(OkvedLookup.maximumQuery))
        let lines = OkvedLookup.search(query, limit: 30, in: req.application).map {
            Line(code: $0.code, name: $0.name(req.language.rawValue), isIT: $0.isIT)
        }
        return try await req.renderPage("okved", Page(
            layout: try PageLayout(request: req, titleKey: "okved.title"), query: query,
            searched: !query.trimmingCharacters(in: .whitespaces).isEmpty, lines: lines, edition: req.application.okved.edition
        ))
    }
}
