@testable import CaravanMatching
import Testing

/// Vacancies indexed by skill rank as scoring every vacancy does: the index only chooses which vacancies are
/// looked at first, and which need not be looked at once none of them could enter.
@Suite struct PreparedVacanciesTests {
    let markets: RankingEquivalenceTests
    var taxonomy: SkillTaxonomy { markets.taxonomy }

    init() throws {
        markets = try RankingEquivalenceTests()
    }

    /// Every pair evaluated with reasons, sorted by score then id.
    func reference(_ matcher: Matcher, _ candidate: CandidateProfile, _ openings: [VacancyProfile], limit: Int) -> [MatchResult] {
        openings.compactMap { vacancy -> MatchResult? in
            guard case .scored(let score, let components, let reasons) = matcher.evaluate(candidate, for: vacancy) else { return nil }
            return MatchResult(id: vacancy.id, score: score, components: components, reasons: reasons)
        }
        .sorted { $0.score != $1.score ? $0.score > $1.score : $0.id < $1.id }.prefix(limit).map { $0 }
    }

    /// Openings from `skills`, with some that require nothing and some that require a skill nobody knows.
    func openings(_ count: Int, _ random: inout RankingEquivalenceTests.Random, skills: [SkillID]) -> [VacancyProfile] {
        markets.vacancies(count, &random, skills: skills).map { vacancy in
            var vacancy = vacancy
            if random.chance(4) { vacancy.required = [] }
            if random.chance(3) { vacancy.required.append(SkillClaim("no-such-skill")) }
            return vacancy
        }
    }

    static var weightings: [MatchingWeights] {
        var noSkills = MatchingWeights.standard
        noSkills.requiredSkills = 0
        var skillsFirst = MatchingWeights.standard
        skillsFirst.requiredSkills = 10
        skillsFirst.parentSkillCredit = 0.9
        var misconfigured = MatchingWeights.standard
        misconfigured.childSkillCredit = 3
        return [.standard, noSkills, skillsFirst, misconfigured]
    }

    @Test(arguments: weightings)
    func theIndexedRankingIsEveryPairsRanking(weights: MatchingWeights) throws {
        let matcher = Matcher(taxonomy: taxonomy, weights: weights)
        var random = RankingEquivalenceTests.Random(state: 23)
        let everySkill = taxonomy.skills.map(\.id)
        // Related skills (much credit through parents and children), then the whole taxonomy (most vacancies out of
        // any one candidate's reach), then a market of a few related skills (the kept scores high and close).
        let markets: [(vacancies: [SkillID], candidates: [SkillID])] = [
            (self.markets.skillPool, self.markets.skillPool), (everySkill, self.markets.skillPool),
            (everySkill, everySkill), (self.markets.denseSkills, self.markets.denseSkills),
        ]
        for (index, (vacancySkills, candidateSkills)) in markets.enumerated() {
            // A count that fills its last word of the bitmap, and one that does not.
            let openings = openings(index.isMultiple(of: 2) ? 384 : 401, &random, skills: vacancySkills)
            let indexed = PreparedVacancies(openings.map { PreparedVacancy($0, taxonomy: taxonomy) }, taxonomy: taxonomy)
            let people = self.markets.candidates(30, &random, skills: candidateSkills)
                + [CandidateProfile(id: "nobody", skills: [], russian: .c2, openToRemote: true, willingToRelocate: true)]
            for candidate in people where taxonomy.unknownIDs(in: candidate.skills.map(\.skill)).isEmpty {
                for limit in [1, 5, 20, 1_000] {
                    let expected = reference(matcher, candidate, openings, limit: limit)
                    let ranked = try matcher.vacancies(for: PreparedCandidate(candidate), among: indexed, limit: limit)
                    #expect(ranked == expected, "\(candidate.id), top \(limit)")
                }
            }
        }
    }

    /// The index lists a vacancy under each skill it requires and each of their ancestors, and a holder reaches it
    /// through the skill itself, a child or a parent — but not through a sibling.
    @Test func aHolderReachesAVacancyThroughTheSkillAChildOrAParentOnly() throws {
        let skills = taxonomy.skills
        func isLeaf(_ skill: Skill) -> Bool { !skills.contains { $0.parent == skill.id } }
        func hasLeafSibling(_ skill: Skill) -> Bool {
            skills.contains { $0.parent == skill.parent && $0.id != skill.id && isLeaf($0) }
        }
        let child = try #require(skills.first { $0.parent != nil && isLeaf($0) && hasLeafSibling($0) })
        let parent = try #require(child.parent)
        let sibling = try #require(skills.first { $0.parent == parent && $0.id != child.id && isLeaf($0) })
        let openings = [VacancyProfile(id: "needs-child", required: [SkillClaim(child.id)]),
                        VacancyProfile(id: "needs-parent", required: [SkillClaim(parent)]),
                        VacancyProfile(id: "needs-nothing", required: [])]
        let indexed = PreparedVacancies(openings.map { PreparedVacancy($0, taxonomy: taxonomy) }, taxonomy: taxonomy)
        func reached(_ skill: SkillID) throws -> Set<String> {
            let bits = indexed.reachable(byHolderOf: [try #require(taxonomy.index(of: skill))], taxonomy: taxonomy)
            return Set(openings.indices.filter { bits[$0 >> 6] & (1 << UInt64($0 & 63)) != 0 }.map { openings[$0].id })
        }
        #expect(try reached(child.id) == ["needs-child", "needs-parent", "needs-nothing"])
        #expect(try reached(parent) == ["needs-child", "needs-parent", "needs-nothing"])
        #expect(try reached(sibling.id) == ["needs-parent", "needs-nothing"])
    }
}
