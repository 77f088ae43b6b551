/// Vacancies prepared once for ranking, with an index from each skill to the vacancies where a candidate who
/// holds it can earn required-skills credit: what a server keeps per generation of its published vacancies.
///
/// A required skill gives credit in three ways (`Matcher.requiredSkills`): held itself, held through a child, or
/// through a held ancestor. So a vacancy is listed under each required skill (`byNeed`) and under each of that
/// skill's ancestors (`byNeedAncestor`). A candidate holding `h` can earn credit only from the vacancies under
/// `byNeed[h]`, `byNeedAncestor[h]` and `byNeed[a]` for each ancestor `a` of `h`; every other vacancy that asks
/// for a skill scores 0 on required skills, and its score is at most `Matcher.bestScore(requiredSkills: 0)`.
/// Once the kept matches' lowest score is above that, a ranking need not look at those vacancies at all.
public struct PreparedVacancies: Sendable {
    public let all: [PreparedVacancy]
    /// Per taxonomy index, the positions in `all` of the vacancies that require that skill; each position once.
    let byNeed: [[Int32]]
    /// Per taxonomy index, the positions of the vacancies that require a skill below it; each position once.
    let byNeedAncestor: [[Int32]]
    /// Positions of the vacancies that require no skill (full marks on required skills for everyone).
    let withoutNeeds: [Int32]
    let taxonomySize: Int
    /// Whether every vacancy was prepared against the taxonomy the index was built with.
    private let allPreparedAlike: Bool

    public init(_ vacancies: [PreparedVacancy], taxonomy: SkillTaxonomy) {
        all = vacancies
        taxonomySize = taxonomy.count
        var byNeed = [[Int32]](repeating: [], count: taxonomy.count)
        var byNeedAncestor = [[Int32]](repeating: [], count: taxonomy.count)
        var withoutNeeds: [Int32] = []
        for (position, vacancy) in vacancies.enumerated() {
            let position = Int32(position)
            guard !vacancy.needs.isEmpty else { withoutNeeds.append(position); continue }
            // A vacancy prepared against another taxonomy is prepared again when ranked; this one lists it nowhere,
            // and `ranking` then looks at every vacancy.
            guard vacancy.taxonomySize == taxonomy.count else { continue }
            for need in vacancy.needs where need.skill >= 0 {
                if byNeed[need.skill].last != position { byNeed[need.skill].append(position) }
                for at in need.ancestors {
                    let ancestor = vacancy.needAncestors[at]
                    if byNeedAncestor[ancestor].last != position { byNeedAncestor[ancestor].append(position) }
                }
            }
        }
        self.byNeed = byNeed
        self.byNeedAncestor = byNeedAncestor
        self.withoutNeeds = withoutNeeds
        allPreparedAlike = vacancies.allSatisfy { $0.taxonomySize == taxonomy.count }
    }

    public var count: Int { all.count }

    /// Whether every vacancy was prepared against a taxonomy of `size` skills, so the index holds them all.
    func indexes(taxonomySize size: Int) -> Bool {
        size == taxonomySize && allPreparedAlike
    }

    /// The vacancies where a candidate holding `held` (taxonomy indexes) may earn required-skills credit, and those
    /// that require no skill, as a bitmap over positions.
    func reachable(byHolderOf held: [Int], taxonomy: SkillTaxonomy) -> [UInt64] {
        var bits = [UInt64](repeating: 0, count: (all.count + 63) / 64)
        func mark(_ positions: [Int32]) {
            for position in positions { bits[Int(position) >> 6] |= 1 << UInt64(position & 63) }
        }
        mark(withoutNeeds)
        for skill in held {
            mark(byNeed[skill])
            mark(byNeedAncestor[skill])
            var ancestor = taxonomy.parentIndex(of: skill)
            while ancestor >= 0 {
                mark(byNeed[ancestor])
                ancestor = taxonomy.parentIndex(of: ancestor)
            }
        }
        return bits
    }
}
