import Foundation
import Testing
@testable import CaravanRegistry

/// Exact fractions: what the share field accepts, reduction, and checked arithmetic that never rounds.
@Suite struct FractionTests {
    typealias F = Fraction

    @Test func readsWhatPeopleType() throws {
        #expect(F(parsing: "1/3") == F(reducing: 1, 3))
        #expect(F(parsing: " 2 / 6 ") == F(reducing: 1, 3))
        #expect(F(parsing: "50%") == F(reducing: 1, 2))
        #expect(F(parsing: "33.5 %") == F(reducing: 67, 200))
        #expect(F(parsing: "0.25") == F(reducing: 1, 4))
        #expect(F(parsing: "0,25") == F(reducing: 1, 4))
        #expect(F(parsing: ".5") == F(reducing: 1, 2))
        #expect(F(parsing: "1") == .one)
        #expect(F(parsing: "100%") == .one)
        #expect(F(parsing: "-1/4") == F(reducing: -1, 4))
        #expect(F(parsing: "1/-4") == F(reducing: -1, 4))
        #expect(F(parsing: "12.3456789") == F(reducing: 123_456_789, 10_000_000))
    }

    @Test func refusesWhatIsNotAFraction() {
        for text in ["", " ", "1/0", "a/3", "1/3%", "1//3", "1.2.3", "1.", "%", "+1/3", "1/+3", "½", "1e3", "0x10", "--1"] {
            #expect(F(parsing: text) == nil, "\(text)")
        }
        // Spaces inside are ignored, so a thousands separator reads as one number.
        #expect(F(parsing: "1 000") == F(1000))
        // 19 decimal places do not fit Int64 exactly: refused, never rounded.
        #expect(F(parsing: "0.1234567890123456789") == nil)
    }

    @Test func isAlwaysReducedWithAPositiveDenominator() throws {
        let f = try #require(F(reducing: 6, -8))
        #expect(f.numerator == -3 && f.denominator == 4)
        #expect(F(reducing: 0, -5) == .zero)
        #expect(F(reducing: 0, 7)?.denominator == 1)
        #expect(F(reducing: 5, 0) == nil)
        #expect(F(reducing: .min, -1) == nil)
        #expect(F(reducing: 1, 3)?.description == "1/3")
        #expect(F(reducing: 4, 2)?.description == "2")
    }

    @Test func aThirdThreeTimesIsTheWhole() throws {
        let third = try #require(F(parsing: "1/3"))
        #expect(try F.sum([third, third, third]) == .one)
        #expect(try F.sum([third, third]) != .one)
        #expect(try F.sum([F(parsing: "33.3%")!, F(parsing: "33.3%")!, F(parsing: "33.4%")!]) == .one)
        #expect(try F.sum([F(parsing: "1/2")!, F(parsing: "0.25")!, F(parsing: "25%")!]) == .one)
    }

    @Test func overflowIsReportedNotWrapped() throws {
        let big = F(.max)
        #expect(throws: F.Problem.overflow) { try big.adding(.one) }
        #expect(throws: F.Problem.overflow) { try big.multiplied(by: F(2)) }
        let tiny = try #require(F(reducing: 1, .max))
        let tiny2 = try #require(F(reducing: 1, .max - 1))
        #expect(throws: F.Problem.overflow) { try tiny.adding(tiny2) }
        // Cancelling crosswise keeps what fits: (max/3) × (3/max) = 1.
        #expect(try F(reducing: .max, 3)!.multiplied(by: F(reducing: 3, .max)!) == .one)
    }

    @Test func comparesWithoutOverflow() throws {
        let a = try #require(F(reducing: .max, .max - 1))
        let b = try #require(F(reducing: .max - 1, .max - 2))
        #expect(a < b)
        #expect(F(reducing: -1, 2)! < .zero)
        #expect(F(reducing: 1, 3)! < F(reducing: 1, 2)!)
        #expect(!(F(reducing: 2, 4)! < F(reducing: 1, 2)!))
    }

    @Test func codableAsItsText() throws {
        let value = try #require(F(reducing: 2, 6))
        let data = try JSONEncoder().encode([value])
        #expect(String(decoding: data, as: UTF8.self) == "[\"1\\/3\"]" || String(decoding: data, as: UTF8.self) == "[\"1/3\"]")
        #expect(try JSONDecoder().decode([F].self, from: data) == [value])
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([F].self, from: Data("[\"1/0\"]".utf8)) }
    }

    // MARK: Properties

    static func random(_ generator: inout CompanyRandom, limit: Int64 = 1_000_000) -> F {
        F(reducing: Int64.random(in: -limit...limit, using: &generator), Int64.random(in: 1...limit, using: &generator))!
    }

    @Test func propertiesOfAddition() throws {
        var generator = CompanyRandom(seed: 20_260_101)
        for _ in 0..<3000 {
            let a = Self.random(&generator), b = Self.random(&generator), c = Self.random(&generator)
            #expect(try a.adding(b) == b.adding(a))
            #expect(try a.adding(b).adding(c) == a.adding(b.adding(c)))
            #expect(try a.adding(.zero) == a)
            #expect(try a.adding(b).subtracting(b) == a)
            let sum = try a.adding(b)
            #expect(sum.denominator > 0)
            #expect(F.gcd(sum.numerator.magnitude, sum.denominator.magnitude) == 1)
            // The exact sum agrees with floating point to its precision.
            let approximate = Double(a.numerator) / Double(a.denominator) + Double(b.numerator) / Double(b.denominator)
            #expect(abs(Double(sum.numerator) / Double(sum.denominator) - approximate) < 1e-9)
            #expect((a < b) == (Double(a.numerator) * Double(b.denominator) < Double(b.numerator) * Double(a.denominator)) || a == b)
        }
    }

    @Test func reductionOfScaledFractions() throws {
        var generator = CompanyRandom(seed: 7)
        for _ in 0..<3000 {
            let n = Int64.random(in: -50_000...50_000, using: &generator), d = Int64.random(in: 1...50_000, using: &generator)
            let k = Int64.random(in: 1...10_000, using: &generator)
            #expect(F(reducing: n * k, d * k) == F(reducing: n, d))
            #expect(F(reducing: n, d) == F(parsing: "\(n)/\(d)"))
        }
    }

    /// Random partitions of the whole into shares — by weights, so the shares have mixed denominators — always
    /// add up to exactly one, and dropping any share never does.
    @Test func randomPartitionsAddUpToOne() throws {
        var generator = CompanyRandom(seed: 42)
        for _ in 0..<1000 {
            let count = Int.random(in: 1...50, using: &generator)
            let weights = (0..<count).map { _ in Int64.random(in: 1...1000, using: &generator) }
            let total = weights.reduce(0, +)
            let shares = weights.map { F(reducing: $0, total)! }
            #expect(try F.sum(shares) == .one)
            #expect(try F.sum(shares.shuffled(using: &generator)) == .one)
            if count > 1 { #expect(try F.sum(shares.dropLast()) < .one) }
        }
    }
}
