import CaravanDomain
import Foundation
import Testing
@testable import CaravanRegistry

/// Issued OGRN, INN and KPP: the structure, the check digits, and the domain's own validators accepting them.
@Suite struct RegistryNumbersTests {
    static func office(_ region: Int, _ inspection: Int) -> RegistryNumbers.TaxOffice { try! RegistryNumbers.TaxOffice(region: region, inspection: inspection) }

    @Test func realNumbersAreReproduced() throws {
        // Sberbank: OGRN 1027700132195, INN 7707083893, KPP 773601001; Yandex: OGRN 1027700229193, INN 7736207543.
        #expect(try RegistryNumbers.ogrn(year: 2002, office: Self.office(77, 0), serial: 13219).value == "1027700132195")
        #expect(try RegistryNumbers.ogrn(year: 2002, office: Self.office(77, 0), serial: 22919).value == "1027700229193")
        #expect(try RegistryNumbers.inn(office: Self.office(77, 7), serial: 8389).value == "7707083893")
        #expect(try RegistryNumbers.inn(office: Self.office(77, 36), serial: 20754).value == "7736207543")
        #expect(try RegistryNumbers.kpp(office: Self.office(77, 36)).value == "773601001")
    }

    @Test func structureOfIssuedNumbers() throws {
        let numbers = try RegistryNumbers.issue(year: 2026, office: Self.office(77, 7), ogrnSerial: 42, innSerial: 1234)
        #expect(numbers.ogrn.value.hasPrefix("1267707" + "00042"))
        #expect(numbers.ogrn.value.count == 13)
        #expect(numbers.ogrn.kind == .organisation)
        #expect(numbers.inn.value.hasPrefix("7707" + "01234"))
        #expect(numbers.inn.kind == .organisation)
        #expect(numbers.kpp.value == "770701001")
    }

    /// Independent restatements of the check digits, to cross-check both the issuer and CaravanDomain's validators.
    static func ogrnCheck(_ digits: [Int]) -> Int { Int(digits.prefix(12).reduce(UInt64(0)) { $0 * 10 + UInt64($1) } % 11 % 10) }
    static func innCheck(_ digits: [Int]) -> Int { zip(digits, [2, 4, 10, 3, 5, 9, 4, 6, 8]).reduce(0) { $0 + $1.0 * $1.1 } % 11 % 10 }

    @Test func everyIssuedNumberPassesTheDomainValidators() throws {
        var generator = CompanyRandom(seed: 129)
        for _ in 0..<5000 {
            let office = Self.office(Int.random(in: 1...99, using: &generator), Int.random(in: 0...99, using: &generator))
            let year = Int.random(in: 2002...2099, using: &generator)
            let numbers = try RegistryNumbers.issue(year: year, office: office, ogrnSerial: Int.random(in: RegistryNumbers.ogrnSerials, using: &generator),
                                                    innSerial: Int.random(in: RegistryNumbers.innSerials, using: &generator))
            let ogrn = try #require(OGRN(numbers.ogrn.value))
            #expect(ogrn.kind == .organisation)
            #expect(numbers.ogrn.value.dropFirst(1).prefix(2) == String(format: "%02d", year % 100))
            let inn = try #require(INN(numbers.inn.value))
            #expect(inn.kind == .organisation)
            #expect(numbers.inn.value.prefix(4) == office.code)
            #expect(KPP(numbers.kpp.value) != nil)
            #expect(numbers.kpp.value.prefix(4) == office.code)
            #expect(Self.ogrnCheck(numbers.ogrn.value.map { $0.wholeNumberValue! }) == numbers.ogrn.value.last!.wholeNumberValue!)
            #expect(Self.innCheck(numbers.inn.value.map { $0.wholeNumberValue! }) == numbers.inn.value.last!.wholeNumberValue!)
        }
    }

    /// Changing any one digit: the validator accepts the result exactly when its check digit still holds. A changed
    /// check digit is always caught; a changed body digit is caught except where the sum moves between the
    /// remainders 0 and 10, which "mod 11, then mod 10" maps to the same digit — a blind spot of the FNS scheme,
    /// not of the code, and this test counts it.
    @Test func changingADigitIsCaughtAsTheSchemeAllows() throws {
        var generator = CompanyRandom(seed: 8_2001)
        var ogrnMissed = 0, innMissed = 0, tried = 0
        for _ in 0..<400 {
            let office = Self.office(Int.random(in: 1...99, using: &generator), Int.random(in: 0...99, using: &generator))
            let numbers = try RegistryNumbers.issue(year: Int.random(in: 2002...2099, using: &generator), office: office,
                                                    ogrnSerial: Int.random(in: RegistryNumbers.ogrnSerials, using: &generator),
                                                    innSerial: Int.random(in: RegistryNumbers.innSerials, using: &generator))
            for (value, isValid, check) in [
                (numbers.ogrn.value, { (s: String) in OGRN(s) != nil }, Self.ogrnCheck),
                (numbers.inn.value, { (s: String) in INN(s) != nil }, Self.innCheck),
            ] as [(String, (String) -> Bool, ([Int]) -> Int)] {
                let digits = value.map { $0.wholeNumberValue! }
                for position in digits.indices {
                    for replacement in 0...9 where replacement != digits[position] {
                        var changed = digits
                        changed[position] = replacement
                        let text = changed.map(String.init).joined()
                        let expected = check(changed) == changed.last!
                        #expect(isValid(text) == expected, "\(value) → \(text)")
                        tried += 1
                        if position == digits.count - 1 { #expect(!isValid(text), "a changed check digit always fails") }
                        if isValid(text) { if value.count == 13 { ogrnMissed += 1 } else { innMissed += 1 } }
                    }
                }
            }
        }
        // The blind spot is small: about one change in eleven of the body digits at most.
        #expect(ogrnMissed + innMissed < tried / 10)
        #expect(tried > 70_000)
    }

    @Test func partsOutOfRangeAreRefused() {
        #expect(throws: RegistryNumberError.outOfRange(part: "region", value: 0)) { try RegistryNumbers.TaxOffice(region: 0, inspection: 1) }
        #expect(throws: RegistryNumberError.outOfRange(part: "region", value: 100)) { try RegistryNumbers.TaxOffice(region: 100, inspection: 1) }
        #expect(throws: RegistryNumberError.outOfRange(part: "inspection", value: 100)) { try RegistryNumbers.TaxOffice(region: 77, inspection: 100) }
        #expect(throws: RegistryNumberError.outOfRange(part: "serial", value: 100_000)) {
            try RegistryNumbers.ogrn(year: 2026, office: Self.office(77, 7), serial: 100_000)
        }
        #expect(throws: RegistryNumberError.outOfRange(part: "serial", value: -1)) { try RegistryNumbers.inn(office: Self.office(77, 7), serial: -1) }
        #expect(throws: RegistryNumberError.outOfRange(part: "kppSerial", value: 0)) { try RegistryNumbers.kpp(office: Self.office(77, 7), serial: 0) }
    }

    @Test func kppShape() {
        #expect(KPP("770701001") != nil)
        #expect(KPP("7707AB001") != nil)
        #expect(KPP("77070100") == nil)
        #expect(KPP("7707ab001") == nil)
        #expect(KPP("77O701001") == nil)
    }
}
