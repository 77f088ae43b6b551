extension Matcher {
    /// The best `limit` candidates in `pool` for `vacancy`, visiting only the posting lists that can still
    /// hold a candidate able to enter the top `limit` (MaxScore over the skills component).
    ///
    /// A candidate earns a required skill through a posting list: its holders at one level of the skill
    /// itself, of a skill below it (child credit) or of one above it (parent credit), and the list alone says
    /// how much it is worth at most. A candidate in no visited list earns on each required skill at most the
    /// best credit among that skill's unvisited lists; lists are visited until those ceilings, with full
    /// marks on every other component, fall below the lowest kept score (`SkillRoutes.nextList`). Within a
    /// list, each posting's packed traits rule most holders out before their rows are read (`TraitsFilter`);
    /// the rest get their best skill credit from a per-vacancy table, then the score. Candidates earning none
    /// of the required skills are scanned only when even they could still enter. The result equals
    /// `candidatesExhaustively`; any number of rankings may read one pool at once.
    public func candidates(for vacancy: VacancyProfile, in pool: CandidatePool,
                           limit: Int = 20) throws(UnknownSkillsError) -> [MatchResult] {
        let prepared = try preparedQuery(vacancy)
        // A misconfiguration of the weights falls back to the scan.
        guard weights.boundByFullMarks, !prepared.required.isEmpty, pool.taxonomy.count == taxonomy.count else {
            return explain(rankAll(prepared, in: pool, limit: limit), prepared, in: pool)
        }
        let routes = SkillRoutes(prepared, pool: pool, matcher: self)
        let query = pool.query(prepared)
        let signatures = SignatureBounds(prepared, descendants: pool.descendants, weights: weights)
        let filter = TraitsFilter(prepared, signatures: signatures, matcher: self)

        let top = pool.withColumns { columns -> TopMatches in
            var ranking = PoolRanking(matcher: self, prepared: prepared, routes: routes, columns: columns,
                                      query: query, ids: pool.ids, limit: limit)
            defer { ranking.release() }
            var visitedLists = Set<Int>()
            var ceilings = [Double](repeating: 0, count: routes.needCount)
            while let list = routes.nextList(reaching: ranking.top.threshold, bestScore: bestScore,
                                             visited: visitedLists, sizes: pool.postings, ceilings: &ceilings) {
                visitedLists.insert(list)
                // Nobody in this list earns more on a required skill than its ceiling, nor more than their skill
                // signature allows; that and their traits, read in order with the list, rule most of them out
                // before their rows are read.
                let tiers = ceilings.withUnsafeBufferPointer { signatures.tiers(cappedAt: $0.baseAddress!) }
                let skillCeiling = filter.skillsPart(ceiling: tiers)
                pool.postings[list].withUnsafeBufferPointer { positions in
                pool.postingTraits[list].withUnsafeBufferPointer { traits in
                pool.postingSkills[list].withUnsafeBufferPointer { skills in
                pool.orderKeys.withUnsafeBufferPointer { orderKeys in
                tiers.withUnsafeBufferPointer { tiers in
                    for at in positions.indices {
                        let position = Int(positions[at])
                        if let threshold = ranking.top.threshold {
                            switch filter.reach(threshold, traits[at], signature: skills[at], tiers: tiers.baseAddress!,
                                                skillsCeiling: skillCeiling, vacancyCity: query.cityKey) {
                            case .below: continue
                            // Equal scores rank by id: one that can at best tie enters only with a lower id.
                            case .tie:
                                ranking.enqueueTie(position, orderKeys: orderKeys)
                                continue
                            case .above: break
                            }
                        }
                        ranking.enqueue(position)
                    }
                    ranking.flushTies(orderKeys: orderKeys)
                    ranking.flush()
                }
                }
                }
                }
                }
            }
            // Candidates earning none of the required skills, only if even they could still enter.
            if ranking.top.threshold.map({ bestScore(requiredSkills: 0) >= $0 }) ?? true {
                for position in pool.positions { ranking.visit(position) }
            }
            return ranking.top
        }
        return explain(top, prepared, in: pool)
    }

    /// The reference: every candidate in the pool scored, no pruning. Benchmarks and tests compare with it.
    public func candidatesExhaustively(for vacancy: VacancyProfile, in pool: CandidatePool,
                                       limit: Int = 20) throws(UnknownSkillsError) -> [MatchResult] {
        let prepared = try preparedQuery(vacancy)
        return explain(rankAll(prepared, in: pool, limit: limit), prepared, in: pool)
    }

    private func rankAll(_ prepared: PreparedVacancy, in pool: CandidatePool, limit: Int) -> TopMatches {
        let query = pool.query(prepared)
        return pool.withColumns { columns in
            var top = TopMatches(limit: limit)
            for position in pool.positions where columns.pointee.live[position] {
                let member = CandidatePool.Member(columns: columns, position: position, query: query)
                if let score = score(member, prepared) {
                    top.offer(score: score, id: pool.ids[position], position: position)
                }
            }
            return top
        }
    }

    private func explain(_ top: TopMatches, _ prepared: PreparedVacancy, in pool: CandidatePool) -> [MatchResult] {
        let query = pool.query(prepared)
        return pool.withColumns { columns in
            top.ranked.map {
                explain(CandidatePool.Member(columns: columns, position: $0.position, query: query), prepared, id: $0.id,
                        unknownSkillReasons: pool.unknownSkillReasons($0.position))
            }
        }
    }
}

/// One pruned ranking in progress: the top kept so far, which candidates were already looked at, and the
/// scratch for a candidate's best skill credits. Lives inside `CandidatePool.withColumns`.
private struct PoolRanking {
    let matcher: Matcher
    let prepared: PreparedVacancy
    let routes: SkillRoutes
    let columns: UnsafePointer<CandidatePool.Columns>
    let query: CandidatePool.Query
    let ids: [String]
    private(set) var top: TopMatches
    /// `CandidatePool.orderCeiling` of the lowest kept id once `limit` are kept: a candidate whose score can at
    /// best equal the lowest kept one and whose `orderKey` is above this has a greater id and cannot enter.
    private(set) var lowestKeptOrder = UInt64.max
    /// A bit per position: a candidate reached through several lists is looked at once.
    private let visited: UnsafeMutableBufferPointer<UInt64>
    /// Per required skill, the best credit found among the candidate's skills.
    private let best: UnsafeMutableBufferPointer<Double>
    /// Candidates that passed the filters, waiting to be looked at together (`flush`).
    private let pending: UnsafeMutablePointer<Int>
    private var pendingCount = 0
    /// Candidates that can at best tie, waiting for their ids' order to be read together (`flushTies`).
    private let ties: UnsafeMutablePointer<Int>
    private var tieCount = 0
    /// How many candidates `flush` looks at together, and `flushTies` ties: enough for a dozen cache misses to overlap.
    static let batchSize = 16

    init(matcher: Matcher, prepared: PreparedVacancy, routes: SkillRoutes, columns: UnsafePointer<CandidatePool.Columns>,
         query: CandidatePool.Query, ids: [String], limit: Int) {
        self.matcher = matcher
        self.prepared = prepared
        self.routes = routes
        self.columns = columns
        self.query = query
        self.ids = ids
        top = TopMatches(limit: limit)
        visited = .allocate(capacity: (ids.count + 63) / 64)
        visited.initialize(repeating: 0)
        best = .allocate(capacity: max(1, routes.needCount))
        best.initialize(repeating: 0)
        pending = .allocate(capacity: Self.batchSize)
        ties = .allocate(capacity: Self.batchSize)
    }

    func release() {
        visited.deallocate()
        best.deallocate()
        pending.deallocate()
        ties.deallocate()
    }

    /// Queues a candidate who can at best tie the lowest kept score, for the next `flushTies`.
    @inline(__always)
    mutating func enqueueTie(_ position: Int, orderKeys: UnsafeBufferPointer<UInt64>) {
        ties[tieCount] = position
        tieCount += 1
        if tieCount == Self.batchSize { flushTies(orderKeys: orderKeys) }
    }

    /// Queues (`enqueue`) the waiting ties whose key does not prove their id comes after the lowest kept one (an
    /// equal key proves nothing; `visit` and `offer` then decide). Their order keys are a cache miss each, read one
    /// after another here so the misses overlap, as `flush` does for rows. The comparison is with the lowest kept
    /// id now, not when the candidate was queued: the kept list only improves (a higher score, or the same with a
    /// lower id), so the one now rules out at least what the earlier one did, and never a candidate that can enter.
    mutating func flushTies(orderKeys: UnsafeBufferPointer<UInt64>) {
        let count = tieCount
        tieCount = 0
        var touched: UInt64 = 0
        for index in 0..<count { touched ^= orderKeys[ties[index]] }
        keep(touched)
        for index in 0..<count where orderKeys[ties[index]] <= lowestKeptOrder { enqueue(ties[index]) }
    }

    /// Queues the candidate at `position` to be looked at by the next `flush`, which happens when the batch is full.
    @inline(__always)
    mutating func enqueue(_ position: Int) {
        pending[pendingCount] = position
        pendingCount += 1
        if pendingCount == Self.batchSize { flush() }
    }

    /// Looks at the queued candidates (`visit`), after reading the first entry of every column their scoring
    /// reads for all of them. A candidate's row is a cache miss per column, and scoring one candidate after
    /// another waits for each miss in turn; these reads do not depend on one another, so the processor has
    /// the misses of many candidates in flight at once. The threshold only rises meanwhile, so a candidate
    /// that passed the filters against an older one is still checked against the newest in `visit`.
    mutating func flush() {
        let count = pendingCount
        pendingCount = 0
        guard count > 0 else { return }
        let columns = self.columns
        var touched: UInt64 = 0
        for index in 0..<count {
            let position = pending[index]
            touched ^= UInt64(columns.pointee.skillStart[position]) ^ UInt64(columns.pointee.impliedStart[position])
                ^ UInt64(columns.pointee.termStart[position]) ^ UInt64(bitPattern: Int64(columns.pointee.salaries[position]))
                ^ columns.pointee.years[position].bitPattern ^ UInt64(columns.pointee.russianLevels[position])
                ^ UInt64(bitPattern: Int64(columns.pointee.citizenshipNumbers[position]))
                ^ UInt64(bitPattern: Int64(columns.pointee.cityKeys[position]))
                ^ (columns.pointee.remote[position] ? 1 : 0) ^ (columns.pointee.relocate[position] ? 2 : 0)
                ^ (columns.pointee.live[position] ? 4 : 0)
        }
        // Then the slices those starts point into.
        for index in 0..<count {
            let position = pending[index]
            let skill = Int(columns.pointee.skillStart[position])
            if skill < columns.pointee.skillIndexes.count {
                touched ^= UInt64(columns.pointee.skillIndexes[skill]) ^ UInt64(columns.pointee.skillLevels[skill])
            }
            let implied = Int(columns.pointee.impliedStart[position])
            if implied < columns.pointee.impliedIndexes.count {
                touched ^= UInt64(columns.pointee.impliedIndexes[implied]) ^ UInt64(columns.pointee.impliedLevels[implied])
            }
            // Every cache line of the summary's terms: the title words are found by halving over all of them.
            var term = Int(columns.pointee.termStart[position])
            let termEnd = Int(columns.pointee.termStart[position + 1])
            while term < termEnd {
                touched ^= UInt64(columns.pointee.terms[term])
                term += 16
            }
        }
        keep(touched)
        for index in 0..<count { visit(pending[index]) }
    }

    /// Looks at the candidate at `position` once: skipped if retired or if even its best skill credit with
    /// full marks elsewhere cannot reach the lowest kept score, scored otherwise.
    @inline(__always)
    mutating func visit(_ position: Int) {
        let word = position >> 6, bit = UInt64(1) << UInt64(position & 63)
        guard visited[word] & bit == 0 else { return }
        visited[word] |= bit
        guard columns.pointee.live[position] else { return }
        let threshold = top.threshold
        if let threshold, matcher.bestScore(requiredSkills: bestSkillCredit(position)) < threshold { return }
        let member = CandidatePool.Member(columns: columns, position: position, query: query)
        if let score = matcher.score(member, prepared, reaching: threshold) {
            top.offer(score: score, id: ids[position], position: position)
            if top.threshold != nil, let last = top.ranked.last {
                lowestKeptOrder = CandidatePool.orderCeiling(last.id)
            }
        }
    }

    /// The highest skills component the candidate could have: per required skill the best credit any of its
    /// skills gives (the scoring takes one route by priority, never more than the best), averaged.
    @inline(__always)
    private func bestSkillCredit(_ position: Int) -> Double {
        for need in 0..<routes.needCount { best[need] = 0 }
        let end = Int(columns.pointee.skillStart[position + 1])
        var at = Int(columns.pointee.skillStart[position])
        while at < end {
            let skill = Int(columns.pointee.skillIndexes[at])
            let level = Int(columns.pointee.skillLevels[at])
            var entry = Int(routes.tableStart[skill])
            let last = Int(routes.tableStart[skill + 1])
            while entry < last {
                let need = Int(routes.tableNeed[entry])
                let credit = routes.tableCredit[entry * SkillRoutes.levels + level - 1]
                if credit > best[need] { best[need] = credit }
                entry += 1
            }
            at += 1
        }
        var total = 0.0
        for need in 0..<routes.needCount { total += best[need] }
        return total / Double(routes.needCount)
    }
}

/// A vacancy's required skills in terms of the pool's posting lists: every list that earns credit toward a
/// required skill with the most it can earn, and the same as a table from a held (skill, level) to the
/// credits it gives, for working out one candidate's best.
struct SkillRoutes {
    static let levels = SkillLevel.allCases.count

    struct Route {
        let list: Int
        let credit: Double
    }

    let needCount: Int
    /// Per required skill, its lists with credit above nothing, best credit first (then shorter first).
    let routesByNeed: [[Route]]
    /// Per taxonomy skill, the range of its table entries: which required skill it earns, and per level how much.
    let tableStart: [Int32]
    let tableNeed: [Int32]
    let tableCredit: [Double]

    init(_ prepared: PreparedVacancy, pool: CandidatePool, matcher: Matcher) {
        let weights = matcher.weights
        needCount = prepared.required.count
        // Per taxonomy skill: (required skill, the factor its route earns).
        var earns = [[(need: Int, factor: Double)]](repeating: [], count: pool.taxonomy.count)
        for (need, requirement) in prepared.required.enumerated() where requirement.skill >= 0 {
            earns[requirement.skill].append((need, 1))
            for below in pool.descendants[requirement.skill] { earns[below].append((need, weights.childSkillCredit)) }
            for above in requirement.ancestors { earns[above].append((need, weights.parentSkillCredit)) }
        }
        var routesByNeed = [[Route]](repeating: [], count: needCount)
        var tableStart: [Int32] = [0]
        var tableNeed: [Int32] = []
        var tableCredit: [Double] = []
        for (skill, routes) in earns.enumerated() {
            for (need, factor) in routes {
                let wanted = prepared.required[need].level
                tableNeed.append(Int32(need))
                for level in SkillLevel.allCases {
                    // The same expressions as `Matcher.requiredSkills` (1 × a ratio is the ratio exactly), so
                    // the bound is never below the score.
                    let credit = factor * matcher.levelRatio(level, wanted)
                    tableCredit.append(credit)
                    let list = CandidatePool.list(skill: skill, level: UInt8(level.rawValue))
                    if credit > 0, !pool.postings[list].isEmpty { routesByNeed[need].append(Route(list: list, credit: credit)) }
                }
            }
            tableStart.append(Int32(tableNeed.count))
        }
        self.routesByNeed = routesByNeed.map { routes in
            routes.sorted {
                $0.credit != $1.credit ? $0.credit > $1.credit
                    : (pool.postings[$0.list].count, $0.list) < (pool.postings[$1.list].count, $1.list)
            }
        }
        self.tableStart = tableStart
        self.tableNeed = tableNeed
        self.tableCredit = tableCredit
    }

    /// The next list to visit with the most skill credit a candidate not yet visited can earn, or nil when no candidate outside the visited lists can reach `threshold`
    /// through its skills (or every list is visited: the caller then decides on the candidates with none).
    ///
    /// A candidate in none of the visited lists earns on each required skill at most the best credit among
    /// that skill's lists not yet visited; once those ceilings together, with full marks elsewhere, fall
    /// below the lowest kept score, nobody left can enter. Until a score is kept, any list can matter: the
    /// best credit goes first (the shorter list first), so the bar rises early. After that each step lowers
    /// one required skill's ceiling to its next credit by visiting every list at the current one, and the
    /// step that lowers the most credit per posting visited goes first.
    /// `ceilings` receives, per required skill, the best credit among its lists not yet visited (before this one).
    func nextList(reaching threshold: Double?, bestScore: (Double) -> Double,
                  visited: Set<Int>, sizes: [[UInt32]], ceilings perNeed: inout [Double]) -> Int? {
        var ceilings = 0.0
        var best: (list: Int, value: Double, size: Int)?
        for (need, routes) in routesByNeed.enumerated() {
            // The unvisited lists at this skill's highest remaining credit, and the credit after them.
            var ceiling = 0.0, below = 0.0, cost = 0, first: Int?
            for route in routes where !visited.contains(route.list) {
                if first == nil {
                    ceiling = route.credit
                } else if route.credit < ceiling {
                    below = route.credit
                    break
                }
                if first == nil || sizes[route.list].count < sizes[first!].count { first = route.list }
                cost += sizes[route.list].count
            }
            ceilings += ceiling
            perNeed[need] = ceiling
            guard let first else { continue }
            // With a kept score: credit lowered per posting. Without: the credit itself.
            let value = threshold == nil ? ceiling : (ceiling - below) / Double(max(cost, 1))
            let size = sizes[first].count
            if let current = best, current.value > value || (current.value == value && current.size <= size) { continue }
            best = (first, value, size)
        }
        let skillCeiling = ceilings / Double(needCount)
        if let threshold, bestScore(skillCeiling) < threshold { return nil }
        return best?.list
    }
}

/// The scalar rules for one vacancy tabulated over the few values packed traits take (years, Russian level,
/// remote / relocation / same city), by running the rules themselves on made-up traits, with the salary rule
/// and the citizenship constraint worked out on the packed values: a posting is ruled out with a few table reads
/// and multiplications, and only what passes is checked with the rules in full on its traits.
struct TraitsFilter {
    private let matcher: Matcher
    private let prepared: PreparedVacancy
    private let signatures: SignatureBounds
    /// Weighted component values; −∞ where a hard constraint excludes.
    private let experience: [Double]
    private let russian: [Double]
    private let place: [Double]
    /// Per word of 64 citizenship numbers, the eligible ones; nil when the vacancy is open to all.
    private let eligible: [UInt64]?
    /// The budget, and 2 / the budget (so 1 % over costs 2 % with a multiplication); nil when there is none.
    private let budget: Double?
    private let twiceInverseBudget: Double
    /// The weighted salary component when either side's figure is unknown.
    private let unknownSalary: Double
    private let salaryWeight: Double
    /// The text component at full marks, and the nice-to-have one when the vacancy names none: neither the traits
    /// nor the skill signature decides them.
    private let rest: Double
    /// The weights of a unit of required credit and of one nice-to-have skill covered, divided by how many there are.
    private let creditWeight: Double
    private let coveredWeight: Double
    /// 1 / the sum of the weights: a multiplication per posting instead of a division. Together with the weights
    /// divided in advance, the first check differs from `combine` by a few ulps, far inside the 1e-9 it allows for.
    private let inverseWeightSum: Double

    init(_ prepared: PreparedVacancy, signatures: SignatureBounds, matcher: Matcher) {
        self.matcher = matcher
        self.prepared = prepared
        self.signatures = signatures
        let weights = matcher.weights
        var sink = NoReasons()
        typealias Traits = CandidatePool.Traits
        experience = (0...Traits.manyYears).map { years in
            let traits = Traits(years: years == Traits.manyYears ? .infinity : Double(years))
            return weights.experience * matcher.experience(traits, prepared, &sink)
        }
        russian = (0..<8).map { level in
            let traits = Traits(russian: LanguageLevel(rawValue: level))
            guard matcher.passesHardConstraints(traits, prepared, &sink) else { return -.infinity }
            return weights.russian * matcher.russian(traits, prepared, &sink)
        }
        place = (0..<8).map { index in
            let traits = Traits(remote: index & 1 != 0, relocate: index & 2 != 0, sameCity: index & 4 != 0)
            guard matcher.passesHardConstraints(traits, prepared, &sink) else { return -.infinity }
            return weights.location * matcher.location(traits, prepared, &sink)
        }
        // Numbers past 16 bits are packed as unnumbered, which passes here and is checked in full.
        eligible = prepared.eligibleCitizenships.map { numbers in
            let packable = numbers.filter { $0 >= 0 && $0 < Traits.unnumbered }
            var words = [UInt64](repeating: 0, count: (Int(packable.max() ?? 0) >> 6) + 1)
            for number in packable { words[Int(number) >> 6] |= 1 << UInt64(number & 63) }
            return words
        }
        budget = prepared.salaryMax.flatMap { $0 > 0 ? Double($0) : nil }
        twiceInverseBudget = budget.map { 2 / $0 } ?? 0
        unknownSalary = weights.salary * matcher.salary(Traits(), prepared, &sink)
        salaryWeight = weights.salary
        precondition(signatures.needCount > 0, "the pruned ranking needs a required skill")
        creditWeight = weights.requiredSkills / Double(signatures.needCount)
        coveredWeight = signatures.niceCount == 0 ? 0 : weights.niceToHaveSkills / Double(signatures.niceCount)
        rest = weights.text + (signatures.niceCount == 0 ? weights.niceToHaveSkills : 0)
        inverseWeightSum = 1 / MatchComponent.allCases.reduce(0) { $0 + weights.weight(of: $1) }
    }

    enum Reach {
        /// The score stays below the threshold.
        case below
        /// The score can at best equal it: the candidate enters only with an id below the lowest kept one.
        case tie
        /// The score may exceed it.
        case above
    }

    /// The most the parts `reach` works out from the skill signature (required and nice-to-have skills, with the
    /// text at full marks) can add up to for anyone in a list read with these capped `tiers`: every bit set.
    func skillsPart(ceiling tiers: [SignatureBounds.Tier]) -> Double {
        tiers.withUnsafeBufferPointer { skillsPart(.max, tiers: $0.baseAddress!) }
    }

    @inline(__always)
    private func skillsPart(_ signature: UInt64, tiers: UnsafePointer<SignatureBounds.Tier>) -> Double {
        skillsPart(credit: signatures.requiredCredit(signature, tiers: tiers), covered: signatures.niceCovered(signature))
    }

    @inline(__always)
    private func skillsPart(credit: Double, covered: Int) -> Double {
        creditWeight * credit + coveredWeight * Double(covered) + rest
    }

    /// How close a candidate with these packed traits and skill `signature`, earning at most what the capped
    /// `tiers` allow on each required skill (`SignatureBounds.tiers(cappedAt:)`), can come to `threshold`: first
    /// from the tables — the traits alone with the most anyone in the list can earn on skills (`skillsCeiling`,
    /// from `skillsPart(ceiling:)`), then with the signature too — then with the rules in full on the unpacked
    /// traits. Most postings fail on their traits, and those cost a few table reads and no work on the signature.
    ///
    /// `.tie` rests on `combine` of those component bounds being at least the score itself: each bound is at least
    /// its component and `combine` adds nonnegative weights times components in a fixed order, and rounding to
    /// nearest is monotonic, so the sum of larger terms is never smaller.
    @inline(__always)
    func reach(_ threshold: Double, _ bits: UInt64, signature: UInt64, tiers: UnsafePointer<SignatureBounds.Tier>,
               skillsCeiling: Double, vacancyCity: Int32?) -> Reach {
        guard eligible(bits) else { return .below }
        let traitsPart = traitsPart(bits, vacancyCity: vacancyCity)
        guard (traitsPart + skillsCeiling) * inverseWeightSum + 1e-9 >= threshold else { return .below }
        let credit = signatures.requiredCredit(signature, tiers: tiers)
        let covered = signatures.niceCovered(signature)
        guard (traitsPart + skillsPart(credit: credit, covered: covered)) * inverseWeightSum + 1e-9 >= threshold else {
            return .below
        }
        let traits = CandidatePool.Traits(bits, vacancyCity: vacancyCity)
        var sink = NoReasons()
        guard matcher.passesHardConstraints(traits, prepared, &sink) else { return .below }
        var values = ComponentValues.fullMarks
        values.requiredSkills = signatures.requiredSkills(credit: credit)
        values.niceToHaveSkills = signatures.niceToHave(covered: covered)
        matcher.scalarComponents(traits, prepared, &values)
        guard matcher.ceiling(values) >= threshold else { return .below }
        return matcher.combine(values) > threshold ? .above : .tie
    }

    /// The first bound `reach` compares, before its 1e-9: the tables' best score for these traits and signature;
    /// −∞ for a candidate the tables exclude.
    func tabledBound(_ bits: UInt64, signature: UInt64, tiers: UnsafePointer<SignatureBounds.Tier>,
                     vacancyCity: Int32?) -> Double {
        guard eligible(bits) else { return -.infinity }
        return (traitsPart(bits, vacancyCity: vacancyCity) + skillsPart(signature, tiers: tiers)) * inverseWeightSum
    }

    /// Whether the packed citizenship may be one the vacancy is open to.
    @inline(__always)
    private func eligible(_ bits: UInt64) -> Bool {
        guard let eligible else { return true }
        let citizenship = Int(CandidatePool.Traits.citizenship(bits))
        let word = citizenship >> 6
        return citizenship == Int(CandidatePool.Traits.unnumbered)
            || (word < eligible.count && eligible[word] & (1 << UInt64(citizenship & 63)) != 0)
    }

    /// The weighted components the traits decide: salary, experience, Russian and place (−∞ where one excludes).
    @inline(__always)
    private func traitsPart(_ bits: UInt64, vacancyCity: Int32?) -> Double {
        typealias Traits = CandidatePool.Traits
        return salary(bits) + experience[Int(Traits.years(bits))] + russian[Traits.russianLevel(bits)]
            + place[Traits.placeIndex(bits, vacancyCity: vacancyCity)]
    }

    /// The weighted salary component of the packed salary, as `Matcher.salary` computes it on the unpacked one
    /// but multiplying by 2 / the budget where it divides.
    @inline(__always)
    private func salary(_ bits: UInt64) -> Double {
        guard let budget, let expected = CandidatePool.Traits.salary(bits) else { return unknownSalary }
        let over = Double(expected) - budget
        return over <= 0 ? salaryWeight : salaryWeight * max(0, 1 - over * twiceInverseBudget)
    }
}

/// Takes a value the optimizer must not prove unused, so the reads that made it are not removed: not inlined,
/// and not optimized, so its argument is not dropped as dead either.
@inline(never) @_optimize(none)
private func keep(_ value: UInt64) {}
