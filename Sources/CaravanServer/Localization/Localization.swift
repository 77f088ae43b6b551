import CaravanDomain
import Foundation
import Vapor

extension Application {
    private struct CatalogsKey: StorageKey {
        typealias Value = MessageCatalogs
    }

    /// The message catalogues, loaded once at start from the bundled `Locales` folder.
    var catalogs: MessageCatalogs {
        get {
            guard let catalogs = storage[CatalogsKey.self] else {
                preconditionFailure("configure loads the catalogues before any request")
            }
            return catalogs
        }
        set { storage[CatalogsKey.self] = newValue }
    }
}

enum Localization {
    /// The cookie that remembers a chosen language for a year.
    static let cookieName = "caravan_lang"

    static var localesFolder: URL {
        Bundle.module.resourceURL!.appendingPathComponent("Locales")
    }
}

extension Request {
    private struct LanguageKey: StorageKey {
        typealias Value = LanguageCode
    }

    /// The language of this request: a chosen one (cookie), else the browser's (`Accept-Language`), else Russian.
    var language: LanguageCode {
        if let cached = storage[LanguageKey.self] { return cached }
        let catalogs = application.catalogs
        let language = cookies[Localization.cookieName].flatMap { LanguageCode(rawValue: $0.string) }
            .flatMap { catalogs.languages.contains($0) ? $0 : nil }
            ?? headers.first(name: .acceptLanguage).flatMap {
                LanguageNegotiation.preferred(acceptLanguage: $0, supported: catalogs.languages)
            }
            ?? catalogs.fallback
        storage[LanguageKey.self] = language
        return language
    }

    /// A message in this request's language.
    func t(_ key: String, _ arguments: [String: String] = [:]) -> String {
        application.catalogs.text(key, in: language, arguments)
    }

    /// A field error's message in this request's language.
    func message(for error: FieldError) -> String {
        t("error.\(error.code)", error.arguments)
    }
}

extension Localization {
    /// The language cookie: a year long, readable by pages only over HTTP, sent on top-level navigation.
    static func cookie(for language: LanguageCode, secure: Bool) -> HTTPCookies.Value {
        HTTPCookies.Value(
            string: language.rawValue, maxAge: 365 * 24 * 3600, path: "/",
            isSecure: secure, isHTTPOnly: true, sameSite: .lax
        )
    }
}
