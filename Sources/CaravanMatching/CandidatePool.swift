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

    /// Everything a ranking reads per candidate, in one value: a ranking reads it through one pointer, so the
    /// loop pays no exclusivity check or reference count per array read (they cost more than the scoring).
    struct Columns {
        // Skills, deduplicated per candidate (highest level), as slices of two flat arrays.
        var skillStart: [UInt32] = [0]
        var skillIndexes: [UInt16] = []
        var skillLevels: [UInt8] = []
        /// Skills implied through a held child (not held directly), with the best level and that child, worked
        /// out when the candidate is added so a ranking never walks the taxonomy.
        var impliedStart: [UInt32] = [0]
        var impliedIndexes: [UInt16] = []
        var impliedLevels: [UInt8] = []
        var impliedVia: [UInt16] = []
        // Scalars.
        var years: [Double] = []
        var russianLevels: [UInt8] = []
        var salaries: [Int] = []
        var citizenships: [String] = []
        var cities: [String] = []
        var cityKeys: [Int32] = []
        var remote: [Bool] = []
        var relocate: [Bool] = []
        // Summary terms as numbers, sorted per candidate.
        var termStart: [UInt32] = [0]
        var terms: [UInt32] = []
    }

    private var columns = Columns()
    /// Per taxonomy index, the positions of candidates holding the skill directly.
    private(set) var holders: [[UInt32]]
    /// Per taxonomy index, every skill below it (children, their children, …).
    let descendants: [[Int]]
    private var cityKeyIDs: [String: Int32] = [:]
    private var termIDs: [String: UInt32] = [:]
    /// Unknown skill ids are rare: kept aside, each becomes a reason on that candidate's result.
    private var unknownSkills: [Int: [SkillID]] = [:]

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
            columns.skillIndexes.append(UInt16(index))
            columns.skillLevels.append(level)
            holders[index].append(UInt32(position))
        }
        columns.skillStart.append(UInt32(columns.skillIndexes.count))

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
            columns.impliedIndexes.append(UInt16(entry.index))
            columns.impliedLevels.append(entry.level)
            columns.impliedVia.append(UInt16(entry.via))
        }
        columns.impliedStart.append(UInt32(columns.impliedIndexes.count))

        columns.years.append(candidate.yearsOfExperience)
        columns.russianLevels.append(UInt8(candidate.russian?.rawValue ?? 0))
        columns.salaries.append(candidate.expectedSalary ?? Int.min)
        columns.citizenships.append(candidate.citizenship)
        columns.cities.append(candidate.city)
        let key = candidate.city.lowercased()
        if let id = cityKeyIDs[key] {
            columns.cityKeys.append(id)
        } else {
            let id = Int32(cityKeyIDs.count)
            cityKeyIDs[key] = id
            columns.cityKeys.append(id)
        }
        columns.remote.append(candidate.openToRemote)
        columns.relocate.append(candidate.willingToRelocate)

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
        columns.terms += numbers.sorted()
        columns.termStart.append(UInt32(columns.terms.count))
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

    /// Runs `body` with the columns behind one pointer, valid for the call: what every ranking reads through.
    func withColumns<R>(_ body: (UnsafePointer<Columns>) -> R) -> R {
        withUnsafePointer(to: columns, body)
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

    /// One stored candidate, read in place through the columns' pointer (valid inside `withColumns`).
    struct Member: MatchCandidate {
        let columns: UnsafePointer<Columns>
        let position: Int
        let query: Query

        var skills: Skills { Skills(columns: columns, position: position) }
        var yearsOfExperience: Double { columns.pointee.years[position] }
        var russian: LanguageLevel? { LanguageLevel(rawValue: Int(columns.pointee.russianLevels[position])) }
        var expectedSalary: Int? {
            let salary = columns.pointee.salaries[position]
            return salary == Int.min ? nil : salary
        }
        var citizenship: String { columns.pointee.citizenships[position] }
        var city: String { columns.pointee.cities[position] }
        var openToRemote: Bool { columns.pointee.remote[position] }
        var willingToRelocate: Bool { columns.pointee.relocate[position] }

        func livesIn(_ vacancy: PreparedVacancy) -> Bool {
            query.cityKey.map { $0 == columns.pointee.cityKeys[position] } ?? false
        }

        private func uses(_ term: UInt32?) -> Bool {
            guard let term else { return false }
            var low = Int(columns.pointee.termStart[position])
            var high = Int(columns.pointee.termStart[position + 1])
            while low < high {
                let middle = (low + high) / 2
                let value = columns.pointee.terms[middle]
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
            let columns: UnsafePointer<Columns>
            let position: Int

            func direct(_ skill: Int) -> SkillLevel? {
                guard skill >= 0 else { return nil }
                let end = Int(columns.pointee.skillStart[position + 1])
                var at = Int(columns.pointee.skillStart[position])
                while at < end {
                    if Int(columns.pointee.skillIndexes[at]) == skill {
                        return SkillLevel(rawValue: Int(columns.pointee.skillLevels[at]))
                    }
                    at += 1
                }
                return nil
            }

            func throughChild(_ skill: Int) -> (level: SkillLevel, via: Int)? {
                guard skill >= 0 else { return nil }
                let end = Int(columns.pointee.impliedStart[position + 1])
                var at = Int(columns.pointee.impliedStart[position])
                while at < end {
                    if Int(columns.pointee.impliedIndexes[at]) == skill {
                        return SkillLevel(rawValue: Int(columns.pointee.impliedLevels[at]))
                            .map { ($0, Int(columns.pointee.impliedVia[at])) }
                    }
                    at += 1
                }
                return nil
            }
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
        // and every partial credit to stay within 0…1 (weights are data; a misconfiguration falls back to the scan).
        let credits = [weights.childSkillCredit, weights.parentSkillCredit, weights.relocationWithSupport,
                       weights.relocationWithoutSupport]
        let boundHolds = MatchComponent.allCases.allSatisfy { weights.weight(of: $0) >= 0 }
            && credits.allSatisfy { (0...1).contains($0) }
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

        let top = pool.withColumns { columns -> TopMatches in
            var top = TopMatches(limit: limit)
            var stoppedAt: Int?
            for covered in stride(from: required.count, through: 1, by: -1) {
                if let threshold = top.threshold, bound(covering: covered, of: required.count) < threshold {
                    stoppedAt = covered
                    break
                }
                // Ascending positions within a bucket: the order does not change the result, only the cache.
                for position in byCoverage[covered].sorted() {
                    let member = CandidatePool.Member(columns: columns, position: Int(position), query: query)
                    if let score = score(member, prepared, reaching: top.threshold) {
                        top.offer(score: score, id: pool.ids[Int(position)], position: Int(position))
                    }
                }
            }
            // Candidates covering none of the required skills, only if even they could still enter.
            if stoppedAt == nil, top.threshold.map({ bound(covering: 0, of: required.count) >= $0 }) ?? true {
                var visited = [Bool](repeating: false, count: pool.ids.count)
                for position in touched { visited[Int(position)] = true }
                for position in pool.positions where pool.live[position] && !visited[position] {
                    let member = CandidatePool.Member(columns: columns, position: position, query: query)
                    if let score = score(member, prepared, reaching: top.threshold) {
                        top.offer(score: score, id: pool.ids[position], position: position)
                    }
                }
            }
            return top
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
            for position in pool.positions where pool.live[position] {
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

    /// The highest score a candidate covering `covered` of `total` required skills can reach: each covered
    /// skill at full credit.
    func bound(covering covered: Int, of total: Int) -> Double {
        bestScore(requiredSkills: Double(covered) / Double(total))
    }
}
