import CaravanDomain
import Testing

@Suite struct LanguageNegotiationTests {
    let supported: Set<LanguageCode> = [.russian, .english]

    @Test(arguments: [
        ("ru-RU,ru;q=0.9,en-US;q=0.8,en;q=0.7", "ru"),
        ("en-US,en;q=0.9", "en"),
        ("uz-UZ,uz;q=0.9,en;q=0.5,ru;q=0.4", "en"),
        ("ru;q=0.1, en;q=0.2", "en"),
        ("EN", "en"),
        ("ru", "ru"),
        ("en", "en"),
        ("kk", nil),
        (" ru", "ru"),
        ("rus", nil),
        ("kk, ru;q=0", nil),
        ("", nil),
        ("*", nil),
        (";;;,,,q=", nil),
    ] as [(String, String?)])
    func picksTheMostPreferredSupportedLanguage(header: String, expected: String?) {
        #expect(LanguageNegotiation.preferred(acceptLanguage: header, supported: supported)?.rawValue == expected)
    }

    @Test func languageCodesAreTwoOrThreeLetters() {
        #expect(LanguageCode(rawValue: "RU")?.rawValue == "ru")
        #expect(LanguageCode(rawValue: "uzb") != nil)
        #expect(LanguageCode(rawValue: "r") == nil)
        #expect(LanguageCode(rawValue: "ru-RU") == nil)
        #expect(LanguageCode(rawValue: "../x") == nil)
    }
}

@Suite struct MessageCatalogTests {
    @Test func fillsPlaceholdersAndFallsBack() {
        let catalogs = MessageCatalogs(
            catalogs: [
                .russian: MessageCatalog(language: .russian, messages: ["hello": "Привет, {name}!", "only.ru": "Только"]),
                .english: MessageCatalog(language: .english, messages: ["hello": "Hello, {name}!"]),
            ],
            fallback: .russian
        )
        #expect(catalogs.text("hello", in: .english, ["name": "Aziz"]) == "Hello, Aziz!")
        #expect(catalogs.text("only.ru", in: .english) == "Только")
        #expect(catalogs.text("missing.key", in: .english) == "missing.key")
        #expect(catalogs.missingKeys(in: .english) == ["only.ru"])
        #expect(catalogs.missingKeys(in: .russian).isEmpty)
    }

    @Test func fillingIsOnePassAndLeavesStrangersAlone() {
        let catalog = MessageCatalog(language: .english, messages: ["t": "{a} and {b}, {unknown}, {a} again; a { brace and {"])
        // A value that looks like a placeholder is not filled again: one pass.
        #expect(catalog.text("t", ["a": "{b}", "b": "two"]) == "{b} and two, {unknown}, {b} again; a { brace and {")
        #expect(catalog.text("t") == "{a} and {b}, {unknown}, {a} again; a { brace and {")
    }
}
