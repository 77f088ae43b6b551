import CaravanMatching
import Testing

/// The fast paths must rank exactly as scoring every pair with its reasons would: the score-only pass, the
/// candidate pool and its pruning are checked against plain evaluation on seeded random markets that are
/// full of ties, parent and child skills, level gaps and hard constraints.
@Suite struct RankingEquivalenceTests {
    let matcher: Matcher
    let taxonomy: SkillTaxonomy

    init() throws {
        taxonomy = try SkillTaxonomy.bundled()
        matcher = Matcher(taxonomy: taxonomy)
    }

    /// A small deterministic generator (SplitMix64), so a failure is reproducible.
    struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
        mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }
        mutating func chance(_ percent: Int) -> Bool { below(100) < percent }
    }

    /// Skills with parents and children in the bundled taxonomy, so every kind of credit occurs.
    var skillPool: [SkillID] {
        let related = taxonomy.skills.filter { $0.parent != nil }.prefix(40).flatMap { [$0.id, $0.parent!] }
        return Array(Set(related)).sorted { $0.rawValue < $1.rawValue }
    }

    let cities = ["Moscow", "moscow", "Kazan", "Tashkent", "Almaty", ""]
    let words = ["Java разработчик", "backend developer", "платежи", "платёжных систем", "mobile", "данных", "аналитик"]

    /// Few skills, all related (parents, children, siblings): thousands of candidates cover a vacancy's skills
    /// alike, so the lowest kept score is high and many sit just below it — where a loose bound shows.
    let denseSkills: [SkillID] = ["java", "spring", "spring-boot", "hibernate", "sql", "postgresql", "kotlin", "git"]

    func candidates(_ count: Int, _ random: inout Random, skills: [SkillID]? = nil) -> [CandidateProfile] {
        let skills = skills ?? skillPool
        return (0..<count).map { index in
            let claims = (0..<(1 + random.below(6))).map { _ in
                SkillClaim(random.pick(skills), SkillLevel(rawValue: 1 + random.below(4))!)
            }
            return CandidateProfile(
                // Ids out of order, so ties by id are not ties by position.
                id: "c\(String((index * 7919) % 1000, radix: 10))-\(index)",
                skills: claims + (random.chance(3) ? [SkillClaim("no-such-skill")] : []),
                // Fractional years and salaries off the thousand: the pool's packed traits round them.
                yearsOfExperience: Double(random.below(12)) / (random.chance(20) ? 2 : 1) + (random.chance(10) ? 0.3 : 0),
                russian: random.chance(10) ? nil : LanguageLevel(rawValue: 1 + random.below(6)),
                expectedSalary: random.chance(15) ? nil
                    : random.chance(70) ? 100_000 * (1 + random.below(5)) : 150_000 + random.below(3) * 100 + random.below(2),
                citizenship: random.pick(["uz", "kz", "tj", "am"]), city: random.pick(cities),
                openToRemote: random.chance(50), willingToRelocate: random.chance(50),
                summary: (0..<random.below(4)).map { _ in random.pick(words) }.joined(separator: " "))
        }
    }

    func vacancies(_ count: Int, _ random: inout Random, skills: [SkillID]? = nil) -> [VacancyProfile] {
        let skills = skills ?? skillPool
        return (0..<count).map { index in
            VacancyProfile(
                id: "v\(index)", title: random.pick(words) + " " + random.pick(words),
                required: (0..<(1 + random.below(4))).map { _ in
                    SkillClaim(random.pick(skills), SkillLevel(rawValue: 1 + random.below(4))!)
                },
                niceToHave: (0..<random.below(3)).map { _ in random.pick(skills) },
                minimumYears: Double(random.below(6)),
                minimumRussian: random.chance(50) ? nil : LanguageLevel(rawValue: 1 + random.below(5)),
                salaryMax: random.chance(20) ? nil : 150_000 * (1 + random.below(3)),
                city: random.pick(cities), workPlace: random.pick([.onSite, .hybrid, .remote]),
                relocationSupport: random.chance(50),
                eligibleCitizenships: random.chance(20) ? ["uz", "kz"] : nil)
        }
    }

    /// Every pair evaluated with reasons, sorted by score then id: the definition of the right answer.
    func reference(_ vacancy: VacancyProfile, _ candidates: [CandidateProfile], limit: Int,
                   by matcher: Matcher? = nil) -> [MatchResult] {
        let matcher = matcher ?? self.matcher
        return candidates.compactMap { candidate -> MatchResult? in
            guard case .scored(let score, let components, let reasons) = matcher.evaluate(candidate, for: vacancy) else { return nil }
            return MatchResult(id: candidate.id, score: score, components: components, reasons: reasons)
        }
        .sorted { $0.score != $1.score ? $0.score > $1.score : $0.id < $1.id }
        .prefix(limit).map { $0 }
    }

    @Test func candidateRankingsEqualEvaluatingEveryPair() throws {
        var random = Random(state: 7)
        let people = candidates(600, &random)
        let pool = CandidatePool(taxonomy: taxonomy)
        for person in people { pool.add(person) }
        for vacancy in vacancies(60, &random) {
            let expected = reference(vacancy, people, limit: 15)
            #expect(try matcher.candidates(for: vacancy, among: people, limit: 15) == expected, "array, \(vacancy.id)")
            #expect(try matcher.candidates(for: vacancy, in: pool, limit: 15) == expected, "pruned pool, \(vacancy.id)")
            #expect(try matcher.candidatesExhaustively(for: vacancy, in: pool, limit: 15) == expected, "pool scan, \(vacancy.id)")
        }
    }

    @Test func denseMarketsRankAsEvaluatingEveryPair() throws {
        var random = Random(state: 19)
        let people = candidates(3_000, &random, skills: denseSkills)
        let pool = CandidatePool(taxonomy: taxonomy)
        for person in people { pool.add(person) }
        for vacancy in vacancies(40, &random, skills: denseSkills) {
            let expected = reference(vacancy, people, limit: 20)
            #expect(try matcher.candidates(for: vacancy, in: pool, limit: 20) == expected, "pruned pool, \(vacancy.id)")
        }
    }

    /// Weights are data: the pruned ranking's bounds must hold for any that pass `boundByFullMarks`, also where a
    /// parent's credit is above a child's (the best route is then not the first by priority), a component counts
    /// for nothing, or budgets fall off the thousand.
    @Test(arguments: [
        MatchingWeights(parentSkillCredit: 0.95, childSkillCredit: 0.3),
        MatchingWeights(niceToHaveSkills: 0, salary: 0),
        MatchingWeights(requiredSkills: 0.2, experience: 0, russian: 0.3, location: 0.3, relocationWithSupport: 1),
    ])
    func denseMarketsRankAsEvaluatingEveryPairWithOtherWeights(weights: MatchingWeights) throws {
        #expect(weights.boundByFullMarks)
        let matcher = Matcher(taxonomy: taxonomy, weights: weights)
        var random = Random(state: 23)
        let people = candidates(1_500, &random, skills: denseSkills)
        let pool = CandidatePool(taxonomy: taxonomy)
        for person in people { pool.add(person) }
        for var vacancy in vacancies(20, &random, skills: denseSkills) {
            if random.chance(50) { vacancy.salaryMax = 100_000 + random.below(400_000) }
            let expected = reference(vacancy, people, limit: 20, by: matcher)
            #expect(try matcher.candidates(for: vacancy, in: pool, limit: 20) == expected, "pruned pool, \(vacancy.id)")
        }
    }

    /// Thousands of candidates reach the highest score a vacancy gives, so the lowest kept score is that maximum
    /// and everyone else can at best tie it: the ranking then rules candidates out by comparing ids' keys. Ids of
    /// every shape — different lengths, the lowest ones sharing their first eight bytes, some a prefix of another,
    /// non-ASCII ones, and one accented letter written precomposed or decomposed (equal strings to Swift, other
    /// bytes) — must rank exactly as sorting the strings does.
    @Test(arguments: [
        ["00000000\u{0}", "00000000", "0000000", "candidate-", "candidat", "p", "кандидат-", "Émile-", "z"],
        ["Émile-", "E\u{301}mile-", "кандидат-", "ß"],
    ])
    func candidatesWhoCanOnlyTieRankByID(prefixes: [String]) throws {
        var random = Random(state: 41)
        let people = (0..<2_500).map { index in
            let perfect = random.chance(80)
            return CandidateProfile(
                id: random.pick(prefixes) + (random.chance(10) ? "" : "\(random.below(1_000))") + "#\(index)",
                skills: [SkillClaim("java", perfect ? .expert : random.pick([SkillLevel.beginner, .intermediate])),
                         SkillClaim("sql", .expert)],
                yearsOfExperience: perfect ? 10 : Double(random.below(10)), russian: .c2,
                expectedSalary: perfect ? 100_000 : 100_000 + random.below(60_000),
                city: random.pick(cities), openToRemote: true, willingToRelocate: random.chance(50),
                summary: random.chance(90) ? "Java разработчик" : "")
        }
        let pool = CandidatePool(taxonomy: taxonomy)
        for person in people { pool.add(person) }
        for (index, title) in ["Java разработчик", "", "аналитик"].enumerated() {
            let vacancy = VacancyProfile(
                id: "v\(index)", title: title, required: [SkillClaim("java", .intermediate), SkillClaim("sql", .beginner)],
                niceToHave: index == 2 ? ["sql"] : [], minimumYears: 3, salaryMax: 120_000, workPlace: .remote)
            for limit in [1, 7, 20] {
                let expected = reference(vacancy, people, limit: limit)
                #expect(try matcher.candidates(for: vacancy, in: pool, limit: limit) == expected, "\(vacancy.id), top \(limit)")
            }
        }
    }

    /// With the standard weights the ranking stops scoring a vacancy that cannot reach the lowest kept score; with a
    /// credit above 1 the weights no longer pass `boundByFullMarks` and every vacancy is scored in full. Either way
    /// the ranking is the one every pair's evaluation gives.
    @Test func anInfiniteWeightIsAMisconfiguration() {
        var weights = MatchingWeights.standard
        weights.salary = .infinity
        #expect(!weights.boundByFullMarks)
    }

    @Test(arguments: [false, true])
    func vacancyRankingsEqualEvaluatingEveryPair(misconfigured: Bool) throws {
        var weights = MatchingWeights.standard
        if misconfigured { weights.childSkillCredit = 3 }
        #expect(weights.boundByFullMarks == !misconfigured)
        let matcher = Matcher(taxonomy: taxonomy, weights: weights)
        var random = Random(state: 11)
        let openings = vacancies(300, &random)
        for candidate in candidates(40, &random) where taxonomy.unknownIDs(in: candidate.skills.map(\.skill)).isEmpty {
            let expected = openings.compactMap { vacancy -> MatchResult? in
                guard case .scored(let score, let components, let reasons) = matcher.evaluate(candidate, for: vacancy) else { return nil }
                return MatchResult(id: vacancy.id, score: score, components: components, reasons: reasons)
            }
            .sorted { $0.score != $1.score ? $0.score > $1.score : $0.id < $1.id }.prefix(20).map { $0 }
            let prepared = openings.map { PreparedVacancy($0, taxonomy: taxonomy) }
            #expect(try matcher.vacancies(for: candidate, among: prepared, limit: 20) == expected, "\(candidate.id)")
        }
    }

    @Test func aReplacedOrRemovedCandidateLeavesThePool() throws {
        let pool = CandidatePool(taxonomy: taxonomy)
        let vacancy = VacancyProfile(id: "v", required: [SkillClaim("java", .intermediate)], workPlace: .remote)
        pool.add(CandidateProfile(id: "a", skills: [SkillClaim("java", .expert)], russian: .c1, openToRemote: true))
        pool.add(CandidateProfile(id: "b", skills: [SkillClaim("python", .expert)], russian: .c1, openToRemote: true))
        #expect(try matcher.candidates(for: vacancy, in: pool).map(\.id).first == "a")

        // "a" no longer knows Java: the old entry must not answer for them.
        pool.add(CandidateProfile(id: "a", skills: [SkillClaim("python", .expert)], russian: .c1, openToRemote: true))
        let results = try matcher.candidates(for: vacancy, in: pool)
        #expect(results.count == 2)
        #expect(results.allSatisfy { result in result.reasons.contains { $0.key == "match.skill.missing" } })

        #expect(pool.remove(id: "b"))
        #expect(!pool.remove(id: "b"))
        #expect(try matcher.candidates(for: vacancy, in: pool).map(\.id) == ["a"])
        #expect(pool.count == 1)
    }

    @Test func unknownVacancySkillsAreReportedByThePool() {
        let pool = CandidatePool(taxonomy: taxonomy)
        let vacancy = VacancyProfile(id: "v", required: [SkillClaim("cobol-9000")])
        #expect(throws: UnknownSkillsError.self) { try matcher.candidates(for: vacancy, in: pool) }
    }
}
