import CaravanDomain
import CaravanPermits
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

    /// A message whose arguments are stored as keys and ISO dates (rule findings, notices, field errors),
    /// with those arguments turned into words first.
    func text(_ key: String, _ arguments: [String: String]) -> String {
        t(key, ArgumentText.localize(arguments, in: language, catalogs: application.catalogs))
    }

    /// A field error's message in this request's language.
    func message(for error: FieldError) -> String {
        text("error.\(error.code)", error.arguments)
    }

    /// One rule in the way of an approval: whose, and what it says.
    func blockedRuleText(_ blocked: AppError.BlockedRule) -> String {
        t("permit.blocked", ["person": blocked.name, "rule": text(blocked.key, blocked.arguments)])
    }

    /// Why approvals were refused, as one paragraph for a page: the rule of the house, then each rule in the way.
    func blockedApprovalsText(_ rules: [AppError.BlockedRule]) -> String {
        ([t("problem.permit-approval-blocked.detail")] + rules.map(blockedRuleText)).joined(separator: " ")
    }

    /// A moment (a history step, a notice) in Moscow time, as this language writes a date and a time.
    func moment(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: language.rawValue)
        formatter.dateStyle = .medium
        formatter.timeStyle = .short
        formatter.timeZone = PermitRegistry.moscow
        return formatter.string(from: date)
    }

    /// A civil date (`YYYY-MM-DD`) as this language writes it; anything else as it is.
    func date(_ text: String?) -> String {
        guard let text, let date = CalendarDate(text) else { return text ?? "" }
        return ArgumentText.longDate(date, in: language)
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
