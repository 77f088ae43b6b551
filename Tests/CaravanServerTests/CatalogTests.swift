import CaravanDomain
@testable import CaravanServer
import Foundation
import Testing

/// Every user-facing string comes from the catalogues; these tests fail when a key is missing anywhere.
@Suite struct CatalogTests {
    static let catalogs = try! MessageCatalogs.load(from: Localization.localesFolder)
    static let viewsFolder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Sources/CaravanServer/Resources/Views")

    @Test func russianAndEnglishExist() {
        #expect(Self.catalogs.languages.isSuperset(of: [.russian, .english]))
    }

    @Test func everyCatalogueHasEveryKey() {
        for language in Self.catalogs.languages {
            let missing = Self.catalogs.missingKeys(in: language)
            #expect(missing.isEmpty, "\(language) lacks \(missing.sorted())")
        }
    }

    @Test func noMessageIsEmpty() {
        for (language, catalog) in Self.catalogs.catalogs {
            let empty = catalog.messages.filter { $0.value.trimmingCharacters(in: .whitespaces).isEmpty }.keys
            #expect(empty.isEmpty, "\(language) has empty messages: \(empty.sorted())")
        }
    }

    @Test func everyKeyTheTemplatesUseExists() throws {
        let files = try FileManager.default.contentsOfDirectory(at: Self.viewsFolder, includingPropertiesForKeys: nil)
        let pattern = try Regex(#"#t\("([A-Za-z0-9_.\-]+)""#)
        var used: Set<String> = []
        for file in files where file.pathExtension == "leaf" {
            let text = try String(contentsOf: file, encoding: .utf8)
            for match in text.matches(of: pattern) {
                if let key = match.output[1].substring { used.insert(String(key)) }
            }
        }
        #expect(used.count > 30)
        for language in Self.catalogs.languages {
            let missing = used.filter { Self.catalogs.catalogs[language]?.messages[$0] == nil }
            #expect(missing.isEmpty, "\(language) lacks template keys \(missing.sorted())")
        }
    }

    /// The matching engine names its reasons by key; each one it can emit must read in every language.
    @Test func everyMatchReasonTheEngineEmitsHasAMessage() throws {
        let folder = Self.viewsFolder.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("CaravanMatching")
        let pattern = try Regex(#""(match\.[a-z]+\.[a-z\-]+)""#)
        var keys: Set<String> = []
        for file in try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil) where file.pathExtension == "swift" {
            for match in try String(contentsOf: file, encoding: .utf8).matches(of: pattern) {
                if let key = match.output[1].substring { keys.insert(String(key)) }
            }
        }
        #expect(keys.count >= 20)
        for language in Self.catalogs.languages {
            let missing = keys.filter { Self.catalogs.catalogs[language]?.messages[$0] == nil }
            #expect(missing.isEmpty, "\(language) lacks \(missing.sorted())")
        }
    }

    @Test func everyRoleAreaAndProblemHasItsMessages() {
        var keys = Role.allCases.map(\.messageKey) + Area.allCases.map { "nav.\($0.rawValue)" }
        let problems: [AppError] = [
            .validation(ValidationFailure([])), .malformedRequest, .conflict(code: "account-email-taken"),
            .unauthorized(code: "invalid-credentials"), .unauthorized(code: "token-invalid"), .unauthorized(code: "token-revoked"),
            .unauthorized(code: "token-expired"), .unauthorized(code: "authentication-required"), .forbidden, .csrfRejected,
            .notFound, .methodNotAllowed(allowed: []), .payloadTooLarge, .throttled(retryAfter: 1),
            .conflict(code: "company-exists"), .conflict(code: "company-already-registered"), .conflict(code: "company-required"),
            .conflict(code: "application-exists"), .stageConflict(current: "applied"), .conflict(code: "vacancy-not-published"),
            .conflict(code: "already-member"), .conflict(code: "member-elsewhere"), .conflict(code: "invitation-exists"),
            .conflict(code: "invitation-used"), .unsupportedMediaType, .conflict(code: "permit-needs-accepted-offer"),
            .conflict(code: "permit-case-exists"), .conflict(code: "permit-same-officer"), .conflict(code: "permit-assigned"),
        ]
        keys += problems.flatMap { ["problem.\($0.slug).title", "problem.\($0.slug).detail"] } + ["problem.internal.title", "problem.internal.detail"]
        for language in Self.catalogs.languages {
            let missing = keys.filter { Self.catalogs.catalogs[language]?.messages[$0] == nil }
            #expect(missing.isEmpty, "\(language) lacks \(missing)")
        }
    }

    @Test func everyValidationCodeHasAMessage() {
        // Provoke every rule the sign-up has, and check each code it reports can be shown.
        let requests = [
            SignUpRequest(email: "", password: "", displayName: "", role: "x", language: "zz"),
            SignUpRequest(email: "bad", password: String(repeating: "x", count: 200), displayName: String(repeating: "x", count: 200), role: "admin"),
            SignUpRequest(email: "a@b.co", password: "A@B.CO-A@B.CO", displayName: "\u{1}", role: "specialist"),
            SignUpRequest(email: "same@b.co", password: "SAME@B.CO", displayName: "A", role: "specialist"),
        ]
        var codes: Set<String> = ["field.required", "field.type"]
        for request in requests {
            do {
                _ = try SignUpRules.validate(request, allowedRoles: [.specialist], languages: [.russian], defaultLanguage: .russian)
            } catch {
                codes.formUnion(error.errors.map(\.code))
            }
        }
        for request in [
            CompanyRegistrationRequest(legalName: "", inn: "", ogrn: "", city: "", size: ""),
            CompanyRegistrationRequest(legalName: String(repeating: "x", count: 400), inn: "1", ogrn: "1", city: String(repeating: "x", count: 200), size: "x"),
            CompanyRegistrationRequest(legalName: "x", inn: "500100732259", ogrn: "304500125000002", city: "x", size: "x"),
        ] {
            do { _ = try CompanyRules.validate(request) } catch { codes.formUnion(error.errors.map(\.code)) }
        }
        for (number, date) in [("", ""), ("bad number!", "2999-01-01"), ("x", "2025-02-30")] {
            do { _ = try AccreditationRules.validate(.init(accredited: true, registryNumber: number, date: date), today: "2026-01-01") }
            catch { codes.formUnion(error.errors.map(\.code)) }
        }
        #expect(codes.count >= 20)
        for language in Self.catalogs.languages {
            let missing = codes.filter { Self.catalogs.catalogs[language]?.messages["error.\($0)"] == nil }
            #expect(missing.isEmpty, "\(language) lacks \(missing.sorted())")
        }
    }
}
