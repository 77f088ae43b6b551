import CaravanDomain
import Testing

@Suite struct CompanyRulesTests {
    func codes(_ request: CompanyRegistrationRequest) -> [String] {
        do {
            _ = try CompanyRules.validate(request)
            return []
        } catch {
            return error.errors.map { "\($0.field):\($0.code)" }
        }
    }

    @Test func aRealCompanyPasses() throws {
        let valid = try CompanyRules.validate(.init(legalName: " ООО «Казань Софт» ", inn: "7707083893", ogrn: "1027700132195", city: "Казань", size: "16-100"))
        #expect(valid.legalName == "ООО «Казань Софт»")
        #expect(valid.size == .small)
    }

    @Test func checkDigitsAndKindsAreChecked() {
        #expect(codes(.init(legalName: "X", inn: "7707083894", ogrn: "1027700132196", city: "Казань", size: "1-15"))
            == ["inn:inn.invalid", "ogrn:ogrn.invalid"])
        #expect(codes(.init(legalName: "X", inn: "500100732259", ogrn: "304500125000002", city: "Казань", size: "1-15"))
            == ["inn:inn.notOrganisation", "ogrn:ogrn.notOrganisation"])
        #expect(codes(.init(legalName: "", inn: "", ogrn: "", city: "", size: "huge"))
            == ["legalName:field.required", "inn:field.required", "ogrn:field.required", "city:field.required", "size:size.unknown"])
    }

    @Test func accreditationNeedsANumberAndAPastRealDate() throws {
        #expect(try AccreditationRules.validate(.init(accredited: false, registryNumber: "x", date: "bad"), today: "2026-11-29")
            == ValidAccreditation(accredited: false, registryNumber: nil, date: nil))
        #expect(try AccreditationRules.validate(.init(accredited: true, registryNumber: "AO-12345", date: "2024-02-29"), today: "2026-11-29").date == "2024-02-29")
        for (number, date, code) in [("", "2025-01-01", "registryNumber:field.required"), ("AO 1; DROP", "2025-01-01", "registryNumber:registryNumber.invalid"),
                                     ("A1", "2025-02-29", "date:date.invalid"), ("A1", "2027-01-01", "date:date.future"), ("A1", "01.01.2025", "date:date.invalid")] {
            do {
                _ = try AccreditationRules.validate(.init(accredited: true, registryNumber: number, date: date), today: "2026-11-29")
                Issue.record("accepted \(number) \(date)")
            } catch {
                #expect(error.errors.map { "\($0.field):\($0.code)" } == [code])
            }
        }
    }

    @Test(arguments: Role.allCases)
    func companiesPolicyForEveryRole(role: Role) {
        #expect(CompaniesPolicy.mayRegister(role) == (role == .employer))
        #expect(CompaniesPolicy.mayAccredit(role) == (role == .admin))
        #expect(CompaniesPolicy.mayListAll(role) == (role == .admin))
    }
}
