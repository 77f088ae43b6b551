import CaravanSearch

/// Many candidates kept compactly for "candidates for this vacancy": skills, scalars and summary terms in
/// flat arrays, and per skill the list of candidates holding it (ascending positions) — an inverted skill
/// index, so a ranking visits the candidates who cover the vacancy's skills instead of scanning everyone.
///
/// Replacing a candidate (same id) retires the old entry and appends the new one; removal retires it.
/// Not safe for concurrent mutation: keep one in an actor, or build it once and only read it.
public final class CandidatePool: @unchecked Sendable {
    let taxonomy: SkillTaxonomy
    private let analyzer = Analyzer()

    private(set) var ids: [String] = []
    private var positionByID: [String: Int32] = [:]
    private(set) var live: [Bool] = []
    public private(set) var liveCount = 0

    // Skills, deduplicated per candidate (highest level), as slices of two flat arrays.
    private var skillStart: [UInt32] = [0]
    private var skillIndexes: [UInt16] = []
    private var skillLevels: [UInt8] = []
    /// Skills implied through a held child (not held directly), with the best level and that child, worked
    /// out when the candidate is added so a ranking never walks the taxonomy.
    private var impliedStart: [UInt32] = [0]
    private var impliedIndexes: [UInt16] = []
    private var impliedLevels: [UInt8] = []
    private var impliedVia: [UInt16] = []
    /// Per taxonomy index, the positions of candidates holding the skill directly.
    private(set) var holders: [[UInt32]]
    /// Per taxonomy index, every skill below it (children, their children, …).
    let descendants: [[Int]]

    // Scalars.
    private var years: [Double] = []
    private var russianLevels: [UInt8] = []
    private var salaries: [Int] = []
    private var citizenships: [String] = []
    private var cities: [String] = []
    private var cityKeys: [Int32] = []
    private var cityKeyIDs: [String: Int32] = [:]
    private var remote: [Bool] = []
    private var relocate: [Bool] = []
    /// Unknown skill ids are rare: kept aside, each becomes a reason on that candidate's result.
    private var unknownSkills: [Int: [SkillID]] = [:]

    // Summary terms as numbers, sorted per candidate.
    private var termStart: [UInt32] = [0]
    private var terms: [UInt32] = []
    private var termIDs: [String: UInt32] = [:]

    /// Reused by every ranking: which required skills each candidate covers (bit per skill).
    private var coverage: [UInt64] = []

    public init(taxonomy: SkillTaxonomy) {
        self.taxonomy = taxonomy
        holders = Array(repeating: [], count: taxonomy.count)
        var descendants = [[Int]](repeating: [], count: taxonomy.count)
        for skill in 0..<taxonomy.count {
            var ancestor = taxonomy.parentIndex(of: skill)
            while ancestor >= 0 {
                descendants[ancestor].append(skill)
                ancestor = taxonomy.parentIndex(of: ancestor)
            }
        }
        self.descendants = descendants
    }

    public var count: Int { liveCount }

    /// Adds a candidate, replacing the one with the same id.
    public func add(_ candidate: CandidateProfile) {
        remove(id: candidate.id)
        let position = ids.count
        ids.append(candidate.id)
        positionByID[candidate.id] = Int32(position)
        live.append(true)
        liveCount += 1

        var levelBySkill: [(index: Int, level: UInt8)] = []
        for claim in candidate.skills {
            guard let index = taxonomy.index(of: claim.skill) else {
                unknownSkills[position, default: []].append(claim.skill)
                continue
            }
            let level = UInt8(claim.level.rawValue)
            if let at = levelBySkill.firstIndex(where: { $0.index == index }) {
                levelBySkill[at].level = max(levelBySkill[at].level, level)
            } else {
                levelBySkill.append((index, level))
            }
        }
        for (index, level) in levelBySkill.sorted(by: { $0.index < $1.index }) {
            skillIndexes.append(UInt16(index))
            skillLevels.append(level)
            holders[index].append(UInt32(position))
        }
        skillStart.append(UInt32(skillIndexes.count))

        // As `DenseHeldSkills`: every ancestor not held directly, the best level below it, then the smaller id.
        var implied: [(index: Int, level: UInt8, via: Int)] = []
        for (held, level) in levelBySkill {
            var ancestor = taxonomy.parentIndex(of: held)
            while ancestor >= 0 {
                if !levelBySkill.contains(where: { $0.index == ancestor }) {
                    if let at = implied.firstIndex(where: { $0.index == ancestor }) {
                        let best = implied[at]
                        let keep = best.level > level
                            || (best.level == level && taxonomy.skills[best.via].id < taxonomy.skills[held].id)
                        if !keep { implied[at] = (ancestor, level, held) }
                    } else {
                        implied.append((ancestor, level, held))
                    }
                }
                ancestor = taxonomy.parentIndex(of: ancestor)
            }
        }
        for entry in implied {
            impliedIndexes.append(UInt16(entry.index))
            impliedLevels.append(entry.level)
            impliedVia.append(UInt16(entry.via))
        }
        impliedStart.append(UInt32(impliedIndexes.count))

        years.append(candidate.yearsOfExperience)
        russianLevels.append(UInt8(candidate.russian?.rawValue ?? 0))
        salaries.append(candidate.expectedSalary ?? Int.min)
        citizenships.append(candidate.citizenship)
        cities.append(candidate.city)
        let key = candidate.city.lowercased()
        if let id = cityKeyIDs[key] {
            cityKeys.append(id)
        } else {
            let id = Int32(cityKeyIDs.count)
            cityKeyIDs[key] = id
            cityKeys.append(id)
        }
        remote.append(candidate.openToRemote)
        relocate.append(candidate.willingToRelocate)

        var numbers: [UInt32] = []
        for term in Set(analyzer.terms(candidate.summary)) {
            if let id = termIDs[term] {
                numbers.append(id)
            } else {
                let id = UInt32(termIDs.count)
                termIDs[term] = id
                numbers.append(id)
            }
        }
        terms += numbers.sorted()
        termStart.append(UInt32(terms.count))
        coverage.append(0)
    }

    /// Retires the candidate with this id; false if there is none.
    @discardableResult
    public func remove(id: String) -> Bool {
        guard let position = positionByID.removeValue(forKey: id) else { return false }
        live[Int(position)] = false
        liveCount -= 1
        return true
    }

    func member(_ position: Int, _ query: Query) -> Member {
        Member(pool: self, position: position, query: query)
    }

    func unknownSkillReasons(_ position: Int) -> [MatchReason] {
        (unknownSkills[position] ?? []).map {
            MatchReason("match.skill.unknown", nil, .negative, ["skill": $0.rawValue])
        }
    }

    /// The vacancy's side in this pool's numbers: its title terms and city key, looked up once per ranking.
    struct Query {
        let titleTerms: [UInt32?]
        let cityKey: Int32?
    }

    func query(_ vacancy: PreparedVacancy) -> Query {
        Query(titleTerms: vacancy.title.terms.map { termIDs[$0.term] },
              cityKey: vacancy.cityKey.isEmpty ? nil : cityKeyIDs[vacancy.cityKey])
    }

    /// One stored candidate, read in place. `unowned(unsafe)`: a ranking reads thousands of them and
    /// the pool outlives every one.
    struct Member: MatchCandidate {
        unowned(unsafe) let pool: CandidatePool
        let position: Int
        let query: Query

        var skills: Skills { Skills(pool: pool, position: position) }
        var yearsOfExperience: Double { pool.years[position] }
        var russian: LanguageLevel? { LanguageLevel(rawValue: Int(pool.russianLevels[position])) }
        var expectedSalary: Int? { pool.salaries[position] == Int.min ? nil : pool.salaries[position] }
        var citizenship: String { pool.citizenships[position] }
        var city: String { pool.cities[position] }
        var openToRemote: Bool { pool.remote[position] }
        var willingToRelocate: Bool { pool.relocate[position] }

        func livesIn(_ vacancy: PreparedVacancy) -> Bool {
            query.cityKey.map { $0 == pool.cityKeys[position] } ?? false
        }

        private func uses(_ term: UInt32?) -> Bool {
            guard let term else { return false }
            var low = Int(pool.termStart[position])
            var high = Int(pool.termStart[position + 1])
            while low < high {
                let middle = (low + high) / 2
                let value = pool.terms[middle]
                if value == term { return true }
                if value < term { low = middle + 1 } else { high = middle }
            }
            return false
        }

        func sharedTitleTerms(_ vacancy: PreparedVacancy) -> Int {
            var shared = 0
            for term in query.titleTerms where uses(term) { shared += 1 }
            return shared
        }

        func sharedTitleWords(_ vacancy: PreparedVacancy) -> [String] {
            zip(vacancy.title.terms, query.titleTerms).filter { uses($0.1) }.map(\.0.word)
        }

        /// The candidate's skill slices: a handful of entries each, scanned.
        struct Skills: HeldSkills {
            unowned(unsafe) let pool: CandidatePool
            let position: Int

            func direct(_ skill: Int) -> SkillLevel? {
                guard skill >= 0 else { return nil }
                return pool.lookUp(skill, position)
            }

            func throughChild(_ skill: Int) -> (level: SkillLevel, via: Int)? {
                guard skill >= 0 else { return nil }
                return pool.lookUpImplied(skill, position)
            }
        }
    }

    @inline(__always) func lookUp(_ skill: Int, _ position: Int) -> SkillLevel? {
        skillIndexes.withUnsafeBufferPointer { indexes in
            let end = Int(skillStart[position + 1])
            var at = Int(skillStart[position])
            while at < end {
                if Int(indexes[at]) == skill { return SkillLevel(rawValue: Int(skillLevels[at])) }
                at += 1
            }
            return nil
        }
    }

    @inline(__always) func lookUpImplied(_ skill: Int, _ position: Int) -> (level: SkillLevel, via: Int)? {
        impliedIndexes.withUnsafeBufferPointer { indexes in
            let end = Int(impliedStart[position + 1])
            var at = Int(impliedStart[position])
            while at < end {
                if Int(indexes[at]) == skill {
                    return SkillLevel(rawValue: Int(impliedLevels[at])).map { ($0, Int(impliedVia[at])) }
                }
                at += 1
            }
            return nil
        }
    }

    // MARK: Coverage scratch, used by one ranking at a time

    func resetCoverage(_ positions: [UInt32]) {
        for position in positions { coverage[Int(position)] = 0 }
    }

    /// Marks `bit` on every candidate in `list`; returns the positions marked for the first time.
    func cover(_ list: [UInt32], bit: UInt64, touched: inout [UInt32]) {
        coverage.withUnsafeMutableBufferPointer { coverage in
            for position in list {
                let before = coverage[Int(position)]
                if before == 0 { touched.append(position) }
                coverage[Int(position)] = before | bit
            }
        }
    }

    func covered(_ position: UInt32) -> UInt64 { coverage[Int(position)] }

    var positions: Range<Int> { 0..<ids.count }
}

extension Matcher {
    /// The best `limit` candidates in `pool` for `vacancy`, visiting only candidates who cover enough of
    /// its required skills to reach the current top `limit`.
    ///
    /// Each required skill is covered by those who hold it, a skill below it, or one above it (the three
    /// ways it earns credit); a candidate covering c of n required skills scores at most what c/n of the
    /// skills component plus full marks everywhere else would give. Candidates are scored from the most
    /// covered down, and the descent stops when that bound falls below the lowest score kept: every
    /// candidate not visited provably scores less. The result equals `candidatesExhaustively`.
    public func candidates(for vacancy: VacancyProfile, in pool: CandidatePool,
                           limit: Int = 20) throws(UnknownSkillsError) -> [MatchResult] {
        let prepared = try preparedQuery(vacancy)
        let required = prepared.required
        // The bound needs every component to count for something between nothing and its full weight.
        let boundHolds = MatchComponent.allCases.allSatisfy { weights.weight(of: $0) >= 0 }
        guard boundHolds, !required.isEmpty, required.count <= 64, pool.taxonomy.count == taxonomy.count else {
            return explain(rankAll(prepared, in: pool, limit: limit), prepared, in: pool)
        }
        let query = pool.query(prepared)

        // Who covers which required skill, as a bit per skill.
        var touched: [UInt32] = []
        for (bit, need) in required.enumerated() {
            let mask = UInt64(1) << UInt64(bit)
            pool.cover(pool.holders[need.skill], bit: mask, touched: &touched)
            for below in pool.descendants[need.skill] { pool.cover(pool.holders[below], bit: mask, touched: &touched) }
            for above in need.ancestors { pool.cover(pool.holders[above], bit: mask, touched: &touched) }
        }
        var byCoverage = [[UInt32]](repeating: [], count: required.count + 1)
        for position in touched where pool.live[Int(position)] {
            byCoverage[pool.covered(position).nonzeroBitCount].append(position)
        }
        pool.resetCoverage(touched)

        var top = TopMatches(limit: limit)
        var stoppedAt: Int?
        for covered in stride(from: required.count, through: 1, by: -1) {
            if let threshold = top.threshold, bound(covering: covered, of: required.count) < threshold {
                stoppedAt = covered
                break
            }
            // Ascending positions within a bucket: the order does not change the result, only the cache.
            for position in byCoverage[covered].sorted() {
                let member = pool.member(Int(position), query)
                if let score = score(member, prepared) {
                    top.offer(score: score, id: pool.ids[Int(position)], position: Int(position))
                }
            }
        }
        // Candidates covering none of the required skills, only if even they could still enter.
        if stoppedAt == nil, top.threshold.map({ bound(covering: 0, of: required.count) >= $0 }) ?? true {
            var visited = [Bool](repeating: false, count: pool.ids.count)
            for position in touched { visited[Int(position)] = true }
            for position in pool.positions where pool.live[position] && !visited[position] {
                if let score = score(pool.member(position, query), prepared) {
                    top.offer(score: score, id: pool.ids[position], position: position)
                }
            }
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
        var top = TopMatches(limit: limit)
        for position in pool.positions where pool.live[position] {
            if let score = score(pool.member(position, query), prepared) {
                top.offer(score: score, id: pool.ids[position], position: position)
            }
        }
        return top
    }

    private func explain(_ top: TopMatches, _ prepared: PreparedVacancy, in pool: CandidatePool) -> [MatchResult] {
        let query = pool.query(prepared)
        return top.ranked.map {
            explain(pool.member($0.position, query), prepared, id: $0.id,
                    unknownSkillReasons: pool.unknownSkillReasons($0.position))
        }
    }

    /// The highest score a candidate covering `covered` of `total` required skills can reach: each covered
    /// skill at full credit, every other component at 1. A hair above, so rounding never prunes a tie.
    func bound(covering covered: Int, of total: Int) -> Double {
        var values = ComponentValues()
        values.requiredSkills = Double(covered) / Double(total)
        values.niceToHaveSkills = 1
        values.experience = 1
        values.russian = 1
        values.salary = 1
        values.location = 1
        values.text = 1
        return combine(values) + 1e-9
    }
}
