@testable import CaravanMatching
import Testing

/// The pool rules candidates out from the traits packed beside its postings; that is only sound if packing
/// never makes a candidate look worse than they are.
@Suite struct PackedTraitsTests {
    typealias Traits = CandidatePool.Traits

    func unpacked(_ candidate: CandidateProfile, cityKey: Int32 = 3, citizenship: Int32 = 5,
                  vacancyCity: Int32? = 3) -> Traits {
        Traits(Traits.pack(candidate, cityKey: cityKey, citizenship: citizenship), vacancyCity: vacancyCity)
    }

    @Test func roundsInTheCandidatesFavour() {
        let candidate = CandidateProfile(id: "a", skills: [], yearsOfExperience: 2.3, russian: .b2, expectedSalary: 123_456,
                                         openToRemote: true, willingToRelocate: false)
        let traits = unpacked(candidate)
        #expect(traits.yearsOfExperience == 3)
        #expect(traits.expectedSalary == 123_000)
        #expect(traits.russian == .b2)
        #expect(traits.openToRemote && !traits.willingToRelocate)
        #expect(traits.livesInVacancyCity)

        #expect(unpacked(CandidateProfile(id: "b", skills: [], yearsOfExperience: 300)).yearsOfExperience == .infinity)
        #expect(unpacked(CandidateProfile(id: "c", skills: [], yearsOfExperience: .nan)).yearsOfExperience == .infinity)
        #expect(unpacked(CandidateProfile(id: "d", skills: [], yearsOfExperience: -4)).yearsOfExperience == 0)
        #expect(unpacked(CandidateProfile(id: "e", skills: [], expectedSalary: 900_000_000)).expectedSalary == 65_535_000)
        #expect(unpacked(CandidateProfile(id: "f", skills: [], expectedSalary: -5)).expectedSalary == 0)
        #expect(unpacked(CandidateProfile(id: "g", skills: [])).expectedSalary == nil)
        #expect(unpacked(CandidateProfile(id: "g", skills: [], expectedSalary: 0)).expectedSalary == 0)
        #expect(unpacked(CandidateProfile(id: "h", skills: [])).russian == nil)
    }

    @Test func citiesAndCitizenshipsBeyondSixteenBitsCountAsMatches() {
        let candidate = CandidateProfile(id: "a", skills: [])
        #expect(!unpacked(candidate, cityKey: 4, vacancyCity: 3).livesInVacancyCity)
        #expect(!unpacked(candidate, cityKey: 4, vacancyCity: nil).livesInVacancyCity)
        #expect(unpacked(candidate, cityKey: 70_000, vacancyCity: 3).livesInVacancyCity)
        #expect(unpacked(candidate, cityKey: 70_000, vacancyCity: nil).livesInVacancyCity)

        #expect(unpacked(candidate, citizenship: 5).holdsCitizenship(in: [5, 9]))
        #expect(!unpacked(candidate, citizenship: 6).holdsCitizenship(in: [5, 9]))
        #expect(unpacked(candidate, citizenship: 70_000).holdsCitizenship(in: [5, 9]))
    }

    /// On seeded pairs: the traits pass every hard constraint the candidate passes, and score at least as
    /// well on each scalar component.
    @Test func neverScoreBelowTheCandidate() throws {
        let taxonomy = try SkillTaxonomy.bundled()
        let matcher = Matcher(taxonomy: taxonomy)
        var random = RankingEquivalenceTests.Random(state: 23)
        let cities = ["Moscow", "Kazan", "Tashkent", ""]
        for index in 0..<2_000 {
            let city = random.pick(cities)
            let candidate = CandidateProfile(
                id: "c\(index)", skills: [], yearsOfExperience: Double(random.below(200)) / 10,
                russian: LanguageLevel(rawValue: random.below(7)),
                expectedSalary: random.chance(20) ? nil : random.below(700_000),
                citizenship: random.pick(["uz", "kz", "am"]), city: city,
                openToRemote: random.chance(50), willingToRelocate: random.chance(50))
            let vacancyCity = random.pick(cities)
            let vacancy = PreparedVacancy(VacancyProfile(
                id: "v", required: [], minimumYears: Double(random.below(8)),
                minimumRussian: LanguageLevel(rawValue: random.below(7)),
                salaryMax: random.chance(20) ? nil : 100_000 + random.below(400_000), city: vacancyCity,
                workPlace: random.pick([.onSite, .hybrid, .remote]), relocationSupport: random.chance(50),
                eligibleCitizenships: random.chance(30) ? ["uz"] : nil), taxonomy: taxonomy)
            let context = CandidateContext(candidate, matcher: matcher)
            let cityKey = Int32(cities.firstIndex(of: city)!)
            let traits = unpacked(candidate, cityKey: cityKey,
                                  citizenship: TermNumbers.shared.number(adding: candidate.citizenship),
                                  vacancyCity: vacancyCity.isEmpty ? nil : Int32(cities.firstIndex(of: vacancyCity)!))

            var sink = NoReasons()
            if matcher.passesHardConstraints(context, vacancy, &sink) {
                #expect(matcher.passesHardConstraints(traits, vacancy, &sink), "\(candidate) for \(vacancy.profile)")
            }
            var exact = ComponentValues(), packed = ComponentValues()
            matcher.scalarComponents(context, vacancy, &exact)
            matcher.scalarComponents(traits, vacancy, &packed)
            for component in MatchComponent.allCases {
                #expect(packed[component] >= exact[component], "\(component): \(candidate) for \(vacancy.profile)")
            }
        }
    }

    /// `combine` writes the weighted mean out component by component; it must add them in the order of
    /// `MatchComponent.allCases`, as every ranking's bit-identical scores assume, and leave none out.
    @Test func combineIsTheWeightedMeanInTheOrderOfAllCases() throws {
        let taxonomy = try SkillTaxonomy.bundled()
        var generator = SystemRandomNumberGenerator()
        for round in 0..<2_000 {
            func draw() -> Double { round.isMultiple(of: 7) ? 0 : Double.random(in: 0...1, using: &generator) }
            let weights = MatchingWeights(requiredSkills: draw(), niceToHaveSkills: draw(), experience: draw(),
                                          russian: draw(), salary: draw(), location: draw(), text: draw())
            let values = ComponentValues(requiredSkills: draw(), niceToHaveSkills: draw(), experience: draw(),
                                         russian: draw(), salary: draw(), location: draw(), text: draw())
            var total = 0.0, weightSum = 0.0
            for component in MatchComponent.allCases {
                total += weights.weight(of: component) * values[component]
                weightSum += weights.weight(of: component)
            }
            let expected = weightSum > 0 ? total / weightSum : 0
            let combined = Matcher(taxonomy: taxonomy, weights: weights).combine(values)
            #expect(combined.bitPattern == expected.bitPattern, "\(weights) \(values)")
        }
    }
}
