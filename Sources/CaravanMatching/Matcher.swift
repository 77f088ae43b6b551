import CaravanSearch

/// Ranks candidates for a vacancy and vacancies for a candidate, with reasons.
///
/// Both directions score a pair the same way (`evaluate`), so "why is this vacancy first for me" and
/// "why is this candidate first for us" never disagree. Hard constraints exclude a pair; soft ones each
/// give a 0…1 component that `MatchingWeights` combine. Equal scores rank by id, so the same inputs
/// always give the same order.
///
/// This is the exact, scan-based ranking; the inverted skill index will prune with it as the reference.
public struct Matcher: Sendable {
    public let taxonomy: SkillTaxonomy
    public let weights: MatchingWeights
    let analyzer = Analyzer()

    public init(taxonomy: SkillTaxonomy, weights: MatchingWeights = .standard) {
        self.taxonomy = taxonomy
        self.weights = weights
    }

    /// The best `limit` candidates for `vacancy`. Throws if the vacancy names skills the taxonomy does not
    /// know (the query itself is wrong); a candidate's unknown skills only add a reason to that candidate.
    public func candidates(for vacancy: VacancyProfile, among candidates: [CandidateProfile],
                           limit: Int = 20) throws(UnknownSkillsError) -> [MatchResult] {
        let unknown = taxonomy.unknownIDs(in: vacancy.required.map(\.skill) + vacancy.niceToHave)
        guard unknown.isEmpty else { throw UnknownSkillsError(ids: unknown) }
        let title = TitleTerms(vacancy.title, analyzer: analyzer)
        return ranked(candidates.compactMap {
            result(id: $0.id, evaluate($0, CandidateContext($0, matcher: self), for: vacancy, title: title))
        }, limit: limit)
    }

    /// The best `limit` vacancies for `candidate`; throws if the candidate's own skills are unknown.
    public func vacancies(for candidate: CandidateProfile, among vacancies: [VacancyProfile],
                          limit: Int = 20) throws(UnknownSkillsError) -> [MatchResult] {
        let unknown = taxonomy.unknownIDs(in: candidate.skills.map(\.skill))
        guard unknown.isEmpty else { throw UnknownSkillsError(ids: unknown) }
        // The candidate's side is worked out once, not once per vacancy.
        let context = CandidateContext(candidate, matcher: self)
        return ranked(vacancies.compactMap {
            result(id: $0.id, evaluate(candidate, context, for: $0, title: TitleTerms($0.title, analyzer: analyzer)))
        }, limit: limit)
    }

    /// The same ranking over vacancies prepared once (their titles analysed when they were indexed, not on
    /// every request): what a server keeps in memory.
    public func vacancies(for candidate: CandidateProfile, among vacancies: [PreparedVacancy],
                          limit: Int = 20) throws(UnknownSkillsError) -> [MatchResult] {
        let unknown = taxonomy.unknownIDs(in: candidate.skills.map(\.skill))
        guard unknown.isEmpty else { throw UnknownSkillsError(ids: unknown) }
        let context = CandidateContext(candidate, matcher: self)
        return ranked(vacancies.compactMap {
            result(id: $0.profile.id, evaluate(candidate, context, for: $0.profile, title: $0.title))
        }, limit: limit)
    }

    /// The verdict on one pair: excluded (with every hard constraint that failed) or scored with reasons.
    public func evaluate(_ candidate: CandidateProfile, for vacancy: VacancyProfile) -> MatchEvaluation {
        evaluate(candidate, CandidateContext(candidate, matcher: self), for: vacancy, title: TitleTerms(vacancy.title, analyzer: analyzer))
    }

    func evaluate(_ candidate: CandidateProfile, _ context: CandidateContext, for vacancy: VacancyProfile, title: TitleTerms) -> MatchEvaluation {
        let exclusions = hardConstraints(candidate, vacancy)
        guard exclusions.isEmpty else { return .excluded(exclusions) }

        var reasons: [MatchReason] = []
        var components: [MatchComponent: Double] = [:]
        components[.requiredSkills] = requiredSkills(context, vacancy, &reasons)
        components[.niceToHaveSkills] = niceToHaveSkills(context, vacancy, &reasons)
        components[.experience] = experience(candidate, vacancy, &reasons)
        components[.russian] = russian(candidate, vacancy, &reasons)
        components[.salary] = salary(candidate, vacancy, &reasons)
        components[.location] = location(candidate, vacancy, &reasons)
        components[.text] = text(context, title, &reasons)

        // Summed in the fixed order of `allCases`, so equal inputs give bit-identical scores.
        var total = 0.0
        var weightSum = 0.0
        for component in MatchComponent.allCases {
            let weight = weights.weight(of: component)
            total += weight * (components[component] ?? 0)
            weightSum += weight
        }
        return .scored(score: weightSum > 0 ? total / weightSum : 0, components: components, reasons: reasons)
    }

    private func result(id: String, _ evaluation: MatchEvaluation) -> MatchResult? {
        guard case .scored(let score, let components, let reasons) = evaluation else { return nil }
        return MatchResult(id: id, score: score, components: components, reasons: reasons)
    }

    private func ranked(_ results: [MatchResult], limit: Int) -> [MatchResult] {
        Array(results.sorted { $0.score != $1.score ? $0.score > $1.score : $0.id < $1.id }.prefix(max(0, limit)))
    }

    /// Every hard constraint the pair fails, so the employer sees all of them at once.
    func hardConstraints(_ candidate: CandidateProfile, _ vacancy: VacancyProfile) -> [MatchReason] {
        var reasons: [MatchReason] = []
        if let minimum = vacancy.minimumRussian, candidate.russian.map({ $0 < minimum }) ?? true {
            reasons.append(MatchReason("match.excluded.russian", .russian, .excluding,
                                       ["need": minimum.code, "have": candidate.russian?.code ?? "-"]))
        }
        if let eligible = vacancy.eligibleCitizenships, !eligible.contains(candidate.citizenship) {
            reasons.append(MatchReason("match.excluded.citizenship", nil, .excluding,
                                       ["citizenship": candidate.citizenship]))
        }
        if vacancy.workPlace != .remote, !sameCity(candidate, vacancy), !candidate.willingToRelocate {
            reasons.append(MatchReason("match.excluded.location", .location, .excluding,
                                       ["city": vacancy.city, "candidateCity": candidate.city]))
        }
        return reasons
    }

    func sameCity(_ candidate: CandidateProfile, _ vacancy: VacancyProfile) -> Bool {
        !vacancy.city.isEmpty && candidate.city.lowercased() == vacancy.city.lowercased()
    }
}

/// A vacancy with the work that does not depend on the candidate done once.
public struct PreparedVacancy: Sendable {
    public let profile: VacancyProfile
    let title: Matcher.TitleTerms

    public init(_ profile: VacancyProfile) {
        self.profile = profile
        title = Matcher.TitleTerms(profile.title, analyzer: Analyzer())
    }
}
