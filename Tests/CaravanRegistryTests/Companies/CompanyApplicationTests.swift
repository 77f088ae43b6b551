import CaravanDomain
import Foundation
import Testing
@testable import CaravanRegistry

/// The application's rules: every problem with its field and code, warnings apart from errors.
@Suite struct CompanyApplicationTests {
    typealias Fx = CompanyFixtures

    @Test func aGoodApplicationHasNoProblems() {
        let report = Fx.report(Fx.application())
        #expect(report.errors == [])
        #expect(report.warnings == [])
        #expect(report.isValid)
        #expect(report.nameComparison == .distinct)
        #expect(throws: Never.self) { try report.check() }
    }

    @Test func aDirectorFromOutsideTheEAEUIsWarnedNotRefused() {
        let report = Fx.report(Fx.application { $0.director = CompanyDirector(userID: "u-aziz", name: "Азиз Каримов", citizenship: Fx.uz) })
        #expect(report.isValid)
        #expect(report.warnings == [FieldError(field: "director.citizenship", code: "company.warning.directorWorkAuthorisation",
                                               arguments: ["citizenship": "UZ"])])
        for country in ["KZ", "KG", "AM", "BY", "RU"] {
            let eaeu = Fx.report(Fx.application { $0.director.citizenship = CountryCode(rawValue: country)! })
            #expect(eaeu.warnings.isEmpty, "\(country)")
        }
    }

    @Test func nameProblems() {
        #expect(Fx.codes { $0.nameCore = "Caravan Soft" }["name"] == ["company.nameLatin"])
        #expect(Fx.codes { $0.nameCore = "" }["name"] == ["field.required"])
        #expect(Fx.codes { $0.nameCore = "ООО Караван" }["name"] == ["company.nameLegalForm"])
        #expect(Fx.codes { $0.otherLanguageName = "Caravan Soft LLC" }.isEmpty)
        #expect(Fx.codes { $0.otherLanguageName = "Caravan ✈︎" }["otherLanguageName"] == ["company.nameCharacters"])
    }

    @Test func officialWordsNeedAPermission() {
        #expect(Fx.codes { $0.nameCore = "Российский Караван" }["permission"] == ["company.namePermissionRequired"])
        #expect(Fx.codes { $0.otherLanguageName = "Caravan Russia" }["permission"] == ["company.namePermissionRequired"])
        #expect(Fx.codes { $0.nameCore = "Российский Караван"; $0.permission = "Минюст России, разрешение № 12-345 от 01.02.2026" }.isEmpty)
        #expect(Fx.codes { $0.nameCore = "Роскошный Караван" }.isEmpty)
        let report = Fx.report(Fx.application { $0.nameCore = "РосКараван РФ" })
        #expect(report.errors.first { $0.field == "permission" }?.arguments["words"] == "РосКараван, РФ")
    }

    @Test func theRegisterDecidesIdenticalAndSimilar() {
        let taken = Fx.report(Fx.application(), existing: [("ООО «КАРАВАН-СОФТ»", "62.01")])
        #expect(taken.codes(for: "name") == ["company.nameTaken"])
        #expect(taken.nameComparison == .identical("ООО «КАРАВАН-СОФТ»"))
        let otherActivity = Fx.report(Fx.application(), existing: [("ООО «КАРАВАН-СОФТ»", "47.91")])
        #expect(otherActivity.isValid)
        #expect(otherActivity.warnings.map(\.code) == ["company.warning.nameSimilar"])
        #expect(otherActivity.warnings.first?.arguments["names"] == "ООО «КАРАВАН-СОФТ»")
    }

    @Test func addressProblems() {
        #expect(Fx.codes { $0.address.regionCode = "7" }["address.regionCode"] == ["address.regionCodeInvalid"])
        #expect(Fx.codes { $0.address.regionCode = "00" }["address.regionCode"] == ["address.regionCodeInvalid"])
        #expect(Fx.codes { $0.address.regionCode = "7А" }["address.regionCode"] == ["address.regionCodeInvalid"])
        #expect(Fx.codes { $0.address.regionCode = "" }["address.regionCode"] == ["field.required"])
        #expect(Fx.codes { $0.address.regionCode = "78" }.isEmpty)
        #expect(Fx.codes { $0.address.regionCode = "99" }.isEmpty)
        #expect(Fx.codes { $0.address.postcode = "10100" }["address.postcode"] == ["address.postcodeInvalid"])
        #expect(Fx.codes { $0.address.postcode = "1010000" }["address.postcode"] == ["address.postcodeInvalid"])
        #expect(Fx.codes { $0.address.postcode = "１０１０００" }["address.postcode"] == ["address.postcodeInvalid"])
        #expect(Fx.codes { $0.address.text = " \n" }["address.text"] == ["field.required"])
        #expect(Fx.codes { $0.address.text = String(repeating: "д", count: 501) }["address.text"] == ["text.tooLong"])
    }

    @Test func capitalAndShareProblems() {
        #expect(Fx.codes { $0.capitalKopecks = 999_999 }["capital"] == ["company.capitalBelowMinimum"])
        #expect(Fx.codes { $0.founders[1].share = Fx.fraction("1/3") }["founders"] == ["company.sharesNotWhole"])
        let zero = Fx.codes { $0.founders[0].share = Fx.fraction("1"); $0.founders[1].share = .zero }
        #expect(zero["founders[1].share"] == ["company.shareNotPositive"])
        #expect(zero["founders"] == nil)
        let thirds = Fx.codes {
            $0.founders.append(.person(userID: "u-timur", name: "Тимур Алиев", citizenship: Fx.kg, isResident: true, share: Fx.fraction("1/3")))
            for index in 0..<3 { $0.founders[index].share = Fx.fraction("1/3") }
        }
        #expect(thirds["founders[0].share"] == ["company.nominalNotWholeKopecks"])
        #expect(thirds["founders"] == nil)
        #expect(Fx.codes {
            $0.capitalKopecks = 1_020_000
            $0.founders.append(.person(userID: "u-timur", name: "Тимур Алиев", citizenship: Fx.kg, isResident: true, share: Fx.fraction("1/3")))
            for index in 0..<3 { $0.founders[index].share = Fx.fraction("1/3") }
        }.isEmpty)
    }

    @Test func founderProblems() {
        #expect(Fx.codes { $0.founders = [] }["founders"] == ["company.foundersRequired"])
        #expect(Fx.codes { $0.founders[1] = .company(ogrn: "1027700132195", name: "ПАО Сбербанк", share: Fx.fraction("1/2")) }.isEmpty)
        #expect(Fx.codes { $0.founders[1] = .company(ogrn: "1027700132194", name: "ПАО Сбербанк", share: Fx.fraction("1/2")) }["founders[1].ogrn"]
            == ["ogrn.invalid"])
        #expect(Fx.codes { $0.founders[1] = .company(ogrn: "304500116000157", name: "ИП Иванов", share: Fx.fraction("1/2")) }["founders[1].ogrn"]
            == ["ogrn.notOrganisation"])
        #expect(Fx.codes { $0.founders[1] = .company(ogrn: "", name: "", share: Fx.fraction("1/2")) } == [
            "founders[1].ogrn": ["field.required"], "founders[1].name": ["field.required"],
        ])
        #expect(Fx.codes { $0.founders[1] = .person(userID: " ", name: "", citizenship: Fx.ru, isResident: false, share: Fx.fraction("1/2")) } == [
            "founders[1].userID": ["field.required"], "founders[1].name": ["field.required"],
        ])
        #expect(Fx.codes { $0.founders[1] = $0.founders[0] }["founders[1]"] == ["company.founderDuplicate"])
        let fiftyOne = Fx.codes { application in
            application.founders = (0..<51).map { .person(userID: "u-\($0)", name: "Участник \($0)", citizenship: Fx.kg, isResident: true,
                                                         share: Fraction(reducing: 1, 51)!) }
            application.capitalKopecks = 1_020_000
        }
        #expect(fiftyOne["founders"] == ["company.tooManyFounders"])
    }

    @Test func directorProblems() {
        #expect(Fx.codes { $0.director.userID = "" }["director.userID"] == ["field.required"])
        #expect(Fx.codes { $0.director.name = " " }["director.name"] == ["field.required"])
    }

    @Test func activityCodeProblems() {
        #expect(Fx.codes { $0.mainActivity = "" }["okved.main"] == ["field.required"])
        #expect(Fx.codes { $0.mainActivity = "99.99" }["okved.main"] == ["okved.unknown"])
        #expect(Fx.codes { $0.mainActivity = "58.29.1" }["okved.main"] == ["okved.unknown"])
        #expect(Fx.codes { $0.mainActivity = "программы" }["okved.main"] == ["okved.invalid"])
        #expect(Fx.codes { $0.mainActivity = "62" }["okved.main"] == ["okved.tooGeneral"])
        #expect(Fx.codes { $0.mainActivity = "62.0" }["okved.main"] == ["okved.tooGeneral"])
        #expect(Fx.codes { $0.mainActivity = " 62,01 " }.isEmpty)
        #expect(Fx.codes { $0.additionalActivities = ["62.01"] }["okved.additional[0]"] == ["okved.sameAsMain"])
        #expect(Fx.codes { $0.additionalActivities = ["62.02", "62.02"] }["okved.additional[1]"] == ["okved.duplicate"])
        #expect(Fx.codes { $0.additionalActivities = ["62.02", "12.34"] }["okved.additional[1]"] == ["okved.unknown"])
        #expect(Fx.codes { $0.additionalActivities = ["63"] }["okved.additional[0]"] == ["okved.tooGeneral"])
        #expect(Fx.codes { $0.additionalActivities = [""] }["okved.additional[0]"] == ["field.required"])
        let known = Fx.classifier.entries.filter { $0.digitCount >= 4 && $0.code != "62.01" }.map(\.code)
        #expect(Fx.codes { $0.additionalActivities = Array(known.prefix(57)) }.isEmpty)
        #expect(Fx.codes { $0.additionalActivities = Array(known.prefix(58)) }["okved.additional"] == ["okved.tooMany"])
    }

    @Test func legalForm() throws {
        let uzbek = CompanyRequester(citizenship: Fx.uz, hasResidencePermit: false)
        let ip = Fx.report(Fx.application { $0.legalForm = .ip }, requester: uzbek)
        #expect(ip.codes(for: "legalForm") == ["company.ipNeedsResidencePermit"])
        #expect(Fx.report(Fx.application { $0.legalForm = .ip }).codes(for: "legalForm") == ["company.ipNeedsResidencePermit"])
        let withPermit = CompanyRequester(citizenship: Fx.uz, hasResidencePermit: true)
        #expect(Fx.report(Fx.application { $0.legalForm = .ip }, requester: withPermit).codes(for: "legalForm") == ["company.ipNotOffered"])
        #expect(Fx.report(Fx.application(), requester: uzbek).isValid, "an ООО is open to a foreign citizen without a permit")
    }

    @Test func everyProblemAtOnce() {
        let report = Fx.report(Fx.application {
            $0.nameCore = "Soft"
            $0.address.postcode = "1"
            $0.capitalKopecks = 100
            $0.mainActivity = "00.00"
        })
        #expect(Set(report.errors.map(\.field)) == ["name", "address.postcode", "capital", "okved.main"])
        #expect(throws: ValidationFailure.self) { try report.check() }
    }
}
