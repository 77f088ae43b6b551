extension CandidatePool {
    /// The skills a candidate holds directly, in 64 bits kept beside each of their postings: one bit per held
    /// skill, at its taxonomy index hashed (a Bloom filter with one hash). A clear bit proves the skill is not
    /// held; a set bit only says it may be (another held skill can share the bit). So while a ranking reads one
    /// required skill's list in order, it can bound what each holder earns on the other required skills and the
    /// nice-to-have ones without reading the holder's row — the cache miss a ranking otherwise pays for every
    /// holder of a common skill who lacks the rest of the stack.
    enum SkillSignature {
        /// The bit of a taxonomy index: the top six bits of a Fibonacci hash, so neighbouring indexes (skills
        /// of one group, often held together) land far apart.
        @inline(__always) static func bit(_ skill: Int) -> UInt64 {
            1 << ((UInt64(truncatingIfNeeded: skill) &* 0x9E37_79B9_7F4A_7C15) >> 58)
        }

        static func of(_ skills: some Sequence<Int>) -> UInt64 {
            skills.reduce(0) { $0 | bit($1) }
        }
    }
}

/// A vacancy's skills in terms of `CandidatePool.SkillSignature`: from a signature alone, the most a candidate
/// can earn on each required skill and the most nice-to-have skills they can cover.
///
/// Scoring credits a required skill through one route by priority — the skill itself (at most 1), else a skill
/// below it (at most the child credit), else one above it (at most the parent credit) — so the best credit among
/// the routes whose bits are set bounds it: a route whose bit is clear is not held. Every route's credit here is a
/// factor times a level ratio of at most 1, so it is never below what scoring computes.
struct SignatureBounds {
    /// Per required skill, its tiers `tierStart[need]..<tierStart[need + 1]`: a mask of route bits and the most
    /// those routes earn, best credit first.
    private let tierStart: [Int]
    private let tierMasks: [UInt64]
    private let tierCredits: [Double]
    /// Per nice-to-have skill, the bits of the skill and every skill below it (scoring counts either).
    private let niceMasks: [UInt64]
    let needCount: Int

    init(_ prepared: PreparedVacancy, descendants: [[Int]], weights: MatchingWeights) {
        typealias Signature = CandidatePool.SkillSignature
        var tierStart = [0]
        var tierMasks: [UInt64] = []
        var tierCredits: [Double] = []
        for requirement in prepared.required {
            if requirement.skill >= 0 {
                let tiers = [
                    (Signature.bit(requirement.skill), 1.0),
                    (Signature.of(descendants[requirement.skill]), weights.childSkillCredit),
                    (Signature.of(requirement.ancestors), weights.parentSkillCredit),
                ].filter { $0.0 != 0 && $0.1 > 0 }.sorted { $0.1 > $1.1 }
                for (mask, credit) in tiers {
                    tierMasks.append(mask)
                    tierCredits.append(credit)
                }
            }
            tierStart.append(tierMasks.count)
        }
        self.tierStart = tierStart
        self.tierMasks = tierMasks
        self.tierCredits = tierCredits
        niceMasks = prepared.niceToHave.map { skill, _ in
            skill >= 0 ? Signature.bit(skill) | Signature.of(descendants[skill]) : 0
        }
        needCount = prepared.required.count
    }

    /// The highest required-skills component a candidate with `signature` can have when, on each required skill,
    /// they earn at most `ceilings[need]` (what the posting lists not yet visited allow): the mean, summed in
    /// need order as scoring sums it.
    @inline(__always)
    func requiredSkills(_ signature: UInt64, ceilings: UnsafePointer<Double>) -> Double {
        var total = 0.0
        for need in 0..<needCount {
            var credit = 0.0
            var tier = tierStart[need]
            let end = tierStart[need + 1]
            while tier < end {
                if signature & tierMasks[tier] != 0 {
                    credit = tierCredits[tier]
                    break
                }
                tier += 1
            }
            total += min(credit, ceilings[need])
        }
        return total / Double(needCount)
    }

    /// The highest nice-to-have component a candidate with `signature` can have.
    @inline(__always)
    func niceToHave(_ signature: UInt64) -> Double {
        guard !niceMasks.isEmpty else { return 1 }
        var covered = 0
        for mask in niceMasks where signature & mask != 0 { covered += 1 }
        return Double(covered) / Double(niceMasks.count)
    }
}
