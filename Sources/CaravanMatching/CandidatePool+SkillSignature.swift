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
    /// One route tier of a required skill: the bits of its skills and the most it earns.
    struct Tier {
        var mask: UInt64
        var credit: Double
    }

    /// Route tiers per required skill: the skill itself, those below it, those above it. A tier with no bits or no
    /// credit has mask 0, so it never applies.
    static let tiersPerNeed = 3

    /// Per required skill, its `tiersPerNeed` tiers.
    private let tiers: [Tier]
    /// Per nice-to-have skill, the bits of the skill and every skill below it (scoring counts either).
    private let niceMasks: [UInt64]
    let needCount: Int

    init(_ prepared: PreparedVacancy, descendants: [[Int]], weights: MatchingWeights) {
        typealias Signature = CandidatePool.SkillSignature
        var tiers: [Tier] = []
        for requirement in prepared.required {
            let routes = requirement.skill < 0 ? [] : [
                Tier(mask: Signature.bit(requirement.skill), credit: 1),
                Tier(mask: Signature.of(descendants[requirement.skill]), credit: weights.childSkillCredit),
                Tier(mask: Signature.of(requirement.ancestors), credit: weights.parentSkillCredit),
            ]
            for tier in 0..<Self.tiersPerNeed {
                let route = tier < routes.count ? routes[tier] : Tier(mask: 0, credit: 0)
                tiers.append(route.credit > 0 ? route : Tier(mask: 0, credit: 0))
            }
        }
        self.tiers = tiers
        niceMasks = prepared.niceToHave.map { skill, _ in
            skill >= 0 ? Signature.bit(skill) | Signature.of(descendants[skill]) : 0
        }
        needCount = prepared.required.count
    }

    /// The tiers with each credit capped at `ceilings[need]`, what the posting lists not yet visited allow on that
    /// required skill: made once per list, read for every posting in it (`requiredCredit`).
    func tiers(cappedAt ceilings: UnsafePointer<Double>) -> [Tier] {
        tiers.enumerated().map { index, tier in
            Tier(mask: tier.mask, credit: min(tier.credit, ceilings[index / Self.tiersPerNeed]))
        }
    }

    /// The highest required-skills component a candidate with `signature` can have when, on each required skill,
    /// they earn at most `ceilings[need]`. Caps the tiers on every call: for tests; the ranking caps once per list.
    func requiredSkills(_ signature: UInt64, ceilings: UnsafePointer<Double>) -> Double {
        tiers(cappedAt: ceilings).withUnsafeBufferPointer {
            requiredSkills(credit: requiredCredit(signature, tiers: $0.baseAddress!))
        }
    }

    /// The same before the mean, from capped tiers: per required skill the best credit among the tiers whose bits
    /// the signature has (scoring takes one route by priority, never more than the best), summed in need order as
    /// scoring sums them. The best of capped credits is the cap of the best, so this equals capping the best credit
    /// among the tiers that apply. Without a branch on the bits, which no predictor could guess.
    @inline(__always)
    func requiredCredit(_ signature: UInt64, tiers: UnsafePointer<Tier>) -> Double {
        var total = 0.0
        var tier = tiers
        for _ in 0..<needCount {
            var credit = 0.0
            for _ in 0..<Self.tiersPerNeed {
                let applies = signature & tier.pointee.mask != 0
                // All ones when it applies, zero otherwise: the credit or +0.0.
                let keep = 0 &- UInt64(applies ? 1 : 0)
                credit = max(credit, Double(bitPattern: tier.pointee.credit.bitPattern & keep))
                tier += 1
            }
            total += credit
        }
        return total
    }

    /// The mean of a `requiredCredit`, divided as scoring divides.
    @inline(__always)
    func requiredSkills(credit: Double) -> Double {
        credit / Double(needCount)
    }

    /// The highest nice-to-have component a candidate with `signature` can have.
    @inline(__always)
    func niceToHave(_ signature: UInt64) -> Double {
        niceToHave(covered: niceCovered(signature))
    }

    /// How many nice-to-have skills a candidate with `signature` can cover at most.
    @inline(__always)
    func niceCovered(_ signature: UInt64) -> Int {
        var covered = 0
        for mask in niceMasks where signature & mask != 0 { covered += 1 }
        return covered
    }

    /// The nice-to-have component of covering `covered` of them, as scoring computes it (1 when none are asked).
    @inline(__always)
    func niceToHave(covered: Int) -> Double {
        niceMasks.isEmpty ? 1 : Double(covered) / Double(niceMasks.count)
    }

    var niceCount: Int { niceMasks.count }
}
