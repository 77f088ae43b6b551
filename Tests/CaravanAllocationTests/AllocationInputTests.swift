@testable import CaravanAllocation
import Crypto
import Foundation
import PropertyBased
import Testing

@Suite struct AllocationInputTests {
    static func programme(_ id: String, group: String, level: String = "bachelor", seats: Int = 2, ceilings: [String: Int] = [:]) -> AllocationInput.Programme {
        AllocationInput.Programme(id: id, university: "U-\(group)", districtGroup: group, level: level, seats: seats, ceilings: ceilings,
                                  weights: ["math": 2, "russian": 1])
    }

    static let programmes = [
        programme("msk-1", group: "moscow"), programme("msk-2", group: "moscow"), programme("msk-3", group: "moscow"),
        programme("spb-1", group: "saint-petersburg", ceilings: ["UZ": 1]), programme("kzn-1", group: "volga"), programme("ekb-1", group: "ural"),
        programme("nsk-1", group: "siberia"), programme("nsk-m", group: "siberia", level: "master"),
    ]

    static func input(_ applicants: [AllocationInput.Applicant], seed: String = "round-2027-seed") -> AllocationInput {
        AllocationInput(round: "2027", seed: seed, countryQuotas: ["UZ": 10, "TJ": 10, "KG": 10], programmes: programmes, applicants: applicants)
    }

    static func applicant(_ id: String, _ country: String = "UZ", math: Int = 80, russian: Int = 70, choices: [String]) -> AllocationInput.Applicant {
        AllocationInput.Applicant(id: id, country: country, level: "bachelor", scores: ["math": math, "russian": russian], choices: choices)
    }

    @Test func badInputGetsItsOwnAnswer() {
        func codes(_ applicants: [AllocationInput.Applicant], programmes: [AllocationInput.Programme]? = nil, quotas: [String: Int]? = nil) -> [String] {
            var input = Self.input(applicants)
            if let programmes { input.programmes = programmes }
            if let quotas { input.countryQuotas = quotas }
            return AllocationRules.validate(input).map(\.code)
        }
        #expect(codes([Self.applicant("a", choices: ["msk-1", "spb-1", "kzn-1", "ekb-1", "nsk-1", "msk-2"])]).isEmpty)
        #expect(codes([Self.applicant("a", choices: ["msk-1", "spb-1", "kzn-1", "ekb-1", "nsk-1", "msk-2", "msk-3"])]) == ["allocation.tooManyChoices", "allocation.groupFull"])
        #expect(codes([Self.applicant("a", choices: ["msk-1", "msk-2", "msk-3"])]) == ["allocation.groupFull"])
        #expect(codes([Self.applicant("a", choices: ["nsk-m"])]) == ["allocation.levelMismatch"])
        #expect(codes([Self.applicant("a", choices: ["msk-1", "msk-1"])]) == ["allocation.choiceTwice"])
        #expect(codes([Self.applicant("a", choices: ["nowhere"])]) == ["allocation.programmeUnknown"])
        #expect(codes([Self.applicant("a", math: 101, choices: ["msk-1"])]) == ["allocation.scoreOutOfScale"])
        #expect(codes([Self.applicant("a", choices: ["msk-1"])], quotas: ["UZ": 0]) == ["allocation.ceilingsOverQuota"])
        #expect(codes([Self.applicant("a", choices: ["msk-1"])], quotas: [:]) == ["allocation.quotaMissing"])
        #expect(codes([Self.applicant("a", choices: ["msk-1"]), Self.applicant("a", choices: ["msk-2"])]) == ["allocation.idTwice"])
    }

    @Test func theRunIsReproducibleAndDoesNotDependOnTheFilesOrder() throws {
        var rng = SplitMix(state: 42)
        let countries = ["UZ", "TJ", "KG"]
        let ids = Self.programmes.filter { $0.level == "bachelor" }.map(\.id)
        let applicants = (0..<60).map { i in
            Self.applicant(String(format: "app-%03d", i), countries[i % 3], math: Int.random(in: 40...100, using: &rng), russian: Int.random(in: 40...100, using: &rng),
                           choices: Array(["kzn-1", "ekb-1", "nsk-1", "spb-1"].shuffled(using: &rng).prefix(3)) + [ids[0]])
        }
        let input = Self.input(applicants)
        let (first, market, assignment) = try Allocation.run(input)
        #expect(Stability.isStable(market, assignment))
        var shuffled = input
        shuffled.applicants.shuffle(using: &rng)
        shuffled.programmes.shuffle(using: &rng)
        let (second, _, _) = try Allocation.run(shuffled)
        #expect(first == second && first.digest == second.digest && input.digest == shuffled.digest)
        // Through the published bytes: encoded, decoded, run again — the same digest.
        let data = try JSONEncoder().encode(input)
        let (third, _, _) = try Allocation.run(try JSONDecoder().decode(AllocationInput.self, from: data))
        #expect(third.digest == first.digest)
        // Another seed is another input (and may be another result).
        #expect(Self.input(applicants, seed: "another").digest != input.digest)
        // The country ceiling binds: Saint Petersburg takes at most one from Uzbekistan.
        #expect((first.programmes.first { $0.programme == "spb-1" }?.perCountry["UZ"] ?? 0) <= 1)
    }

    @Test func tiesAreBrokenByThePublishedLottery() throws {
        let applicants = ["x", "y", "z"].map { Self.applicant($0, "KG", math: 70, russian: 70, choices: ["kzn-1"]) }
        let (result, _, _) = try Allocation.run(Self.input(applicants))
        let placed = Set(result.placements.filter { $0.programme != nil }.map(\.applicant))
        // The lottery as published: SHA-256 of "seed:id", its first eight bytes big-endian; lower goes first.
        func ticket(_ id: String) -> UInt64 {
            SHA256.hash(data: Data("round-2027-seed:\(id)".utf8)).prefix(8).reduce(0) { $0 << 8 | UInt64($1) }
        }
        let expected = Set(["x", "y", "z"].sorted { ticket($0) < ticket($1) }.prefix(2))
        #expect(placed == expected)
    }

    @Test func everyHigherChoiceHasItsReason() throws {
        // Four Uzbek applicants want Saint Petersburg (ceiling 1 for UZ, 2 seats) first; a Kyrgyz one too.
        let applicants = [
            Self.applicant("u1", "UZ", math: 95, choices: ["spb-1", "kzn-1"]), Self.applicant("u2", "UZ", math: 90, choices: ["spb-1", "kzn-1"]),
            Self.applicant("k1", "KG", math: 50, choices: ["spb-1", "kzn-1"]), Self.applicant("k2", "KG", math: 40, choices: ["spb-1", "kzn-1"]),
        ]
        let input = Self.input(applicants)
        let (_, market, assignment) = try Allocation.run(input)
        let (_, _, ids, _) = input.market()
        let u2 = try #require(ids.firstIndex(of: "u2")), k2 = try #require(ids.firstIndex(of: "k2"))
        if case .countryCeiling(let ceiling, _) = Stability.whyNot(market, assignment, applicant: u2).first?.reason {
            #expect(ceiling == 1)
        } else {
            Issue.record("u2 should be told the ceiling for Uzbekistan: \(Stability.whyNot(market, assignment, applicant: u2))")
        }
        if case .cutoff = Stability.whyNot(market, assignment, applicant: k2).first?.reason {} else {
            Issue.record("k2 should be told the cut-off: \(Stability.whyNot(market, assignment, applicant: k2))")
        }
    }

    @Test func theSampleRoundObeysTheRulesAndItsResultIsStable() throws {
        let input = SampleRound.input(applicants: 2_000)
        #expect(AllocationRules.validate(input).isEmpty, "\(AllocationRules.validate(input).prefix(5))")
        #expect(SampleRound.input(applicants: 2_000).digest == input.digest, "the same seed gives the same round")
        let (result, market, assignment) = try Allocation.run(input)
        #expect(Stability.isStable(market, assignment))
        #expect(result.placements.count == 2_000 && result.placements.contains { $0.programme != nil })
    }
}

@Suite struct WhyNotTests {
    /// On a generated round, every reason read from the published files agrees with the mechanism's own reason on
    /// its ranks, and says something true: a cut-off above (or equal to, lost on the lottery) the applicant's score,
    /// a ceiling the country filled.
    @Test func reasonsFromThePublishedFilesAreTheMechanismsReasons() throws {
        let input = SampleRound.input(universities: 12, programmes: 60, applicants: 900, seed: 7)
        let (result, market, assignment) = try Allocation.run(input)
        let (_, programmeIDs, applicantIDs, _) = input.market()
        let outcomes = Dictionary(uniqueKeysWithValues: result.programmes.map { ($0.programme, $0) })
        var explained = 0
        for (a, id) in applicantIDs.enumerated() {
            let published = WhyNot.explain(applicant: id, input: input, result: result)
            let mechanism = Stability.whyNot(market, assignment, applicant: a)
            #expect(published.map(\.programme) == mechanism.map { programmeIDs[$0.programme] })
            for (reason, (_, kind)) in zip(published, mechanism) {
                switch (reason, kind) {
                case (.cutoff(let programme, let last, let yours, let lottery), .cutoff):
                    #expect(yours <= last, "\(id) at \(programme)")
                    #expect(lottery == (yours == last))
                case (.countryCeiling(let programme, let country, let ceiling, _), .countryCeiling):
                    #expect(outcomes[programme]?.perCountry[country] == ceiling)
                case (.noSeats, .noSeats): break
                default: Issue.record("\(id): \(reason) against \(kind)")
                }
                explained += 1
            }
        }
        #expect(explained > 100)
        #expect(WhyNot.explain(applicant: "nobody", input: input, result: result).isEmpty)
    }

    @Test func smallCountsAreShownAsFifteenOrFewer() {
        #expect(PublicCount(0).text == "≤15")
        #expect(PublicCount(15).text == "≤15")
        #expect(PublicCount(16).text == "16")
    }

    @Test func onlyTheRightPersonMovesAnApplication() {
        #expect(GrantLifecycle.mayMove(from: .placed, to: .accepted, by: .applicant))
        #expect(!GrantLifecycle.mayMove(from: .placed, to: .enrolled, by: .applicant))
        #expect(!GrantLifecycle.mayMove(from: .placed, to: .accepted, by: .admissions))
        #expect(GrantLifecycle.admissionsMoves(from: .studying) == [.graduated, .left])
        #expect(GrantLifecycle.admissionsMoves(from: .graduated).isEmpty)
    }

    @Test func retentionCountsOnlyHorizonsReached() {
        let graduates = [
            Retention.Graduate(graduated: 1000, working: [1000...3000], permits: [1100...1500]),
            Retention.Graduate(graduated: 1000, working: [], permits: []),
            Retention.Graduate(graduated: 2000, working: [2000...9000], permits: [2000...9000]),
        ]
        let horizons = Retention.cohort(graduates, today: 2400)
        // A year on, all three are reached; three years on, the two who graduated first; five, nobody yet.
        #expect(horizons.map(\.reached) == [3, 2, 0])
        #expect(horizons.map(\.working) == [2, 1, 0])
        #expect(horizons.map(\.holdingPermit) == [2, 0, 0])
    }
}
