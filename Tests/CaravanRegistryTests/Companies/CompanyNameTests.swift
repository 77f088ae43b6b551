import CaravanDomain
import Foundation
import Testing
@testable import CaravanRegistry

/// Firm names: built with the legal form, in Russian letters, without another form inside, official words only
/// with a permission, and compared with the register.
@Suite struct CompanyNameTests {
    static func codes(_ core: String) -> [String] {
        var validator = Validator()
        CompanyName.check(core: core, into: &validator)
        return validator.errors.map(\.code)
    }

    @Test func fullAndShortNamesCarryTheLegalForm() throws {
        let name = try CompanyName(core: "  Караван   Софт ")
        #expect(name.core == "Караван Софт")
        #expect(name.full == "Общество с ограниченной ответственностью «Караван Софт»")
        #expect(name.short == "ООО «Караван Софт»")
    }

    @Test func russianLettersDigitsAndPunctuationPass() {
        for core in ["Ромашка", "Ёлки-Палки", "Альфа и Омега", "Север 7", "Фирма «Ромашка»", "Т-1", "Рога & Копыта", "Кодер Икс!"] {
            #expect(Self.codes(core).isEmpty, "\(core)")
        }
    }

    @Test func latinLettersAreRefused() {
        #expect(Self.codes("Caravan Soft") == ["company.nameLatin"])
        #expect(Self.codes("Караван Soft") == ["company.nameLatin"])
        // A Latin letter that looks Cyrillic (the Latin "o" in "Сoфт") is caught too.
        #expect(Self.codes("С\u{006F}фт") == ["company.nameLatin"])
    }

    @Test func otherCharactersAreRefused() {
        #expect(Self.codes("Караван ☺") == ["company.nameCharacters"])
        #expect(Self.codes("Әлем") == ["company.nameCharacters"])
        #expect(Self.codes("Караван @ Софт") == ["company.nameCharacters"])
        #expect(Self.codes("   ") == ["field.required"])
        #expect(Self.codes(String(repeating: "а", count: 251)) == ["company.nameLength"])
    }

    @Test func aLegalFormInsideTheNameIsRefused() {
        #expect(Self.codes("ООО Ромашка") == ["company.nameLegalForm"])
        #expect(Self.codes("Ромашка АО") == ["company.nameLegalForm"])
        #expect(Self.codes("Общество с ограниченной ответственностью Ромашка") == ["company.nameLegalForm"])
        #expect(Self.codes("Таро").isEmpty, "a form's letters inside a word are not a form")
    }

    @Test func readsFullAndShortNames() throws {
        #expect(try CompanyName(fullOrShort: "Общество с ограниченной ответственностью «Ромашка»").core == "Ромашка")
        #expect(try CompanyName(fullOrShort: "ООО «Ромашка»").core == "Ромашка")
        #expect(try CompanyName(fullOrShort: "ООО \"Ромашка\"").core == "Ромашка")
        #expect(try CompanyName(fullOrShort: "ооо Ромашка").core == "Ромашка")
        #expect(try CompanyName(fullOrShort: "ООО «Фирма «Ромашка»»").core == "Фирма «Ромашка»")
        #expect(throws: ValidationFailure(field: "name", code: "company.nameLegalFormMissing")) { try CompanyName(fullOrShort: "«Ромашка»") }
        #expect(throws: ValidationFailure(field: "name", code: "company.nameLegalFormMissing")) { try CompanyName(fullOrShort: "ОООРомашка") }
        #expect(throws: ValidationFailure(field: "name", code: "company.nameLatin")) { try CompanyName(fullOrShort: "ООО «Romashka»") }
    }

    @Test func otherLanguageNameAllowsLatin() {
        var validator = Validator()
        CompanyName.check(otherLanguageName: "Caravan Soft LLC", into: &validator)
        CompanyName.check(otherLanguageName: "", into: &validator)
        #expect(validator.errors.isEmpty)
        CompanyName.check(otherLanguageName: "Caravan ☺", into: &validator)
        #expect(validator.errors.map(\.code) == ["company.nameCharacters"])
        #expect(validator.errors.first?.field == "otherLanguageName")
    }

    @Test func officialWordsAreFound() {
        #expect(CompanyName.officialWords(in: "Россия Софт") == ["Россия"])
        #expect(CompanyName.officialWords(in: "Российские технологии") == ["Российские"])
        #expect(CompanyName.officialWords(in: "Софт Российской Федерации") == ["Российской"])
        #expect(CompanyName.officialWords(in: "Росстрой") == ["Росстрой"])
        #expect(CompanyName.officialWords(in: "РосСтол") == ["РосСтол"])
        #expect(CompanyName.officialWords(in: "РосТех") == ["РосТех"])
        #expect(CompanyName.officialWords(in: "Софт РФ") == ["РФ"])
        #expect(CompanyName.officialWords(in: "Caravan Russia") == ["Russia"])
        #expect(CompanyName.officialWords(in: "Russian Federation Soft") == ["Russian"])
        #expect(CompanyName.officialWords(in: "Soft RF") == ["RF"])
    }

    @Test func lookAlikesAreNotOfficialWords() {
        for name in ["Роскошь", "Ростов Софт", "Россыпь", "Россошь Агро", "Роса", "Росинка", "Просторы", "Перфоросс"] {
            #expect(CompanyName.officialWords(in: name).isEmpty, "\(name)")
        }
    }
}

/// Comparing a new name with the register's, in Russian.
@Suite struct NameComparisonTests {
    static let register: [(name: String, mainActivity: String)] = [
        ("Общество с ограниченной ответственностью «Север-Софт»", "62.01"),
        ("ООО «Ёлка»", "47.91"),
        ("ООО «Северные технологии»", "62.02"),
        ("ООО «Южный ветер»", "73.11"),
    ]

    @Test func identicalNameAndActivityIsRefused() {
        #expect(NameComparison.compare(new: "Север Софт", mainActivity: "62.01", existing: Self.register)
            == .identical("Общество с ограниченной ответственностью «Север-Софт»"))
        #expect(NameComparison.compare(new: "ООО \"СЕВЕРСОФТ\"", mainActivity: " 62.01 ", existing: Self.register)
            == .identical("Общество с ограниченной ответственностью «Север-Софт»"))
        #expect(NameComparison.compare(new: "Елка", mainActivity: "47.91", existing: Self.register) == .identical("ООО «Ёлка»"))
    }

    @Test func identicalNameWithAnotherActivityIsFlagged() {
        #expect(NameComparison.compare(new: "Север-Софт", mainActivity: "63.11", existing: Self.register)
            == .similar(["Общество с ограниченной ответственностью «Север-Софт»"]))
    }

    @Test func sameStemsInTheSameOrderAreFlagged() {
        #expect(NameComparison.compare(new: "Северная технология", mainActivity: "62.01", existing: Self.register)
            == .similar(["ООО «Северные технологии»"]))
        #expect(NameComparison.compare(new: "Северных технологий", mainActivity: "70.22", existing: Self.register)
            == .similar(["ООО «Северные технологии»"]))
        // The Snowball stemmer does not restore a fleeting vowel (ветер / ветра): such pairs are left to the officer.
        #expect(NameComparison.compare(new: "Южного ветра", mainActivity: "62.01", existing: Self.register) == .distinct)
    }

    @Test func otherNamesAreDistinct() {
        #expect(NameComparison.compare(new: "Технологии Севера", mainActivity: "62.02", existing: Self.register) == .distinct)
        #expect(NameComparison.compare(new: "Западные технологии", mainActivity: "62.02", existing: Self.register) == .distinct)
        #expect(NameComparison.compare(new: "Караван Софт", mainActivity: "62.01", existing: []) == .distinct)
    }

    @Test func normalisationSetsAsideCaseQuotesYoSpacesAndForm() {
        #expect(NameComparison.normalized("ООО «Ёлка-Палка»") == "елкапалка")
        #expect(NameComparison.normalized("Общество с ограниченной ответственностью \"ЕЛКА ПАЛКА\"") == "елкапалка")
        #expect(NameComparison.normalized("АО Ёлка палка") == "елкапалка")
        #expect(NameComparison.stems("ООО «Северные технологии»") == NameComparison.stems("Северная технология"))
        #expect(NameComparison.stems("Северные технологии") != NameComparison.stems("Технологии Севера"))
    }
}
