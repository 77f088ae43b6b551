import CaravanDomain
import CaravanPermits
import Crypto
import Foundation
import Testing
@testable import CaravanRegistry

/// The signed extract: exact canonical lines, nothing private on them, verification that fails on a changed row.
@Suite struct RegistryExtractTests {
    typealias Fx = CompanyFixtures
    static let key = try! Curve25519.Signing.PrivateKey(rawRepresentation: Data(repeating: 7, count: 32))

    static func extract() throws -> RegistryExtract {
        let application = Fx.application {
            $0.otherLanguageName = "Caravan Soft LLC"
            $0.founders[1] = .company(ogrn: "1027700132195", name: "ПАО Сбербанк", share: Fx.fraction("1/2"))
        }
        let numbers = try RegistryNumbers.issue(year: 2026, office: RegistryNumbers.TaxOffice(region: 77, inspection: 7), ogrnSerial: 42, innSerial: 1234)
        return RegistryExtract(application: application, numbers: numbers, registeredOn: CalendarDate(year: 2026, month: 3, day: 5)!)
    }

    @Test func linesAreExact() throws {
        let extract = try Self.extract()
        let ogrn = extract.ogrn, inn = extract.inn
        #expect(OGRN(ogrn) != nil && INN(inn) != nil)
        #expect(extract.lines == [
            "caravan-registry-extract/1",
            "name.full=Общество с ограниченной ответственностью «Караван Софт»",
            "name.short=ООО «Караван Софт»",
            "name.other=Caravan Soft LLC",
            "ogrn=\(ogrn)",
            "inn=\(inn)",
            "kpp=770701001",
            "registered=2026-03-05",
            "address.region=77",
            "address.postcode=101000",
            "address.text=г. Москва, ул. Мясницкая, д. 1, офис 5",
            "capital=10000.00",
            "founder.1.kind=person",
            "founder.1.name=Азиз Каримов",
            "founder.1.share=1/2",
            "founder.2.kind=company",
            "founder.2.name=ПАО Сбербанк",
            "founder.2.ogrn=1027700132195",
            "founder.2.share=1/2",
            "director=Азиз Каримов",
            "okved.main=62.01",
            "okved.other=62.02",
            "okved.other=63.11",
            "status=active",
            "revision=1",
            "as-of=2026-03-05",
        ])
        #expect(ogrn.hasPrefix("126770700042"))
        #expect(inn.hasPrefix("770701234"))
    }

    @Test func nothingPrivateIsOnTheExtract() throws {
        let text = try Self.extract().lines.joined(separator: "\n")
        for secret in ["u-aziz", "u-elena", "KG", "citizenship", "resident", "passport", "birth"] {
            #expect(!text.contains(secret), "\(secret)")
        }
    }

    @Test func signedExtractVerifies() throws {
        let signed = try RegistryExtract.sign(try Self.extract(), with: Self.key)
        #expect(RegistryExtract.verify(signed, trusting: Self.key.publicKey) == .valid)
        #expect(RegistryExtract.verify(lines: signed.extract.lines, signature: signed.signature, publicKey: signed.publicKey,
                                       trusting: Self.key.publicKey) == .valid)
        // Through JSON, as the public page serves it and `caravan verify` reads it.
        let decoded = try JSONDecoder().decode(RegistryExtract.Signed.self, from: JSONEncoder().encode(signed))
        #expect(RegistryExtract.verify(decoded, trusting: Self.key.publicKey) == .valid)
    }

    @Test func aTamperedRowFails() throws {
        let signed = try RegistryExtract.sign(try Self.extract(), with: Self.key)
        let lines = signed.extract.lines
        for (index, line) in lines.enumerated() where index > 0 {
            var tampered = lines
            tampered[index] = line + "1"
            #expect(RegistryExtract.verify(lines: tampered, signature: signed.signature, publicKey: signed.publicKey,
                                           trusting: Self.key.publicKey) == .badSignature, "\(line)")
        }
        var dropped = lines
        dropped.remove(at: 13)
        #expect(RegistryExtract.verify(lines: dropped, signature: signed.signature, publicKey: signed.publicKey, trusting: Self.key.publicKey)
            == .badSignature)
        // A changed share in the JSON file.
        var json = try #require(String(data: JSONEncoder().encode(signed), encoding: .utf8))
        json = json.replacingOccurrences(of: "\"ПАО Сбербанк\"", with: "\"ПАО Сбер\"")
        let decoded = try JSONDecoder().decode(RegistryExtract.Signed.self, from: Data(json.utf8))
        #expect(decoded.extract.founders.contains { $0.name == "ПАО Сбер" })
        #expect(RegistryExtract.verify(decoded, trusting: Self.key.publicKey) == .badSignature)
    }

    @Test func anotherKeyIsUnknown() throws {
        let other = Curve25519.Signing.PrivateKey()
        let signed = try RegistryExtract.sign(try Self.extract(), with: other)
        #expect(RegistryExtract.verify(signed, trusting: Self.key.publicKey) == .unknownKey)
        // A signature by another key relabelled with the registry's public key is a bad signature.
        let relabelled = RegistryExtract.Signed(extract: signed.extract, signature: signed.signature,
                                                publicKey: Self.key.publicKey.rawRepresentation.base64EncodedString())
        #expect(RegistryExtract.verify(relabelled, trusting: Self.key.publicKey) == .badSignature)
    }

    @Test func aNewRevisionIsANewExtract() throws {
        let first = try Self.extract()
        let application = Fx.application { $0.director = CompanyDirector(userID: "u-elena", name: "Елена Смирнова", citizenship: Fx.ru) }
        let numbers = try RegistryNumbers.issue(year: 2026, office: RegistryNumbers.TaxOffice(region: 77, inspection: 7), ogrnSerial: 42, innSerial: 1234)
        let second = RegistryExtract(application: application, numbers: numbers, registeredOn: first.registeredOn, revision: 2,
                                     asOf: CalendarDate(year: 2026, month: 6, day: 1)!)
        #expect(second.lines.contains("director=Елена Смирнова"))
        #expect(second.lines.contains("revision=2"))
        let signedFirst = try RegistryExtract.sign(first, with: Self.key)
        #expect(RegistryExtract.verify(lines: second.lines, signature: signedFirst.signature, publicKey: signedFirst.publicKey,
                                       trusting: Self.key.publicKey) == .badSignature)
    }
}
