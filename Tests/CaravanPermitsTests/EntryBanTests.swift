import CaravanDomain
import CaravanPermits
import Testing

@Suite struct EntryBanMatchingTests {
    let uz = CountryCode(rawValue: "UZ")!
    let kz = CountryCode(rawValue: "KZ")!

    func record(
        passport: String? = nil, name: String? = nil, birth: String? = nil, citizenship: String = "UZ",
        from: String = "2025-01-01", until: String? = nil
    ) throws -> EntryBanRecord {
        EntryBanRecord(
            id: "ban-1", citizenship: try #require(CountryCode(rawValue: citizenship)), passportNumber: passport, name: name,
            birthDate: try birth.map { try day($0) }, from: try day(from), until: try until.map { try day($0) },
            legalBasis: "114-FZ art. 27 §1(2)", source: "test"
        )
    }

    @Test func passportNumbersAreComparedWithoutSpacesDashesOrCase() {
        #expect(EntryBanSubject.normalizedPassport("AA 123-45 67") == EntryBanSubject.normalizedPassport("aa1234567"))
        #expect(EntryBanSubject.normalizedPassport("AA 123-45 67") == "AA1234567")
        #expect(EntryBanSubject.normalizedPassport("AA1234568") != EntryBanSubject.normalizedPassport("AA1234567"))
    }

    @Test func namesDifferingInCaseYoOrSpacesAreOneName() {
        #expect(EntryBanSubject.normalizedName("  Фёдоров   Азиз ") == EntryBanSubject.normalizedName("ФЕДОРОВ азиз"))
        #expect(EntryBanSubject.normalizedName("Karimova Dilnoza") == EntryBanSubject.normalizedName("karimova  DILNOZA"))
        #expect(EntryBanSubject.normalizedName("Каримова Дильноза") != EntryBanSubject.normalizedName("Каримова Дилноза"))
    }

    @Test func aBanIsInForceFromItsFirstThroughItsLastDay() throws {
        let ban = try record(passport: "AA1234567", from: "2025-03-01", until: "2030-02-28")
        #expect(!ban.isInForce(on: try day("2025-02-28")))
        #expect(ban.isInForce(on: try day("2025-03-01")))
        #expect(ban.isInForce(on: try day("2030-02-28")))
        #expect(!ban.isInForce(on: try day("2030-03-01")))
    }

    @Test func aBanWithoutAnEndIsInForceIndefinitely() throws {
        let ban = try record(passport: "AA1234567", from: "2025-03-01")
        #expect(!ban.isInForce(on: try day("2025-02-28")))
        #expect(ban.isInForce(on: try day("2099-12-31")))
    }

    @Test func aBanNamesItsPersonByPassportWhateverTheSpelling() throws {
        let ban = try record(passport: "AA 123-45 67")
        #expect(ban.names(EntryBanSubject(citizenship: uz, passportNumber: "aa1234567", name: "Somebody Else", birthDate: nil)))
        #expect(!ban.names(EntryBanSubject(citizenship: uz, passportNumber: "AA1234568", name: "Somebody Else", birthDate: nil)))
        #expect(!ban.names(EntryBanSubject(citizenship: uz, passportNumber: nil, name: "Somebody Else", birthDate: nil)))
    }

    @Test func aBanNamesItsPersonByNameAndBirthDate() throws {
        let ban = try record(name: "Каримова Дильноза", birth: "2016-05-04")
        let same = EntryBanSubject(citizenship: uz, passportNumber: "FA0000001", name: "КАРИМОВА  дильноза", birthDate: try day("2016-05-04"))
        #expect(ban.names(same))
        let otherBirthday = EntryBanSubject(citizenship: uz, passportNumber: nil, name: "Каримова Дильноза", birthDate: try day("2016-05-05"))
        #expect(!ban.names(otherBirthday))
        let noBirthday = EntryBanSubject(citizenship: uz, passportNumber: nil, name: "Каримова Дильноза", birthDate: nil)
        #expect(!ban.names(noBirthday))
    }

    @Test func aDifferentCitizenshipNeverMatches() throws {
        let ban = try record(passport: "AA1234567", name: "Каримова Дильноза", birth: "2016-05-04")
        let kazakh = EntryBanSubject(citizenship: kz, passportNumber: "AA1234567", name: "Каримова Дильноза", birthDate: try day("2016-05-04"))
        #expect(!ban.names(kazakh))
    }

    @Test func theRegistryAnswersOnlyBansInForceNamingTheSubjectNewestFirst() async throws {
        let old = EntryBanRecord(id: "old", citizenship: uz, passportNumber: "AA1234567", name: nil, birthDate: nil,
                                 from: try day("2020-01-01"), until: nil, legalBasis: "a", source: "t")
        let new = EntryBanRecord(id: "new", citizenship: uz, passportNumber: "AA1234567", name: nil, birthDate: nil,
                                 from: try day("2024-01-01"), until: nil, legalBasis: "b", source: "t")
        let over = EntryBanRecord(id: "over", citizenship: uz, passportNumber: "AA1234567", name: nil, birthDate: nil,
                                  from: try day("2010-01-01"), until: try day("2015-01-01"), legalBasis: "c", source: "t")
        let registry = ListedEntryBans([old, over, new])
        let subject = EntryBanSubject(citizenship: uz, passportNumber: "AA 1234567", name: "X", birthDate: nil)
        #expect(try await registry.bans(naming: subject, on: try day("2026-01-01")).map(\.id) == ["new", "old"])
        let check = try await registry.check(subject, on: try day("2026-01-01"))
        #expect(check.isBanned && check.recordID == "new")
        #expect(!(try await registry.check(subject, on: try day("2019-01-01"))).isBanned)
    }
}

@Suite struct EntryBanRulesTests {
    let today = CalendarDate(year: 2026, month: 1, day: 15)!

    func validate(_ input: EntryBanInput) -> [String] {
        do {
            _ = try EntryBanRules.validate(input, id: "x", today: today, defaultSource: "desk")
            return []
        } catch {
            return error.errors.map { "\($0.field):\($0.code)" }
        }
    }

    @Test func aBanByPassportAloneIsValidAndNormalised() throws {
        let valid = try EntryBanRules.validate(
            EntryBanInput(citizenship: " uz ", passportNumber: "AA 123-45 67", from: "2025-01-01", legalBasis: "114-FZ art. 27 §1(2)"),
            id: "x", today: today, defaultSource: "desk"
        )
        #expect(valid.record.citizenship.rawValue == "UZ")
        #expect(valid.record.passportNumber == "AA1234567")
        #expect(valid.record.name == nil && valid.displayName == nil)
        #expect(valid.record.source == "desk")
    }

    @Test func aNameIsKeptAsTypedAndMatchedNormalised() throws {
        let valid = try EntryBanRules.validate(
            EntryBanInput(citizenship: "UZ", name: "Фёдорова   Дильноза", birthDate: "2016-05-04", from: "2025-01-01", legalBasis: "x", source: "MVD"),
            id: "x", today: today, defaultSource: "desk"
        )
        #expect(valid.displayName == "Фёдорова Дильноза")
        #expect(valid.record.name == EntryBanSubject.normalizedName("федорова дильноза"))
        #expect(valid.record.source == "MVD")
    }

    @Test func everyProblemIsReportedAtOnce() {
        let errors = validate(EntryBanInput(citizenship: "XX", birthDate: "2016-02-30", from: "", until: "soon", legalBasis: " "))
        #expect(errors == ["citizenship:country.unknown", "birthDate:date.invalid", "passportNumber:entryBan.noIdentity",
                           "from:field.required", "until:date.invalid", "legalBasis:field.required"])
    }

    @Test func aNameWithoutABirthDateNamesNobody() {
        #expect(validate(EntryBanInput(citizenship: "UZ", name: "Азиз", from: "2025-01-01", legalBasis: "x"))
            == ["passportNumber:entryBan.noIdentity"])
        #expect(validate(EntryBanInput(citizenship: "UZ", birthDate: "2000-01-01", from: "2025-01-01", legalBasis: "x"))
            == ["passportNumber:entryBan.noIdentity"])
    }

    @Test func theEndCannotComeBeforeTheStartButMayBeTheSameDay() {
        #expect(validate(EntryBanInput(citizenship: "UZ", passportNumber: "AA1", from: "2025-01-02", until: "2025-01-01", legalBasis: "x"))
            == ["until:entryBan.untilBeforeFrom"])
        #expect(validate(EntryBanInput(citizenship: "UZ", passportNumber: "AA1", from: "2025-01-02", until: "2025-01-02", legalBasis: "x")) == [])
    }

    @Test func aPassportOfPunctuationOnlyOrABirthDateAheadIsRefused() {
        #expect(validate(EntryBanInput(citizenship: "UZ", passportNumber: "--", name: "A", birthDate: "2027-01-01", from: "2025-01-01", legalBasis: "x"))
            == ["passportNumber:passport.invalid", "birthDate:date.future"])
    }
}

@Suite struct EntryBanImportTests {
    let today = CalendarDate(year: 2026, month: 1, day: 15)!
    let header = EntryBanImport.columns

    func check(_ rows: [[String]], header: [String]? = nil) -> EntryBanImport.Report {
        var counter = 0
        return EntryBanImport.check(
            header: header ?? self.header, rows: rows.enumerated().map { .init(line: $0.offset + 2, fields: $0.element) },
            today: today, defaultSource: "bans.csv", newID: { counter += 1; return "id-\(counter)" }
        )
    }

    @Test func goodRowsAreTakenInOrderWithTheFileAsTheirDefaultSource() {
        let report = check([
            ["UZ", "AA1234567", "", "", "2025-01-01", "", "114-FZ art. 27 §1(2)", ""],
            ["TJ", "", "Рахимов Фаррух", "1990-04-01", "2024-06-01", "2029-06-01", "114-FZ art. 26(1)", "MVD"],
        ])
        #expect(report.isClean)
        #expect(report.taken.map(\.line) == [2, 3])
        #expect(report.taken.map(\.ban.record.id) == ["id-1", "id-2"])
        #expect(report.taken.map(\.ban.record.source) == ["bans.csv", "MVD"])
    }

    @Test func everyBrokenRowIsReportedWithItsLineAndColumn() {
        let report = check([
            ["UZ", "AA1234567", "", "", "2025-01-01", "", "x", ""],
            ["QQ", "", "", "", "2025-13-01", "", "", ""],
            ["UZ", "AA1"],
            ["UZ", "AA1234567", "", "", "2025-05-01", "2025-04-01", "x", ""],
        ])
        #expect(!report.isClean)
        #expect(report.refusedRows == 3)
        #expect(report.refused.map { "\($0.line) \($0.field) \($0.code)" } == [
            "3 citizenship country.unknown", "3 passport_number entryBan.noIdentity", "3 from date.invalid", "3 legal_basis field.required",
            "4  csv.fieldCount", "5 until entryBan.untilBeforeFrom",
        ])
    }

    @Test func aHeaderMissingAColumnOrWithAStrangeOneRefusesTheFile() {
        var header = self.header.filter { $0 != "legal_basis" }
        header.append("notes")
        let report = check([["UZ", "AA1", "", "", "2025-01-01", "", "", ""]], header: header)
        #expect(report.taken.isEmpty)
        #expect(report.refused == [
            .init(line: 1, field: "legal_basis", code: "csv.columnMissing"), .init(line: 1, field: "notes", code: "csv.columnUnknown"),
        ])
    }

    @Test func aRowOfEmptyFieldsIsSkippedNotRefused() {
        let report = check([["", " ", "", "", "", "", "", ""], ["UZ", "AA1234567", "", "", "2025-01-01", "", "x", ""]])
        #expect(report.isClean)
        #expect(report.taken.map(\.line) == [3])
    }

    @Test func columnsMayComeInAnyOrder() {
        let header = ["passport_number", "citizenship", "from", "legal_basis", "name", "birth_date", "until", "source"]
        let report = check([["AA1234567", "KZ", "2025-01-01", "x", "", "", "", ""]], header: header)
        #expect(report.isClean)
        #expect(report.taken.first?.ban.record.citizenship.rawValue == "KZ")
        #expect(report.taken.first?.ban.record.passportNumber == "AA1234567")
    }
}
