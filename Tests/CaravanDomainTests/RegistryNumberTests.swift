import CaravanDomain
import Testing

@Suite struct RegistryNumberTests {
    // Published numbers of well-known companies and the checksum examples of the Federal Tax Service.
    @Test(arguments: ["7707083893", "7736207543", "7710140679", " 7707083893 "])
    func organisationINNs(raw: String) {
        #expect(INN(raw)?.kind == .organisation)
    }

    @Test(arguments: ["500100732259"])
    func personalINNs(raw: String) throws {
        #expect(INN(raw)?.kind == .person)
    }

    @Test(arguments: ["7707083894", "770708389", "77070838931", "77O7083893", "", "7707 083893", "500100732258", "٧٧٠٧٠٨٣٨٩٣"])
    func notINNs(raw: String) {
        #expect(INN(raw) == nil)
    }

    @Test(arguments: ["1027700132195", "1027739609391", "1027700092661"])
    func organisationOGRNs(raw: String) {
        #expect(OGRN(raw)?.kind == .organisation)
    }

    @Test func soleTraderOGRNIP() {
        // The 14-digit body modulo 13, then modulo 10, is the check digit: 30450012500000 → 2.
        #expect(OGRN("304500125000002")?.kind == .soleTrader)
        #expect(OGRN("304500125000003") == nil)
    }

    @Test(arguments: ["1027700132196", "102770013219", "10277001321955", "abcdefghijklm", ""])
    func notOGRNs(raw: String) {
        #expect(OGRN(raw) == nil)
    }
}
