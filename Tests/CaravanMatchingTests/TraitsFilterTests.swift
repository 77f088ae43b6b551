@testable import CaravanMatching
import Testing

/// The pruned ranking rules a posting out from its packed traits before the rules run in full; the citizenship
/// and the salary are worked out there on the packed values. A posting must be ruled out exactly when its best
/// score is below the lowest kept one: never at its own best score, and by the tables alone as far as they can tell.
@Suite struct TraitsFilterTests {
    let taxonomy: SkillTaxonomy
    let matcher: Matcher

    init() throws {
        taxonomy = try SkillTaxonomy.bundled()
        matcher = Matcher(taxonomy: taxonomy)
    }

    typealias Traits = CandidatePool.Traits

    /// `reach` and the tables' bound for a candidate holding every skill, read with tiers no list has capped.
    func filter(_ vacancy: PreparedVacancy, _ bits: UInt64) -> (reach: (Double) -> TraitsFilter.Reach, bound: Double) {
        let signatures = SignatureBounds(vacancy, descendants: CandidatePool(taxonomy: taxonomy).descendants,
                                         weights: matcher.weights)
        let filter = TraitsFilter(vacancy, signatures: signatures, matcher: matcher)
        let ceilings = [Double](repeating: 1, count: vacancy.required.count)
        let tiers = ceilings.withUnsafeBufferPointer { signatures.tiers(cappedAt: $0.baseAddress!) }
        let reach = { (threshold: Double) in
            tiers.withUnsafeBufferPointer {
                filter.reach(threshold, bits, signature: .max, tiers: $0.baseAddress!,
                             skillsCeiling: filter.skillsPart(ceiling: tiers), vacancyCity: nil)
            }
        }
        let bound = tiers.withUnsafeBufferPointer {
            filter.tabledBound(bits, signature: .max, tiers: $0.baseAddress!, vacancyCity: nil)
        }
        return (reach, bound)
    }

    /// The best score of a candidate with these traits: full marks on every skill and the text, the rules on the rest.
    func bestScore(_ bits: UInt64, _ vacancy: PreparedVacancy) -> Double? {
        let traits = Traits(bits, vacancyCity: nil)
        var sink = NoReasons()
        guard matcher.passesHardConstraints(traits, vacancy, &sink) else { return nil }
        var values = ComponentValues.fullMarks
        matcher.scalarComponents(traits, vacancy, &values)
        return matcher.combine(values)
    }

    @Test func citizenshipRulesOutOnlyThoseNotEligible() {
        let vacancy = PreparedVacancy(VacancyProfile(
            id: "v", required: [SkillClaim("java")], workPlace: .remote, eligibleCitizenships: ["uz", "kz"]),
            taxonomy: taxonomy)
        let candidate = CandidateProfile(id: "a", skills: [], russian: .c2, openToRemote: true)
        let uz = TermNumbers.shared.number(adding: "uz")
        let tj = TermNumbers.shared.number(adding: "tj")
        // A number past 16 bits is packed as unnumbered: it passes here and the rules decide on the real one.
        for (citizenship, eligible) in [(uz, true), (tj, false), (70_000, true)] {
            let bits = Traits.pack(candidate, cityKey: -1, citizenship: citizenship)
            #expect((filter(vacancy, bits).reach(0.5) != .below) == eligible, "citizenship number \(citizenship)")
            #expect(filter(vacancy, bits).bound.isFinite == eligible, "citizenship number \(citizenship)")
        }
        // Numbers in other words of the bitmap than the eligible ones.
        for number: Int32 in [0, 63, 64, 127, 128, 1_000, 65_534] where number != uz && number != TermNumbers.shared.number(of: "kz") {
            let bits = Traits.pack(candidate, cityKey: -1, citizenship: number)
            #expect(filter(vacancy, bits).bound == -.infinity, "citizenship number \(number)")
        }
    }

    /// Eligible numbers past the bitmap's first word, with their neighbours and the same bit a word below ruled out;
    /// and a vacancy open to no citizenship at all, where only a number past 16 bits goes on to the rules.
    @Test func citizenshipBitmapSpansWords() {
        let padding = (0..<140).map { TermNumbers.shared.number(adding: "traits-filter-padding-\($0)") }
        let late = ["traits-filter-citizenship-a", "traits-filter-citizenship-b"]
        let numbers = late.map(TermNumbers.shared.number(adding:))
        #expect(numbers.allSatisfy { $0 >= 64 } && padding.count == 140)
        let candidate = CandidateProfile(id: "a", skills: [], russian: .c2, openToRemote: true)
        let vacancy = PreparedVacancy(VacancyProfile(
            id: "v", required: [SkillClaim("java")], workPlace: .remote, eligibleCitizenships: Set(late)), taxonomy: taxonomy)
        for number in numbers {
            for (probe, eligible) in [(number, true), (number - 1, false), (number + 1, false), (number - 64, false)]
            where probe >= 0 && (probe == number || !numbers.contains(probe)) {
                let bits = Traits.pack(candidate, cityKey: -1, citizenship: probe)
                #expect(filter(vacancy, bits).bound.isFinite == eligible, "citizenship number \(probe)")
            }
        }
        let closed = PreparedVacancy(VacancyProfile(
            id: "v", required: [SkillClaim("java")], workPlace: .remote, eligibleCitizenships: []), taxonomy: taxonomy)
        for (probe, passes) in [(numbers[0], false), (0, false), (70_000, true)] {
            let bits = Traits.pack(candidate, cityKey: -1, citizenship: Int32(probe))
            #expect(filter(closed, bits).bound.isFinite == passes, "closed vacancy, citizenship number \(probe)")
        }
    }

    @Test(arguments: [nil, 0, 150_000])
    func salaryRulesOutExactlyBelowTheBestScore(budget: Int?) {
        let vacancy = PreparedVacancy(VacancyProfile(
            id: "v", required: [SkillClaim("java")], salaryMax: budget, workPlace: .remote), taxonomy: taxonomy)
        let salaries: [Int?] = [nil, 0, 100_000, 150_000, 150_999, 151_000, 190_000, 224_000, 225_000, 300_000, 65_535_000]
        for salary in salaries {
            let candidate = CandidateProfile(id: "a", skills: [], russian: .c2, expectedSalary: salary, openToRemote: true)
            let bits = Traits.pack(candidate, cityKey: -1, citizenship: 0)
            guard let best = bestScore(bits, vacancy) else {
                Issue.record("salary \(String(describing: salary)) failed a hard constraint")
                continue
            }
            let (reach, bound) = filter(vacancy, bits)
            #expect(reach(best) != .below, "salary \(String(describing: salary)), at its best score")
            // The tables' bound is the score itself, to rounding: not below it (that would lose the candidate) and
            // not above it (that would read their row for nothing).
            #expect(abs(bound - best) < 1e-12, "salary \(String(describing: salary)): bound \(bound), best \(best)")
        }
    }
}
