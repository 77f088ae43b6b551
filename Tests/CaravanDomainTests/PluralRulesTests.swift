import CaravanDomain
import Testing

@Suite struct PluralRulesTests {
    let russian = LanguageCode(rawValue: "ru")!
    let english = LanguageCode(rawValue: "en")!

    @Test func russianTakesOneFewAndMany() {
        let expected: [Int: PluralCategory] = [
            0: .many, 1: .one, 2: .few, 4: .few, 5: .many, 11: .many, 12: .many, 14: .many, 20: .many, 21: .one,
            22: .few, 25: .many, 101: .one, 111: .many, 112: .many, 122: .few,
        ]
        for (number, category) in expected {
            #expect(PluralRules.category(of: number, in: russian) == category, "\(number)")
        }
    }

    @Test func englishTakesOneAndOther() {
        #expect(PluralRules.category(of: 1, in: english) == .one)
        for number in [0, 2, 11, 21] { #expect(PluralRules.category(of: number, in: english) == .other) }
    }

    @Test func aCatalogueChoosesTheFormAndFillsTheNumber() {
        let template = "Осталось {days, plural, one {# рабочий день} few {# рабочих дня} many {# рабочих дней} other {# рабочего дня}} до {date}."
        let catalog = MessageCatalog(language: russian, messages: ["left": template])
        #expect(catalog.text("left", ["days": "1", "date": "1 мая"]) == "Осталось 1 рабочий день до 1 мая.")
        #expect(catalog.text("left", ["days": "3", "date": "1 мая"]) == "Осталось 3 рабочих дня до 1 мая.")
        #expect(catalog.text("left", ["days": "11", "date": "1 мая"]) == "Осталось 11 рабочих дней до 1 мая.")
        let english = MessageCatalog(language: english, messages: ["left": "{days, plural, one {# working day} other {# working days}} left"])
        #expect(english.text("left", ["days": "1"]) == "1 working day left")
        #expect(english.text("left", ["days": "0"]) == "0 working days left")
    }

    @Test func aSelectorWithoutANumberIsLeftAsWritten() {
        let catalog = MessageCatalog(language: russian, messages: ["k": "{n, plural, one {# день} many {# дней}} и {x}"])
        #expect(catalog.text("k", ["n": "много", "x": "y"]) == "{n, plural, one {# день} many {# дней}} и y")
    }
}
