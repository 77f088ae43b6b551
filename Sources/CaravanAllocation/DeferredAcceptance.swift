/// Student-proposing deferred acceptance with programme capacities and per-programme, per-country ceilings.
///
/// Each programme chooses from the applicants proposing to it greedily in its priority order: an applicant is held
/// while the programme has a seat and the applicant's country is under its ceiling there. That choice function is
/// substitutable and satisfies the law of aggregate demand, so deferred acceptance with it yields the
/// applicant-optimal stable matching (no applicant and programme would both rather have each other within the
/// ceilings) and no applicant gains by misreporting their order. Proposals are processed one at a time (the order
/// does not change the result); a programme's held applicants are kept sorted by rank, so the one it lets go when a
/// better one arrives is found at the end (by country when the country is at its ceiling).
public enum DeferredAcceptance {
    public static func run(_ market: Market) -> Assignment {
        let applicants = market.applicantCount
        var next = [Int32](repeating: 0, count: applicants)
        var assigned = [Int32?](repeating: nil, count: applicants)
        // Held per programme: (rank, applicant), sorted by rank ascending.
        var held = [[(rank: Int32, applicant: Int32)]](repeating: [], count: market.programmeCount)
        for p in 0..<market.programmeCount { held[p].reserveCapacity(Int(min(market.capacity[p], 4096))) }
        var heldPerCountry = market.ceilings.map { [Int32](repeating: 0, count: $0.count) }
        var free: [Int32] = (0..<Int32(applicants)).reversed().map { $0 }

        while let applicant = free.popLast() {
            let a = Int(applicant)
            let list = market.choices[a]
            guard Int(next[a]) < list.count else { continue }  // rejected everywhere: stays unassigned
            let choice = list[Int(next[a])]
            next[a] += 1
            let p = Int(choice.programme)
            let c = Int(market.country[a])
            let capacity = Int(market.capacity[p])
            let ceiling = c < market.ceilings[p].count ? market.ceilings[p][c] : Int32.max
            if capacity == 0 || ceiling == 0 {
                free.append(applicant)
                continue
            }
            // Where the newcomer would stand.
            let position = insertionPoint(held[p], rank: choice.rank)
            var rejected: Int32?
            if c < heldPerCountry[p].count, heldPerCountry[p][c] >= ceiling {
                // The country is at its ceiling here: the worst of that country goes, the newcomer included.
                var worst = held[p].count - 1
                while worst >= 0, Int(market.country[Int(held[p][worst].applicant)]) != c { worst -= 1 }
                if worst < 0 || held[p][worst].rank < choice.rank {
                    rejected = applicant
                } else {
                    rejected = held[p][worst].applicant
                    held[p].remove(at: worst)
                    held[p].insert((choice.rank, applicant), at: insertionPoint(held[p], rank: choice.rank))
                }
            } else if held[p].count >= capacity {
                // Full: the worst held goes, the newcomer included.
                if position >= held[p].count {
                    rejected = applicant
                } else {
                    rejected = held[p].removeLast().applicant
                    held[p].insert((choice.rank, applicant), at: position)
                    let gone = Int(market.country[Int(rejected!)])
                    if gone < heldPerCountry[p].count { heldPerCountry[p][gone] -= 1 }
                    if c < heldPerCountry[p].count { heldPerCountry[p][c] += 1 }
                }
            } else {
                held[p].insert((choice.rank, applicant), at: position)
                if c < heldPerCountry[p].count { heldPerCountry[p][c] += 1 }
            }
            if let rejected {
                if rejected != applicant { assigned[Int(rejected)] = nil }
                free.append(rejected)
            }
            if rejected != applicant { assigned[a] = choice.programme }
        }
        return Assignment(programme: assigned)
    }

    @inline(__always)
    static func insertionPoint(_ list: [(rank: Int32, applicant: Int32)], rank: Int32) -> Int {
        var low = 0, high = list.count
        while low < high {
            let middle = (low + high) / 2
            if list[middle].rank < rank { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
