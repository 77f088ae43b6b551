@testable import CaravanMatching
import Testing

/// The pool rules holders of one required skill out by the skill signature kept beside their postings; that is
/// only sound if the signature's bounds are never below what scoring gives the candidate.
@Suite struct SkillSignatureTests {
    let taxonomy: SkillTaxonomy
    let matcher: Matcher
    let pool: CandidatePool

    init() throws {
        taxonomy = try SkillTaxonomy.bundled()
        matcher = Matcher(taxonomy: taxonomy)
        pool = CandidatePool(taxonomy: taxonomy)
    }

    func signature(_ claims: [SkillClaim]) -> UInt64 {
        CandidatePool.SkillSignature.of(claims.compactMap { taxonomy.index(of: $0.skill) })
    }

    /// Seeded candidates and vacancies drawn from related skills (parents, children, siblings, and skills far
    /// apart that may share a bit): the bounds from the signature with no ceiling are at least the components.
    @Test func neverBelowTheScoredComponents() {
        var random = RankingEquivalenceTests.Random(state: 31)
        let related = taxonomy.skills.filter { $0.parent != nil }.prefix(60).flatMap { [$0.id, $0.parent!] }
        let skills = Array(Set(related + taxonomy.skills.map(\.id).prefix(120))).sorted { $0.rawValue < $1.rawValue }
        let unlimited = [Double](repeating: 1, count: 8)
        var ruledOut = 0
        for index in 0..<3_000 {
            let claims = (0..<(1 + random.below(8))).map { _ in
                SkillClaim(random.pick(skills), SkillLevel(rawValue: 1 + random.below(4))!)
            }
            let candidate = CandidateProfile(id: "c\(index)", skills: claims)
            let vacancy = PreparedVacancy(VacancyProfile(
                id: "v", required: (0..<(1 + random.below(5))).map { _ in
                    SkillClaim(random.pick(skills), SkillLevel(rawValue: 1 + random.below(4))!)
                },
                niceToHave: (0..<random.below(4)).map { _ in random.pick(skills) }), taxonomy: taxonomy)
            let bounds = SignatureBounds(vacancy, descendants: pool.descendants, weights: matcher.weights)
            let context = CandidateContext(candidate, matcher: matcher)
            var sink = NoReasons()
            let required = matcher.requiredSkills(context.skills, vacancy, &sink)
            let nice = matcher.niceToHaveSkills(context.skills, vacancy, &sink)
            let boundRequired = unlimited.withUnsafeBufferPointer {
                bounds.requiredSkills(signature(claims), ceilings: $0.baseAddress!)
            }
            let boundNice = bounds.niceToHave(signature(claims))
            #expect(boundRequired >= required, "required skills: \(claims) for \(vacancy.profile.required)")
            #expect(boundNice >= nice, "nice to have: \(claims) for \(vacancy.profile.niceToHave)")
            if boundRequired < 1 || boundNice < 1 { ruledOut += 1 }
        }
        // A signature that bounded nothing would pass the checks above and prune nothing.
        #expect(ruledOut > 1_000)
    }

    /// The ceilings of unvisited lists cap each required skill, whatever the signature says.
    @Test func ceilingsCapEachRequiredSkill() {
        let vacancy = PreparedVacancy(VacancyProfile(
            id: "v", required: [SkillClaim("java", .intermediate), SkillClaim("python", .intermediate)]), taxonomy: taxonomy)
        let bounds = SignatureBounds(vacancy, descendants: pool.descendants, weights: matcher.weights)
        let both = signature([SkillClaim("java"), SkillClaim("python")])
        let capped = [0.5, 1.0].withUnsafeBufferPointer { bounds.requiredSkills(both, ceilings: $0.baseAddress!) }
        #expect(capped == 0.75)
        let javaOnly = signature([SkillClaim("java")])
        if javaOnly & CandidatePool.SkillSignature.bit(taxonomy.index(of: "python")!) == 0 {
            let bound = [1.0, 1.0].withUnsafeBufferPointer { bounds.requiredSkills(javaOnly, ceilings: $0.baseAddress!) }
            #expect(bound < 1)
        }
    }
}
