import CaravanDomain
import Testing

@Suite struct ProfileHistoryTests {
    @Test(arguments: ["2020-01", "1999-12", "2026-11"])
    func yearMonthsAreAccepted(_ text: String) {
        #expect(ProfileRules.isYearMonth(text))
    }

    @Test(arguments: ["2020-13", "2020-00", "2020-1", "20-01", "2020/01", "２０２０-01", "2020-01-01", ""])
    func otherTextIsNotAYearMonth(_ text: String) {
        #expect(!ProfileRules.isYearMonth(text))
    }

    @Test func aCurrentJobHasNoEndAndAPastOneMayEndThisMonth() throws {
        let current = try ProfileRules.validate(ExperienceInput(employer: " Uzcard ", role: "Dev", country: "", start: "2020-01", end: "", description: ""), thisMonth: "2026-11")
        #expect(current.end == nil)
        #expect(current.employer == "Uzcard")
        let ended = try ProfileRules.validate(ExperienceInput(employer: "A", role: "B", country: "KZ", start: "2026-11", end: "2026-11", description: ""), thisMonth: "2026-11")
        #expect(ended.end == "2026-11")
        #expect(throws: ValidationFailure.self) {
            try ProfileRules.validate(ExperienceInput(employer: "A", role: "B", country: "", start: "2026-12", end: "", description: ""), thisMonth: "2026-11")
        }
    }

    @Test func aGraduationSomeYearsAheadIsAPlanButNotACentury() throws {
        let planned = try ProfileRules.validate(EducationInput(institution: "TUIT", country: "UZ", degree: "master", field: "CS", year: "2028", diplomaNumber: "", recognition: ""), thisYear: 2026)
        #expect(planned.recognition == .notRequested)
        #expect(throws: ValidationFailure.self) {
            try ProfileRules.validate(EducationInput(institution: "TUIT", country: "UZ", degree: "master", field: "CS", year: "2126", diplomaNumber: "", recognition: ""), thisYear: 2026)
        }
    }

    @Test func languagesAreISOCodesOnceEachAndNeverRussian() throws {
        #expect(try ProfileRules.validate(languages: [("EN", "b2"), ("kk", "C1")]).map(\.language) == ["en", "kk"])
        #expect(throws: ValidationFailure.self) { try ProfileRules.validate(languages: [("en", "B2"), ("en", "C1")]) }
        #expect(throws: ValidationFailure.self) { try ProfileRules.validate(languages: [("ru", "C2")]) }
        #expect(throws: ValidationFailure.self) { try ProfileRules.validate(languages: [("klingon", "C2")]) }
    }
}
