@testable import CaravanAllocation
import PropertyBased
import Testing

/// A small deterministic generator (SplitMix64) so a market is a function of its seed: PropertyBased draws the
/// seeds and sizes, shrinks them when a property fails, and the market is rebuilt from them.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

enum Markets {
    /// A random market: applicants of a few countries ranking up to `maxChoices` programmes, priorities from random
    /// scores (ties left to the programme's order), capacities and ceilings small enough to bind.
    static func random(seed: UInt64, applicants: Int, programmes: Int, countries: Int, maxChoices: Int) -> Market {
        var rng = SplitMix(state: seed)
        let country = (0..<applicants).map { _ in Int32(Int.random(in: 0..<countries, using: &rng)) }
        // Each programme's order of all applicants: a random permutation; an applicant's rank is their position.
        let orders = (0..<programmes).map { _ in Array(0..<applicants).shuffled(using: &rng) }
        var rankOf = Array(repeating: Array(repeating: Int32(0), count: applicants), count: programmes)
        for p in 0..<programmes { for (position, a) in orders[p].enumerated() { rankOf[p][a] = Int32(position) } }
        let choices = (0..<applicants).map { a -> [Market.Choice] in
            let count = Int.random(in: 0...min(maxChoices, programmes), using: &rng)
            return Array(0..<programmes).shuffled(using: &rng).prefix(count).map { Market.Choice(programme: Int32($0), rank: rankOf[$0][a]) }
        }
        let capacity = (0..<programmes).map { _ in Int32(Int.random(in: 0...4, using: &rng)) }
        let ceilings = (0..<programmes).map { _ in
            (0..<countries).map { _ in Int.random(in: 0..<3, using: &rng) == 0 ? Int32.max : Int32(Int.random(in: 0...3, using: &rng)) }
        }
        return Market(country: country, choices: choices, capacity: capacity, ceilings: ceilings)
    }

    /// The same market with one applicant's list replaced (a misreport).
    static func with(_ market: Market, applicant a: Int, choices: [Market.Choice]) -> Market {
        var lists = market.choices
        lists[a] = choices
        return Market(country: market.country, choices: lists, capacity: market.capacity, ceilings: market.ceilings)
    }
}

/// An independent reference: every feasible assignment of a small market enumerated, the stable ones kept by the
/// definition (not by the mechanism's code), and the one every applicant weakly prefers to every other stable one.
enum Exhaustive {
    static func applicantOptimalStable(_ market: Market) -> Assignment? {
        let n = market.applicantCount
        var stable: [Assignment] = []
        var current = [Int32?](repeating: nil, count: n)
        func place(_ a: Int) {
            if a == n {
                let assignment = Assignment(programme: current)
                if isStableByDefinition(market, assignment) { stable.append(assignment) }
                return
            }
            current[a] = nil
            place(a + 1)
            for choice in market.choices[a] {
                current[a] = choice.programme
                place(a + 1)
            }
            current[a] = nil
        }
        place(0)
        func position(_ a: Int, _ p: Int32?) -> Int {
            guard let p else { return Int.max }
            return market.choices[a].firstIndex { $0.programme == p } ?? Int.max
        }
        return stable.first { candidate in
            stable.allSatisfy { other in (0..<n).allSatisfy { position($0, candidate.programme[$0]) <= position($0, other.programme[$0]) } }
        }
    }

    /// Feasible, and no applicant and programme who both want each other within the ceilings — written from the
    /// definition: the programme takes the applicant by freeing a seat of someone it ranks lower (or a free seat),
    /// and the result must respect the capacity and the applicant's country's ceiling.
    static func isStableByDefinition(_ market: Market, _ assignment: Assignment) -> Bool {
        let admitted = assignment.admitted(in: market)
        for p in 0..<market.programmeCount {
            if admitted[p].count > Int(market.capacity[p]) { return false }
            for c in 0..<market.ceilings[p].count where admitted[p].filter({ Int(market.country[$0]) == c }).count > Int(market.ceilings[p][c]) {
                return false
            }
        }
        for a in 0..<market.applicantCount {
            for choice in market.choices[a] {
                if assignment.programme[a] == choice.programme { break }
                let p = Int(choice.programme)
                let rank = { (b: Int) in market.choices[b].first { $0.programme == choice.programme }!.rank }
                // The programme's options: keep everyone and add a, or swap out one it ranks lower than a.
                var options: [[Int]] = [admitted[p] + [a]]
                for b in admitted[p] where rank(b) > choice.rank { options.append(admitted[p].filter { $0 != b } + [a]) }
                for option in options where option.count <= Int(market.capacity[p]) {
                    let c = Int(market.country[a])
                    if option.filter({ Int(market.country[$0]) == c }).count <= Int(market.ceilings[p][c]) { return false }
                }
            }
        }
        return true
    }
}

@Suite struct MechanismTests {
    @Test func theResultIsFeasibleAndStableOnRandomMarkets() async {
        await propertyCheck(count: 400, input: Gen.uint64(), Gen.int(in: 1...40), Gen.int(in: 1...8), Gen.int(in: 1...3)) { seed, n, m, k in
            let market = Markets.random(seed: seed, applicants: n, programmes: m, countries: k, maxChoices: 6)
            let assignment = DeferredAcceptance.run(market)
            #expect(Stability.isFeasible(market, assignment))
            #expect(Stability.blockingPairs(market, assignment).isEmpty, "blocking pairs: \(Stability.blockingPairs(market, assignment))")
            #expect(Exhaustive.isStableByDefinition(market, assignment))
        }
    }

    @Test func theResultEqualsTheExhaustiveReferenceOnSmallMarkets() async {
        await propertyCheck(count: 300, input: Gen.uint64(), Gen.int(in: 1...6), Gen.int(in: 1...3), Gen.int(in: 1...2)) { seed, n, m, k in
            let market = Markets.random(seed: seed, applicants: n, programmes: m, countries: k, maxChoices: 3)
            let reference = Exhaustive.applicantOptimalStable(market)
            #expect(reference != nil, "a stable matching always exists")
            #expect(DeferredAcceptance.run(market) == reference)
        }
    }

    /// No applicant gains by misreporting: every reordering and truncation of a random applicant's list (lists of up
    /// to three) gives them nothing they prefer, by their true list, to what the truth gives.
    @Test func noApplicantGainsByMisreporting() async {
        await propertyCheck(count: 200, input: Gen.uint64(), Gen.int(in: 2...12), Gen.int(in: 2...4), Gen.int(in: 1...3)) { seed, n, m, k in
            let market = Markets.random(seed: seed, applicants: n, programmes: m, countries: k, maxChoices: 3)
            var rng = SplitMix(state: seed ^ 0xA5A5)
            let a = Int.random(in: 0..<n, using: &rng)
            let truth = market.choices[a]
            func value(_ p: Int32?) -> Int { p.flatMap { p in truth.firstIndex { $0.programme == p } } ?? Int.max }
            let honest = value(DeferredAcceptance.run(market).programme[a])
            // Any list over the programmes they could name (with the ranks the programmes give them).
            let all = (0..<m).map { p in market.rankedApplicants(of: p).first { $0.applicant == a }.map { Market.Choice(programme: Int32(p), rank: $0.rank) }
                ?? Market.Choice(programme: Int32(p), rank: Int32(n)) }
            for lie in permutations(of: all, upTo: 3) {
                let outcome = DeferredAcceptance.run(Markets.with(market, applicant: a, choices: lie)).programme[a]
                #expect(value(outcome) >= honest, "applicant \(a) gains by listing \(lie.map(\.programme)) instead of \(truth.map(\.programme))")
            }
        }
    }

    @Test func theResultDoesNotDependOnTheOrderProposalsAreMade() async {
        await propertyCheck(count: 100, input: Gen.uint64(), Gen.int(in: 1...40), Gen.int(in: 1...8)) { seed, n, m in
            let market = Markets.random(seed: seed, applicants: n, programmes: m, countries: 3, maxChoices: 6)
            // Relabel the applicants in reverse: the same people, another order of processing.
            let reversed = Market(country: market.country.reversed(), choices: market.choices.reversed(), capacity: market.capacity,
                                  ceilings: market.ceilings)
            #expect(DeferredAcceptance.run(market).programme == Array(DeferredAcceptance.run(reversed).programme.reversed()))
        }
    }

    static func permutations(of items: [Market.Choice], upTo length: Int) -> [[Market.Choice]] {
        var result: [[Market.Choice]] = [[]]
        func extend(_ prefix: [Market.Choice]) {
            guard prefix.count < length else { return }
            for item in items where !prefix.contains(where: { $0.programme == item.programme }) {
                result.append(prefix + [item])
                extend(prefix + [item])
            }
        }
        extend([])
        return result
    }

    func permutations(of items: [Market.Choice], upTo length: Int) -> [[Market.Choice]] { Self.permutations(of: items, upTo: length) }
}
