import CaravanSearch

/// Ranks candidates for a vacancy and vacancies for a candidate, with reasons.
///
/// Both directions score a pair the same way, so "why is this vacancy first for me" and "why is this
/// candidate first for us" never disagree. Hard constraints exclude a pair; soft ones each give a 0…1
/// component that `MatchingWeights` combine. Equal scores rank by id, so the same inputs always give the
/// same order.
///
/// A ranking scores every pair without building a single reason, keeps the best `limit`, and explains only
/// those: the explanation is what costs, and nobody reads the explanation of the 600th vacancy.
public struct Matcher: Sendable {
    public let taxonomy: SkillTaxonomy
    public let weights: MatchingWeights

    public init(taxonomy: SkillTaxonomy, weights: MatchingWeights = .standard) {
        self.taxonomy = taxonomy
        self.weights = weights
    }

    /// The best `limit` candidates for `vacancy`. Throws if the vacancy names skills the taxonomy does not
    /// know (the query itself is wrong); a candidate's unknown skills only add a reason to that candidate.
    public func candidates(for vacancy: VacancyProfile, among candidates: [CandidateProfile],
                           limit: Int = 20) throws(UnknownSkillsError) -> [MatchResult] {
        let prepared = try preparedQuery(vacancy)
        var top = TopMatches(limit: limit)
        var contexts: [CandidateContext] = []
        contexts.reserveCapacity(candidates.count)
        for candidate in candidates {
            let context = CandidateContext(candidate, matcher: self)
            if let score = score(context, prepared) { top.offer(score: score, id: candidate.id, position: contexts.count) }
            contexts.append(context)
        }
        return top.ranked.map {
            let context = contexts[$0.position]
            return explain(context, prepared, id: context.profile.id, unknownSkillReasons: context.unknownSkillReasons)
        }
    }

    /// The best `limit` vacancies for `candidate`; throws if the candidate's own skills are unknown.
    public func vacancies(for candidate: CandidateProfile, among vacancies: [VacancyProfile],
                          limit: Int = 20) throws(UnknownSkillsError) -> [MatchResult] {
        try self.vacancies(for: candidate, among: vacancies.map { PreparedVacancy($0, taxonomy: taxonomy) }, limit: limit)
    }

    /// The same ranking over vacancies prepared once (skills resolved and titles analysed when they were
    /// indexed, not on every request): what a server keeps in memory.
    public func vacancies(for candidate: CandidateProfile, among vacancies: [PreparedVacancy],
                          limit: Int = 20) throws(UnknownSkillsError) -> [MatchResult] {
        try self.vacancies(for: PreparedCandidate(candidate), among: vacancies, limit: limit)
    }

    /// The same for a candidate prepared once (its summary analysed when the profile was saved): every vacancy
    /// is looked at.
    public func vacancies(for candidate: PreparedCandidate, among vacancies: [PreparedVacancy],
                          limit: Int = 20) throws(UnknownSkillsError) -> [MatchResult] {
        let context = try context(of: candidate)
        var top = TopMatches(limit: limit)
        let mayStopEarly = weights.boundByFullMarks
        for position in vacancies.indices {
            offer(vacancies[position], at: position, to: &top, context, stoppingEarly: mayStopEarly)
        }
        return explained(top, context, vacancies)
    }

    /// The same ranking over vacancies indexed by skill: those where the candidate's skills can earn credit are
    /// scored first, and the others only while one of them could still enter the kept `limit` (see
    /// `PreparedVacancies`). The result is the one every vacancy would give; with weights that may be negative,
    /// every vacancy is scored.
    public func vacancies(for candidate: PreparedCandidate, among vacancies: PreparedVacancies,
                          limit: Int = 20) throws(UnknownSkillsError) -> [MatchResult] {
        guard weights.boundByFullMarks, vacancies.indexes(taxonomySize: taxonomy.count) else {
            return try self.vacancies(for: candidate, among: vacancies.all, limit: limit)
        }
        let context = try context(of: candidate)
        var top = TopMatches(limit: limit)
        let all = vacancies.all
        let reachable = vacancies.reachable(byHolderOf: context.skills.held, taxonomy: taxonomy)
        for (word, bits) in reachable.enumerated() {
            var bits = bits
            while bits != 0 {
                let position = word << 6 | bits.trailingZeroBitCount
                bits &= bits - 1
                offer(all[position], at: position, to: &top, context, stoppingEarly: true)
            }
        }
        // The rest score 0 on required skills: none can reach a threshold above the best such a score can be.
        if let threshold = top.threshold, bestScore(requiredSkills: 0) < threshold {
            return explained(top, context, all)
        }
        for (word, bits) in reachable.enumerated() {
            var missing = ~bits
            if word == reachable.count - 1, all.count & 63 != 0 { missing &= (1 << UInt64(all.count & 63)) - 1 }
            while missing != 0 {
                let position = word << 6 | missing.trailingZeroBitCount
                missing &= missing - 1
                offer(all[position], at: position, to: &top, context, stoppingEarly: true)
            }
        }
        return explained(top, context, all)
    }

    /// The candidate's side, worked out once per ranking, not once per vacancy; throws if their skills are unknown.
    private func context(of candidate: PreparedCandidate) throws(UnknownSkillsError) -> CandidateContext {
        let unknown = taxonomy.unknownIDs(in: candidate.profile.skills.map(\.skill))
        guard unknown.isEmpty else { throw UnknownSkillsError(ids: unknown) }
        return CandidateContext(candidate, matcher: self)
    }

    /// One vacancy offered to the kept matches. Once `limit` are kept, it is scored only as far as it can still
    /// reach the lowest kept score, under the same condition on the weights as the pool's ranking (the score of
    /// one that can is the same either way).
    @inline(__always)
    private func offer(_ vacancy: PreparedVacancy, at position: Int, to top: inout TopMatches, _ context: CandidateContext,
                       stoppingEarly: Bool) {
        let prepared = fitted(vacancy)
        if let score = score(context, prepared, reaching: stoppingEarly ? top.threshold : nil) {
            top.offer(score: score, id: prepared.profile.id, position: position)
        }
    }

    /// The kept matches, best first, each scored again with its reasons.
    private func explained(_ top: TopMatches, _ context: CandidateContext, _ vacancies: [PreparedVacancy]) -> [MatchResult] {
        top.ranked.map {
            explain(context, fitted(vacancies[$0.position]), id: $0.id, unknownSkillReasons: context.unknownSkillReasons)
        }
    }

    /// The verdict on one pair: excluded (with every hard constraint that failed) or scored with reasons.
    public func evaluate(_ candidate: CandidateProfile, for vacancy: VacancyProfile) -> MatchEvaluation {
        // The vacancy first: it numbers its title's words, which the candidate's side then looks up.
        let prepared = PreparedVacancy(vacancy, taxonomy: taxonomy)
        return evaluate(CandidateContext(candidate, matcher: self), prepared)
    }

    /// The score alone, no reason built; nil when a hard constraint excludes the pair, or when `threshold` is
    /// given and the pair provably cannot reach it (so it cannot enter a ranking whose lowest kept score it
    /// is). With a threshold the components are worked out cheapest first, each unknown one counted at full
    /// marks, and the work stops as soon as even that falls short — which needs weights that are not
    /// negative (the pool's ranking checks). The score itself is the same either way: `combine` sums in a
    /// fixed order whatever order the values were found in.
    func score<C: MatchCandidate>(_ candidate: C, _ vacancy: PreparedVacancy, reaching threshold: Double? = nil) -> Double? {
        var sink = NoReasons()
        guard passesHardConstraints(candidate, vacancy, &sink) else { return nil }
        guard let threshold else {
            return combine(components(candidate, vacancy, &sink))
        }
        var values = ComponentValues.fullMarks
        values.requiredSkills = requiredSkills(candidate.skills, vacancy, &sink)
        guard ceiling(values) >= threshold else { return nil }
        scalarComponents(candidate, vacancy, &values)
        guard ceiling(values) >= threshold else { return nil }
        values.niceToHaveSkills = niceToHaveSkills(candidate.skills, vacancy, &sink)
        values.text = text(candidate, vacancy, &sink)
        return combine(values)
    }

    func evaluate(_ context: CandidateContext, _ vacancy: PreparedVacancy) -> MatchEvaluation {
        var exclusions = ReasonList()
        guard passesHardConstraints(context, vacancy, &exclusions) else { return .excluded(exclusions.reasons) }
        var reasons = ReasonList(reasons: context.unknownSkillReasons)
        let values = components(context, vacancy, &reasons)
        return .scored(score: combine(values), components: values.dictionary, reasons: reasons.reasons)
    }

    /// A pair that the ranking kept, scored again with its reasons; `id` names the side being ranked.
    func explain<C: MatchCandidate>(_ candidate: C, _ vacancy: PreparedVacancy, id: String,
                                    unknownSkillReasons: [MatchReason] = []) -> MatchResult {
        var reasons = ReasonList(reasons: unknownSkillReasons)
        let values = components(candidate, vacancy, &reasons)
        return MatchResult(id: id, score: combine(values), values: values, reasons: reasons.reasons)
    }

    func preparedQuery(_ vacancy: VacancyProfile) throws(UnknownSkillsError) -> PreparedVacancy {
        let unknown = taxonomy.unknownIDs(in: vacancy.required.map(\.skill) + vacancy.niceToHave)
        guard unknown.isEmpty else { throw UnknownSkillsError(ids: unknown) }
        return PreparedVacancy(vacancy, taxonomy: taxonomy)
    }

    /// A vacancy prepared against another taxonomy has other skill indexes: prepare it again.
    private func fitted(_ vacancy: PreparedVacancy) -> PreparedVacancy {
        vacancy.taxonomySize == taxonomy.count ? vacancy : PreparedVacancy(vacancy.profile, taxonomy: taxonomy)
    }
}

/// A vacancy with the work that does not depend on the candidate done once: its skills resolved to taxonomy
/// indexes (with each required skill's ancestors, for parent credit), its title analysed, its city folded.
/// A class: a ranking passes hundreds of them around, and a struct of this many references cost a retain
/// and a release for each on every copy.
public final class PreparedVacancy: Sendable {
    public let profile: VacancyProfile
    let title: Matcher.TitleTerms
    let cityKey: String
    /// The title's terms and the city as `TermNumbers`, in the order of `title.terms`; −1 for no city.
    let titleNumbers: [Int32]
    let cityNumber: Int32
    /// The citizenships the vacancy is open to, as `TermNumbers`; nil when it is open to all.
    let eligibleCitizenships: [Int32]?
    let required: [Requirement]
    let niceToHave: [(skill: Int, id: SkillID)]
    /// `required` and `niceToHave` as plain values, for the loops every score runs: copying a `Requirement` out
    /// of its array costs a retain and a release of its id and its ancestors; these hold only numbers.
    let needs: [Need]
    let needAncestors: [Int]
    let niceSkills: [Int]
    let taxonomySize: Int
    /// The profile's scalars, read by every score: a read of `profile` itself copies the whole struct (a retain
    /// and a release for each of its strings and arrays) where the optimizer cannot prove it need not.
    let minimumYears: Double
    let minimumRussian: LanguageLevel?
    let salaryMax: Int?
    let workPlace: WorkPlace
    let relocationSupport: Bool

    struct Requirement: Sendable {
        /// The taxonomy index; −1 for an id the taxonomy does not know (never held, so always missing).
        let skill: Int
        let id: SkillID
        let level: SkillLevel
        /// Nearest first.
        let ancestors: [Int]
    }

    /// A requirement as numbers: the taxonomy index, the level, and where its ancestors sit in `needAncestors`.
    struct Need: Sendable {
        let skill: Int
        let level: SkillLevel
        let ancestors: Range<Int>
    }

    public init(_ profile: VacancyProfile, taxonomy: SkillTaxonomy) {
        self.profile = profile
        title = Matcher.TitleTerms(profile.title, analyzer: Analyzer())
        cityKey = profile.city.lowercased()
        titleNumbers = title.terms.map { TermNumbers.shared.number(adding: $0.term) }
        cityNumber = cityKey.isEmpty ? -1 : TermNumbers.shared.number(adding: cityKey)
        eligibleCitizenships = profile.eligibleCitizenships.map { $0.sorted().map(TermNumbers.shared.number(adding:)) }
        required = profile.required.map { need in
            let index = taxonomy.index(of: need.skill) ?? -1
            var ancestors: [Int] = []
            var current = index >= 0 ? taxonomy.parentIndex(of: index) : -1
            while current >= 0 {
                ancestors.append(current)
                current = taxonomy.parentIndex(of: current)
            }
            return Requirement(skill: index, id: need.skill, level: need.level, ancestors: ancestors)
        }
        niceToHave = profile.niceToHave.map { (taxonomy.index(of: $0) ?? -1, $0) }
        var needs: [Need] = []
        var needAncestors: [Int] = []
        for requirement in required {
            let start = needAncestors.count
            needAncestors.append(contentsOf: requirement.ancestors)
            needs.append(Need(skill: requirement.skill, level: requirement.level, ancestors: start..<needAncestors.count))
        }
        self.needs = needs
        self.needAncestors = needAncestors
        niceSkills = niceToHave.map(\.skill)
        taxonomySize = taxonomy.count
        minimumYears = profile.minimumYears
        minimumRussian = profile.minimumRussian
        salaryMax = profile.salaryMax
        workPlace = profile.workPlace
        relocationSupport = profile.relocationSupport
    }
}

/// The best `limit` scores seen so far, best first; equal scores by id. Offering costs one comparison once
/// it is full and the score is below the last kept.
struct TopMatches {
    struct Entry {
        let score: Double
        let id: String
        let position: Int
    }

    let limit: Int
    private(set) var ranked: [Entry] = []

    init(limit: Int) {
        self.limit = max(0, limit)
        ranked.reserveCapacity(self.limit + 1)
    }

    /// The lowest kept score once `limit` are kept: a score below it cannot enter.
    var threshold: Double? { ranked.count == limit ? ranked.last?.score : nil }

    mutating func offer(score: Double, id: @autoclosure () -> String, position: Int) {
        guard limit > 0 else { return }
        if ranked.count == limit, let last = ranked.last, score < last.score { return }
        let entry = Entry(score: score, id: id(), position: position)
        if ranked.count == limit, let last = ranked.last, !Self.before(entry, last) { return }
        var at = ranked.count
        while at > 0, Self.before(entry, ranked[at - 1]) { at -= 1 }
        ranked.insert(entry, at: at)
        if ranked.count > limit { ranked.removeLast() }
    }

    static func before(_ a: Entry, _ b: Entry) -> Bool {
        a.score != b.score ? a.score > b.score : a.id < b.id
    }
}
