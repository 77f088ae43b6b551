import CaravanSearch

/// Many candidates kept compactly for "candidates for this vacancy": skills, scalars and summary terms in
/// flat arrays, and per skill and level the list of candidates holding it (ascending positions) — an
/// inverted skill index, so a ranking visits the candidates who can earn the vacancy's skills instead of
/// scanning everyone (see `Matcher.candidates(for:in:limit:)`).
///
/// Replacing a candidate (same id) retires the old entry and appends the new one; removal retires it.
/// Rankings only read, so any number may run at once; mutation must not overlap them (keep the pool in an
/// actor, or build it once and only read it).
public final class CandidatePool: @unchecked Sendable {
    let taxonomy: SkillTaxonomy
    private let analyzer = Analyzer()

    private(set) var ids: [String] = []
    /// Per position, the id's `orderKey`: equal scores rank by id, so a candidate who can at best tie the
    /// lowest kept score is ruled out by comparing keys, without reading their row.
    private(set) var orderKeys: [UInt64] = []
    private var positionByID: [String: Int32] = [:]
    public private(set) var liveCount = 0

    /// Everything a ranking reads per candidate, in one value: a ranking reads it through one pointer, so the
    /// loop pays no exclusivity check or reference count per array read (they cost more than the scoring).
    struct Columns {
        /// False once a candidate was replaced or removed (its postings stay, and are skipped).
        var live: [Bool] = []
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
        var citizenshipNumbers: [Int32] = []
        var cities: [String] = []
        var cityKeys: [Int32] = []
        var remote: [Bool] = []
        var relocate: [Bool] = []
        // Summary terms as numbers, sorted per candidate.
        var termStart: [UInt32] = [0]
        var terms: [UInt32] = []
    }

    private var columns = Columns()
    /// Per taxonomy index and level (`list(skill:level:)`), the ascending positions of candidates holding
    /// the skill directly at that level: a ranking knows from the list alone what credit its holders can earn.
    private(set) var postings: [[UInt32]]
    /// Beside every posting, its candidate's `Traits` packed: read in order with the list.
    private(set) var postingTraits: [[UInt64]]
    /// Beside every posting, its candidate's `SkillSignature`: which skills they may hold, read in order with
    /// the list, so a holder of one required skill who lacks the others is ruled out without reading their row.
    private(set) var postingSkills: [[UInt64]]
    /// Per taxonomy index, every skill below it (children, their children, …).
    let descendants: [[Int]]
    private var cityKeyIDs: [String: Int32] = [:]
    private var termIDs: [String: UInt32] = [:]
    /// Unknown skill ids are rare: kept aside, each becomes a reason on that candidate's result.
    private var unknownSkills: [Int: [SkillID]] = [:]

    public init(taxonomy: SkillTaxonomy) {
        self.taxonomy = taxonomy
        postings = Array(repeating: [], count: taxonomy.count * SkillLevel.allCases.count)
        postingTraits = postings.map { _ in [] }
        postingSkills = postings.map { _ in [] }
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
    /// Rows held, replaced and removed ones included: `add` of a known id leaves a dead row behind, so a pool that
    /// takes many updates is rebuilt from its live profiles now and then (the server does when this passes twice
    /// `count`).
    public var rowCount: Int { ids.count }

    /// Adds a candidate, replacing the one with the same id.
    public func add(_ candidate: CandidateProfile) {
        remove(id: candidate.id)
        let position = ids.count
        ids.append(candidate.id)
        orderKeys.append(Self.orderKey(candidate.id))
        positionByID[candidate.id] = Int32(position)
        columns.live.append(true)
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

        let citizenship = TermNumbers.shared.number(adding: candidate.citizenship)
        columns.citizenshipNumbers.append(citizenship)
        let traits = Traits.pack(candidate, cityKey: columns.cityKeys[position], citizenship: citizenship)
        let signature = SkillSignature.of(levelBySkill.map(\.index))
        for (index, level) in levelBySkill {
            let list = Self.list(skill: index, level: level)
            postings[list].append(UInt32(position))
            postingTraits[list].append(traits)
            postingSkills[list].append(signature)
        }

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
    }

    /// The first eight bytes of an ASCII id, big-endian, zeros after its end: when two ids' keys differ, the id
    /// with the greater key is the greater string (ASCII strings compare byte by byte, and a proper prefix comes
    /// first). Equal keys say nothing. Any other id gets 0, never greater than another key, so it is never ruled
    /// out by its key (`String` orders non-ASCII text by its normalized scalars, not its bytes).
    static func orderKey(_ id: String) -> UInt64 {
        var key: UInt64 = 0
        var count = 0
        for byte in id.utf8 {
            guard byte < 0x80 else { return 0 }
            if count < 8 { key |= UInt64(byte) << (56 - 8 * UInt64(count)) }
            count += 1
        }
        return key
    }

    /// The key that no id's key exceeds unless the id is greater than `id`: its own key when ASCII, the
    /// highest otherwise (then no id is ruled out against it).
    static func orderCeiling(_ id: String) -> UInt64 {
        id.utf8.allSatisfy { $0 < 0x80 } ? orderKey(id) : .max
    }

    /// The posting list of a skill's holders at one level (levels are 1…4).
    @inline(__always) static func list(skill: Int, level: UInt8) -> Int {
        skill * SkillLevel.allCases.count + Int(level) - 1
    }

    /// Retires the candidate with this id; false if there is none.
    @discardableResult
    public func remove(id: String) -> Bool {
        guard let position = positionByID.removeValue(forKey: id) else { return false }
        columns.live[Int(position)] = false
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
        func holdsCitizenship(in eligible: [Int32]) -> Bool {
            eligible.contains(columns.pointee.citizenshipNumbers[position])
        }
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

    var positions: Range<Int> { 0..<ids.count }
}

