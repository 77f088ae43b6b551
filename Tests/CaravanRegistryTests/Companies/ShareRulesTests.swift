import CaravanDomain
import CaravanPermits
import Foundation
import Testing
@testable import CaravanRegistry

/// The capital's minimum, shares that make the whole, nominal values in whole kopecks, and the payment term.
@Suite struct ShareRulesTests {
    static func problems(capital: Int64 = 1_000_000, _ shares: [String]) -> [String: [String]] {
        var validator = Validator()
        ShareRules.checkCapital(capital, into: &validator)
        ShareRules.checkShares(shares.map { Fraction(parsing: $0)! }, capitalKopecks: capital, into: &validator)
        return Dictionary(grouping: validator.errors, by: \.field).mapValues { $0.map(\.code) }
    }

    @Test func goodSharesPass() {
        #expect(Self.problems(["1/2", "1/2"]).isEmpty)
        #expect(Self.problems(["100%"]).isEmpty)
        #expect(Self.problems(["50%", "0.25", "1/4"]).isEmpty)
        // 1/3 each is whole only for a capital divisible into thirds of a kopeck: 10,200 roubles is.
        #expect(Self.problems(capital: 1_020_000, ["1/3", "1/3", "1/3"]).isEmpty)
    }

    @Test func capitalBelowTheMinimum() throws {
        #expect(Self.problems(capital: 999_999, ["1"])["capital"] == ["company.capitalBelowMinimum"])
        #expect(Self.problems(capital: 1_000_000, ["1"])["capital"] == nil)
        var validator = Validator()
        ShareRules.checkCapital(0, into: &validator)
        #expect(validator.errors.first?.arguments["minimum"] == "10000.00")
    }

    @Test func sharesMustMakeTheWhole() {
        #expect(Self.problems(["1/2", "1/3"])["founders"] == ["company.sharesNotWhole"])
        #expect(Self.problems(["60%", "50%"])["founders"] == ["company.sharesNotWhole"])
        var validator = Validator()
        ShareRules.checkShares([Fraction(parsing: "1/2")!, Fraction(parsing: "1/3")!], capitalKopecks: 1_000_000, into: &validator)
        #expect(validator.errors.first?.arguments["total"] == "5/6")
    }

    @Test func eachShareIsPositive() {
        let problems = Self.problems(["1", "0"])
        #expect(problems["founders[1].share"] == ["company.shareNotPositive"])
        #expect(problems["founders[0].share"] == nil)
        let negative = Self.problems(["3/2", "-1/2"])
        #expect(negative["founders[1].share"] == ["company.shareNotPositive"])
        #expect(negative["founders"] == nil, "3/2 − 1/2 is one: only the sign is wrong")
    }

    @Test func nominalValuesAreWholeKopecks() {
        // 10,000 roubles in thirds is 333,333.33… kopecks: each third is refused.
        let thirds = Self.problems(capital: 1_000_000, ["1/3", "1/3", "1/3"])
        #expect(thirds["founders"] == nil)
        #expect(thirds["founders[0].share"] == ["company.nominalNotWholeKopecks"])
        #expect(thirds["founders[2].share"] == ["company.nominalNotWholeKopecks"])
        #expect(ShareRules.nominalKopecks(capitalKopecks: 1_020_000, share: Fraction(parsing: "1/3")!) == 340_000)
        #expect(ShareRules.nominalKopecks(capitalKopecks: 1_000_000, share: Fraction(parsing: "1/3")!) == nil)
        #expect(ShareRules.nominalKopecks(capitalKopecks: 1_000_000, share: Fraction(parsing: "33.5%")!) == 335_000)
        #expect(ShareRules.nominalKopecks(capitalKopecks: .max, share: Fraction(parsing: "1")!) == .max)
    }

    @Test func nominalValuesAddUpToTheCapital() throws {
        var generator = CompanyRandom(seed: 99)
        for _ in 0..<500 {
            let count = Int.random(in: 1...12, using: &generator)
            let weights = (0..<count).map { _ in Int64.random(in: 1...50, using: &generator) }
            let total = weights.reduce(0, +)
            // A capital divisible by the total weight gives whole nominals that sum to the capital exactly.
            let capital = total * Int64.random(in: 10_000...100_000, using: &generator)
            let shares = weights.map { Fraction(reducing: $0, total)! }
            let nominals = shares.compactMap { ShareRules.nominalKopecks(capitalKopecks: capital, share: $0) }
            #expect(nominals.count == count)
            #expect(nominals.reduce(0, +) == capital)
        }
    }

    @Test func capitalIsPaidWithinFourMonths() {
        #expect(ShareRules.paymentDeadline(registeredOn: CalendarDate("2026-01-15")!) == CalendarDate("2026-05-15"))
        #expect(ShareRules.paymentDeadline(registeredOn: CalendarDate("2026-01-31")!) == CalendarDate("2026-05-31"))
        #expect(ShareRules.paymentDeadline(registeredOn: CalendarDate("2025-10-31")!) == CalendarDate("2026-02-28"))
        #expect(ShareRules.paymentDeadline(registeredOn: CalendarDate("2027-10-31")!) == CalendarDate("2028-02-29"))
    }

    @Test func roublesPrintWithKopecks() {
        #expect(ShareRules.roubles(1_000_000) == "10000.00")
        #expect(ShareRules.roubles(1_020_005) == "10200.05")
        #expect(ShareRules.roubles(-150) == "-1.50")
    }
}
