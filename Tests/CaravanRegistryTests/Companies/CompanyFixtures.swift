import CaravanDomain
import CaravanPermits
import Foundation
@testable import CaravanRegistry

/// A reproducible source of randomness for the property-style loops (SplitMix64), so a failure replays.
struct CompanyRandom: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// One good application (two founders, a Kyrgyz digital resident who directs and a Russian co-founder) and the
/// bundled data, shared by the company tests.
enum CompanyFixtures {
    static let classifier = try! OkvedClassifier.bundled()
    static let calendar = try! WorkingDayCalendar.bundledRussia()
    static let kg = CountryCode(rawValue: "KG")!
    static let ru = CountryCode(rawValue: "RU")!
    static let uz = CountryCode(rawValue: "UZ")!

    static func fraction(_ text: String) -> Fraction { Fraction(parsing: text)! }

    static func application(_ change: (inout CompanyApplication) -> Void = { _ in }) -> CompanyApplication {
        var application = CompanyApplication(
            id: "app-1",
            nameCore: "Караван Софт",
            address: LegalAddress(regionCode: "77", postcode: "101000", text: "г. Москва, ул. Мясницкая, д. 1, офис 5"),
            capitalKopecks: 1_000_000,
            founders: [
                .person(userID: "u-aziz", name: "Азиз Каримов", citizenship: kg, isResident: true, share: fraction("1/2")),
                .person(userID: "u-elena", name: "Елена Смирнова", citizenship: ru, isResident: false, share: fraction("1/2")),
            ],
            director: CompanyDirector(userID: "u-aziz", name: "Азиз Каримов", citizenship: kg),
            mainActivity: "62.01",
            additionalActivities: ["63.11", "62.02"],
            simplifiedTaxNotice: true
        )
        change(&application)
        return application
    }

    static func report(_ application: CompanyApplication, existing: [(name: String, mainActivity: String)] = [],
                       requester: CompanyRequester? = nil) -> CompanyApplicationReport {
        CompanyApplicationRules.validate(application, classifier: classifier, existingNames: existing, requester: requester)
    }

    /// field → codes, errors and warnings together.
    static func codes(_ change: (inout CompanyApplication) -> Void) -> [String: [String]] {
        let report = report(application(change))
        return Dictionary(grouping: report.errors + report.warnings, by: \.field).mapValues { $0.map(\.code) }
    }
}
