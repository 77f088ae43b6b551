import CaravanMatching
import Foundation
import Testing

@Suite struct MatcherTests {
    let matcher: Matcher

    init() throws {
        matcher = Matcher(taxonomy: try SkillTaxonomy.bundled())
    }

    /// A Java backend vacancy in Moscow: Spring Boot at an advanced level, PostgreSQL; Kafka would be nice.
    let vacancy = VacancyProfile(
        id: "v-java", title: "Java backend developer",
        required: [SkillClaim("spring-boot", .advanced), SkillClaim("postgresql", .intermediate)],
        niceToHave: ["kafka"], minimumYears: 3, minimumRussian: .b1, salaryMax: 300_000, city: "Moscow",
        workPlace: .hybrid, relocationSupport: true)

    private func candidate(_ id: String, _ skills: [SkillClaim], years: Double = 4, russian: LanguageLevel? = .b2,
                           salary: Int? = 250_000, city: String = "Moscow", relocate: Bool = true,
                           summary: String = "") -> CandidateProfile {
        CandidateProfile(id: id, skills: skills, yearsOfExperience: years, russian: russian, expectedSalary: salary,
                         citizenship: "uz", city: city, openToRemote: false, willingToRelocate: relocate,
                         summary: summary)
    }

    @Test func betterSkillCoverageRanksHigher() throws {
        let full = candidate("full", [SkillClaim("spring-boot", .advanced), SkillClaim("postgresql"), SkillClaim("kafka")])
        let gap = candidate("gap", [SkillClaim("spring-boot", .intermediate), SkillClaim("postgresql")])
        let parentOnly = candidate("parent-only", [SkillClaim("java", .advanced), SkillClaim("postgresql")])
        let none = candidate("none", [SkillClaim("python", .expert)])
        let ranked = try matcher.candidates(for: vacancy, among: [none, parentOnly, full, gap])
        #expect(ranked.map(\.id) == ["full", "gap", "parent-only", "none"])
        #expect(ranked.first?.components[.requiredSkills] == 1)
    }

    @Test func reasonsNameMatchedMissingAndPartialSkills() throws {
        let parentOnly = candidate("p", [SkillClaim("java", .advanced)], years: 1)
        let result = try #require(try matcher.candidates(for: vacancy, among: [parentOnly]).first)
        let keys = result.reasons.map(\.key)
        #expect(result.reasons.contains(MatchReason("match.skill.via-parent", .requiredSkills, .partial,
                                                    ["skill": "spring-boot", "via": "java"])))
        #expect(result.reasons.contains(MatchReason("match.skill.missing", .requiredSkills, .negative,
                                                    ["skill": "postgresql"])))
        #expect(result.reasons.contains(MatchReason("match.nice.missing", .niceToHaveSkills, .negative,
                                                    ["skill": "kafka"])))
        #expect(keys.contains("match.experience.short"))
        // Parent credit 0.5 for one of two required skills.
        #expect(result.components[.requiredSkills] == 0.25)
    }

    @Test func aVacancyAskingNoExperienceSaysNothingAboutIt() throws {
        var open = vacancy
        open.minimumYears = 0
        let beginner = candidate("b", [SkillClaim("spring-boot", .advanced)], years: 0)
        let result = try #require(try matcher.candidates(for: open, among: [beginner]).first)
        #expect(!result.reasons.contains { $0.key.hasPrefix("match.experience") }, "no '0 years (0 needed)' as a strength")
        #expect(result.components[.experience] == 1)
        let seasoned = try #require(try matcher.candidates(for: vacancy, among: [candidate("s", [], years: 5)]).first)
        #expect(seasoned.reasons.contains { $0.key == "match.experience.fit" })
    }

    @Test func childSkillImpliesParent() throws {
        let javaVacancy = VacancyProfile(id: "v", required: [SkillClaim("java")], city: "Moscow")
        let springOnly = candidate("s", [SkillClaim("spring-boot")])
        let result = try #require(try matcher.candidates(for: javaVacancy, among: [springOnly]).first)
        #expect(result.reasons.contains(MatchReason("match.skill.via-child", .requiredSkills, .partial,
                                                    ["skill": "java", "via": "spring-boot"])))
        #expect(result.components[.requiredSkills] == matcher.weights.childSkillCredit)
    }

    @Test func hardConstraintsExcludeWithReasons() throws {
        let lowRussian = candidate("low", [SkillClaim("spring-boot", .advanced)], russian: .a2)
        let noRussian = candidate("none", [SkillClaim("spring-boot", .advanced)], russian: nil)
        let stays = candidate("stays", [SkillClaim("spring-boot", .advanced)], city: "Tashkent", relocate: false)
        let fine = candidate("fine", [SkillClaim("postgresql")])
        #expect(try matcher.candidates(for: vacancy, among: [lowRussian, noRussian, stays, fine]).map(\.id) == ["fine"])

        guard case .excluded(let reasons) = matcher.evaluate(lowRussian, for: vacancy) else {
            Issue.record("expected exclusion")
            return
        }
        #expect(reasons == [MatchReason("match.excluded.russian", .russian, .excluding, ["need": "B1", "have": "A2"])])

        var quota = vacancy
        quota.eligibleCitizenships = ["kz", "kg"]
        guard case .excluded(let both) = matcher.evaluate(stays, for: quota) else {
            Issue.record("expected exclusion")
            return
        }
        #expect(both.map(\.key) == ["match.excluded.citizenship", "match.excluded.location"])
    }

    @Test func tiesBreakByIdAndOrderIgnoresInputOrder() throws {
        let same = [SkillClaim("spring-boot", .advanced), SkillClaim("postgresql")]
        let people = ["c", "a", "d", "b"].map { candidate($0, same) }
        let first = try matcher.candidates(for: vacancy, among: people)
        #expect(first.map(\.id) == ["a", "b", "c", "d"])
        #expect(try matcher.candidates(for: vacancy, among: people.reversed()) == first)
        #expect(try matcher.candidates(for: vacancy, among: people, limit: 2).map(\.id) == ["a", "b"])
    }

    @Test func vacanciesForACandidate() throws {
        let person = candidate("me", [SkillClaim("go", .advanced), SkillClaim("kubernetes"), SkillClaim("postgresql")],
                               city: "Tashkent", relocate: true)
        let goJob = VacancyProfile(id: "go", title: "Go developer", required: [SkillClaim("go"), SkillClaim("kubernetes")],
                                   city: "Kazan", relocationSupport: true)
        let goNoSupport = VacancyProfile(id: "go-2", title: "Go developer",
                                         required: [SkillClaim("go"), SkillClaim("kubernetes")], city: "Kazan")
        let javaJob = VacancyProfile(id: "java", required: [SkillClaim("java")], city: "Kazan", relocationSupport: true)
        let c1Job = VacancyProfile(id: "c1", required: [SkillClaim("go")], minimumRussian: .c1, city: "Kazan")
        let ranked = try matcher.vacancies(for: person, among: [javaJob, c1Job, goNoSupport, goJob])
        #expect(ranked.map(\.id) == ["go", "go-2", "java"])
        #expect(ranked[0].reasons.contains { $0.key == "match.location.relocation-supported" })
    }

    @Test func salaryOverBudgetScoresLess() throws {
        let skills = [SkillClaim("spring-boot", .advanced), SkillClaim("postgresql")]
        let modest = candidate("modest", skills, salary: 280_000)
        let pricey = candidate("pricey", skills, salary: 390_000)
        let ranked = try matcher.candidates(for: vacancy, among: [pricey, modest])
        #expect(ranked.map(\.id) == ["modest", "pricey"])
        #expect(ranked[1].reasons.contains(MatchReason("match.salary.above", .salary, .negative,
                                                       ["expected": "390000", "budget": "300000"])))
        #expect(abs(ranked[1].components[.salary]! - 0.4) < 1e-9)
    }

    @Test func weightsAreData() throws {
        let skilled = candidate("skilled", [SkillClaim("spring-boot", .expert), SkillClaim("postgresql")], salary: 400_000)
        let cheap = candidate("cheap", [SkillClaim("postgresql")], salary: 150_000)
        #expect(try matcher.candidates(for: vacancy, among: [cheap, skilled]).map(\.id) == ["skilled", "cheap"])
        let json = #"{"requiredSkills": 0.1, "niceToHaveSkills": 0, "experience": 0, "russian": 0, "salary": 1,"#
            + #" "location": 0, "text": 0, "parentSkillCredit": 0.5, "childSkillCredit": 0.9,"#
            + #" "relocationWithSupport": 0.8, "relocationWithoutSupport": 0.5, "comfortableRussian": 4}"#
        let thrifty = Matcher(taxonomy: matcher.taxonomy, weights: try MatchingWeights(json: Data(json.utf8)))
        #expect(try thrifty.candidates(for: vacancy, among: [cheap, skilled]).map(\.id) == ["cheap", "skilled"])
    }

    @Test func unknownSkillsAreReported() throws {
        var bad = vacancy
        bad.required.append(SkillClaim("cobol-2077"))
        #expect(throws: UnknownSkillsError(ids: ["cobol-2077"])) {
            try matcher.candidates(for: bad, among: [])
        }
        let odd = candidate("odd", [SkillClaim("spring-boot", .advanced), SkillClaim("telepathy")])
        let result = try #require(try matcher.candidates(for: vacancy, among: [odd]).first)
        #expect(result.reasons.contains(MatchReason("match.skill.unknown", nil, .negative, ["skill": "telepathy"])))
        #expect(throws: UnknownSkillsError(ids: ["telepathy"])) {
            try matcher.vacancies(for: odd, among: [vacancy])
        }
    }

    @Test func textOverlapIsAReason() throws {
        let writer = candidate("w", [SkillClaim("postgresql")], summary: "Backend-разработчик, Java developer")
        let result = try #require(try matcher.candidates(for: vacancy, among: [writer]).first)
        #expect(result.reasons.contains(MatchReason("match.text.overlap", .text, .positive,
                                                    ["terms": "java», «backend», «developer"])))
        #expect(result.components[.text] == 1)
    }

    /// A candidate prepared when the profile was saved ranks as one prepared for this ranking, even when a vacancy
    /// published since then is the first to use a word of the summary (words are numbered as titles use them).
    @Test func aCandidatePreparedBeforeAVacancyUsesItsWordsRanksTheSame() throws {
        var letters = SystemRandomNumberGenerator()
        let word = String((0..<12).map { _ in "абвгдежзиклмнопрст".randomElement(using: &letters)! })
        let person = candidate("p", [SkillClaim("spring-boot", .advanced)], summary: "Пишу \(word) на Java")
        let prepared = PreparedCandidate(person)
        var later = vacancy
        later.title = "Java \(word) developer"
        let vacancies = [later, vacancy].map { PreparedVacancy($0, taxonomy: matcher.taxonomy) }
        let ranked = try matcher.vacancies(for: prepared, among: vacancies)
        #expect(ranked == (try matcher.vacancies(for: person, among: vacancies)))
        #expect(ranked.first?.reasons.contains(MatchReason("match.text.overlap", .text, .positive,
                                                           ["terms": "java», «\(word)"])) == true)
    }

    /// A reason's arguments are the same however they were written: in another order, or from a dictionary;
    /// a name given twice keeps its last value. Encoded, they are an object by name as before.
    @Test func reasonArgumentsAreTheSameInAnyOrder() throws {
        let written = MatchReason("match.skill.level-gap", .requiredSkills, .partial, ["skill": "java", "have": "b", "need": "a"])
        let reordered = MatchReason("match.skill.level-gap", .requiredSkills, .partial, ["need": "a", "skill": "java", "have": "b"])
        let fromDictionary = MatchReason("match.skill.level-gap", .requiredSkills, .partial,
                                         arguments: ["have": "b", "need": "a", "skill": "java"])
        #expect(written == reordered && written == fromDictionary)
        #expect(written.hashValue == reordered.hashValue && written.hashValue == fromDictionary.hashValue)
        #expect(written.argumentList.map(\.name) == ["have", "need", "skill"])
        #expect(written.arguments == ["have": "b", "need": "a", "skill": "java"])
        #expect(MatchReason("k", nil, .positive, ["a": "1", "a": "2"]).arguments == ["a": "2"])
        #expect(written != MatchReason("match.skill.level-gap", .requiredSkills, .partial, ["skill": "java", "have": "b"]))
        var changed = written
        changed.arguments["have"] = "c"
        #expect(changed.arguments == ["have": "c", "need": "a", "skill": "java"] && changed != written)

        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(written)) as? [String: Any]
        #expect(json?["arguments"] as? [String: String] == ["have": "b", "need": "a", "skill": "java"])
        #expect(try JSONDecoder().decode(MatchReason.self, from: JSONEncoder().encode(written)) == written)
    }
}
