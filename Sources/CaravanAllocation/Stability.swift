/// What the mechanism promises, checked on any assignment: feasibility (seats and ceilings) and stability — no
/// applicant and programme would both rather have each other within the ceilings. A programme "would rather have"
/// an applicant it ranks higher than one it admitted, when taking them keeps it within its ceilings; or anyone it
/// ranks at all while it has a seat and the applicant's country is under its ceiling there.
public enum Stability {
    public struct BlockingPair: Hashable, Sendable {
        public let applicant: Int
        public let programme: Int
    }

    /// Per programme: how many it admitted, how many per country, its last admitted rank overall and per country.
    struct Tally {
        var admitted: [Int]
        var perCountry: [[Int]]
        var worst: [Int32]
        var worstPerCountry: [[Int32]]

        init(_ market: Market, _ assignment: Assignment) {
            admitted = Array(repeating: 0, count: market.programmeCount)
            perCountry = market.ceilings.map { Array(repeating: 0, count: $0.count) }
            worst = Array(repeating: -1, count: market.programmeCount)
            worstPerCountry = market.ceilings.map { Array(repeating: -1, count: $0.count) }
            for (a, assigned) in assignment.programme.enumerated() {
                guard let p32 = assigned, let choice = market.choices[a].first(where: { $0.programme == p32 }) else { continue }
                let p = Int(p32), c = Int(market.country[a])
                admitted[p] += 1
                worst[p] = max(worst[p], choice.rank)
                if c < perCountry[p].count {
                    perCountry[p][c] += 1
                    worstPerCountry[p][c] = max(worstPerCountry[p][c], choice.rank)
                }
            }
        }
    }

    /// Every seat and ceiling respected, and each applicant placed only at a programme they chose.
    public static func isFeasible(_ market: Market, _ assignment: Assignment) -> Bool {
        guard assignment.programme.count == market.applicantCount else { return false }
        for (a, assigned) in assignment.programme.enumerated() {
            if let p = assigned, !market.choices[a].contains(where: { $0.programme == p }) { return false }
        }
        let tally = Tally(market, assignment)
        for p in 0..<market.programmeCount {
            if tally.admitted[p] > Int(market.capacity[p]) { return false }
            for (c, count) in tally.perCountry[p].enumerated() where count > Int(market.ceilings[p][c]) { return false }
        }
        return true
    }

    public static func blockingPairs(_ market: Market, _ assignment: Assignment) -> [BlockingPair] {
        let tally = Tally(market, assignment)
        var pairs: [BlockingPair] = []
        for a in 0..<market.applicantCount {
            let c = Int(market.country[a])
            for choice in market.choices[a] {
                if let assigned = assignment.programme[a], assigned == choice.programme { break }
                let p = Int(choice.programme)
                let ceiling = c < market.ceilings[p].count ? Int(market.ceilings[p][c]) : Int.max
                let countryCount = c < tally.perCountry[p].count ? tally.perCountry[p][c] : 0
                let blocks: Bool
                if countryCount >= ceiling {
                    // Only by taking the place of someone of the same country it ranks lower.
                    blocks = c < tally.worstPerCountry[p].count && tally.worstPerCountry[p][c] > choice.rank
                } else if tally.admitted[p] < Int(market.capacity[p]) {
                    blocks = true
                } else {
                    blocks = tally.worst[p] > choice.rank
                }
                if blocks { pairs.append(BlockingPair(applicant: a, programme: p)) }
            }
        }
        return pairs
    }

    public static func isStable(_ market: Market, _ assignment: Assignment) -> Bool {
        isFeasible(market, assignment) && blockingPairs(market, assignment).isEmpty
    }

    /// Why an applicant did not get a programme they ranked above their result.
    public enum WhyNot: Hashable, Sendable {
        /// The programme filled with applicants it ranks higher; the last admitted held this rank.
        case cutoff(lastAdmittedRank: Int32)
        /// The applicant's country reached its ceiling there with applicants it ranks higher.
        case countryCeiling(ceiling: Int32, lastAdmittedOfCountryRank: Int32)
        /// The programme has no seat (or none for this country) at all.
        case noSeats
    }

    /// For each programme the applicant ranked above their result, why not.
    public static func whyNot(_ market: Market, _ assignment: Assignment, applicant a: Int) -> [(programme: Int, reason: WhyNot)] {
        let tally = Tally(market, assignment)
        let c = Int(market.country[a])
        var reasons: [(Int, WhyNot)] = []
        for choice in market.choices[a] {
            if let assigned = assignment.programme[a], assigned == choice.programme { break }
            let p = Int(choice.programme)
            let ceiling = c < market.ceilings[p].count ? market.ceilings[p][c] : Int32.max
            if market.capacity[p] == 0 || ceiling == 0 {
                reasons.append((p, .noSeats))
            } else if c < tally.perCountry[p].count, tally.perCountry[p][c] >= Int(ceiling) {
                reasons.append((p, .countryCeiling(ceiling: ceiling, lastAdmittedOfCountryRank: tally.worstPerCountry[p][c])))
            } else {
                reasons.append((p, .cutoff(lastAdmittedRank: tally.worst[p])))
            }
        }
        return reasons
    }
}
