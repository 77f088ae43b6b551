import CaravanSearch

/// The soft components of a match, each 0…1, with the reasons that explain it.
///
/// Every function here is generic over where its reasons go (`ReasonSink`): a ranking pass over every
/// vacancy scores with `NoReasons`, which never builds a reason, and only the winners are scored again into
/// a `ReasonList`. It is the same code both times, so a result's score and its explanation cannot disagree.
extension Matcher {
    /// Every hard constraint the pair fails goes to `sink`, so the employer sees all of them at once.
    func passesHardConstraints<C: MatchTraits, S: ReasonSink>(_ candidate: C, _ prepared: PreparedVacancy,
                                                                _ sink: inout S) -> Bool {
        var passes = true
        if let minimum = prepared.minimumRussian, candidate.russian.map({ $0 < minimum }) ?? true {
            passes = false
            sink.add(MatchReason("match.excluded.russian", .russian, .excluding,
                                 ["need": minimum.code, "have": candidate.russian?.code ?? "-"]))
        }
        if let eligible = prepared.eligibleCitizenships, !candidate.holdsCitizenship(in: eligible) {
            passes = false
            sink.add(MatchReason("match.excluded.citizenship", nil, .excluding, ["citizenship": candidate.citizenship]))
        }
        if prepared.workPlace != .remote, !candidate.willingToRelocate, !candidate.livesIn(prepared) {
            passes = false
            sink.add(MatchReason("match.excluded.location", .location, .excluding,
                                 ["city": prepared.profile.city, "candidateCity": candidate.city]))
        }
        return passes
    }

    /// The soft components of a pair that passed the hard constraints, in the order their reasons are shown.
    func components<C: MatchCandidate, S: ReasonSink>(_ candidate: C, _ vacancy: PreparedVacancy,
                                                      _ sink: inout S) -> ComponentValues {
        var values = ComponentValues(requiredSkills: requiredSkills(candidate.skills, vacancy, &sink))
        otherComponents(candidate, vacancy, &values, &sink)
        return values
    }

    /// Every component after the required skills, in order.
    func otherComponents<C: MatchCandidate, S: ReasonSink>(_ candidate: C, _ vacancy: PreparedVacancy,
                                                           _ values: inout ComponentValues, _ sink: inout S) {
        values.niceToHaveSkills = niceToHaveSkills(candidate.skills, vacancy, &sink)
        values.experience = experience(candidate, vacancy, &sink)
        values.russian = russian(candidate, vacancy, &sink)
        values.salary = salary(candidate, vacancy, &sink)
        values.location = location(candidate, vacancy, &sink)
        values.text = text(candidate, vacancy, &sink)
    }

    /// The components that a candidate's traits decide alone, in any order the caller likes (no reasons).
    func scalarComponents<C: MatchTraits>(_ candidate: C, _ vacancy: PreparedVacancy, _ values: inout ComponentValues) {
        var sink = NoReasons()
        values.experience = experience(candidate, vacancy, &sink)
        values.russian = russian(candidate, vacancy, &sink)
        values.salary = salary(candidate, vacancy, &sink)
        values.location = location(candidate, vacancy, &sink)
    }

    /// The highest score a pair with this required-skills component can reach: every other component at
    /// full marks (which bounds them while weights are not negative and credits stay within 0…1).
    func bestScore(requiredSkills: Double) -> Double {
        var values = ComponentValues.fullMarks
        values.requiredSkills = requiredSkills
        return ceiling(values)
    }

    /// The score of `values`, a hair above, so rounding never rules out a tie: with the components not yet
    /// known at full marks, the most a pair can still reach.
    func ceiling(_ values: ComponentValues) -> Double {
        combine(values) + 1e-9
    }

    /// The weighted mean of the components, summed in the fixed order of `MatchComponent.allCases` so equal
    /// inputs give bit-identical scores on every path.
    func combine(_ values: ComponentValues) -> Double {
        // Written out in that order (a loop over `allCases` cost a switch per component twice, on every score).
        var total = 0.0
        var weightSum = 0.0
        total += weights.requiredSkills * values.requiredSkills
        weightSum += weights.requiredSkills
        total += weights.niceToHaveSkills * values.niceToHaveSkills
        weightSum += weights.niceToHaveSkills
        total += weights.experience * values.experience
        weightSum += weights.experience
        total += weights.russian * values.russian
        weightSum += weights.russian
        total += weights.salary * values.salary
        weightSum += weights.salary
        total += weights.location * values.location
        weightSum += weights.location
        total += weights.text * values.text
        weightSum += weights.text
        return weightSum > 0 ? total / weightSum : 0
    }

    /// Required skills covered at their levels: the skill itself (scaled down by a level gap), a child
    /// skill (which implies it), or only its parent (partial credit). The mean over required skills.
    func requiredSkills<H: HeldSkills, S: ReasonSink>(_ held: H, _ vacancy: PreparedVacancy, _ sink: inout S) -> Double {
        guard !vacancy.needs.isEmpty else { return 1 }
        var total = 0.0
        for (position, need) in vacancy.needs.enumerated() {
            if let have = held.direct(need.skill) {
                if have >= need.level {
                    total += 1
                    sink.add(MatchReason("match.skill.matched", .requiredSkills, .positive,
                                         ["skill": vacancy.required[position].id.rawValue, "level": have.code]))
                } else {
                    total += levelRatio(have, need.level)
                    sink.add(MatchReason("match.skill.level-gap", .requiredSkills, .partial,
                                         ["skill": vacancy.required[position].id.rawValue, "have": have.code,
                                          "need": need.level.code]))
                }
            } else if let (level, via) = held.throughChild(need.skill) {
                total += weights.childSkillCredit * levelRatio(level, need.level)
                sink.add(MatchReason("match.skill.via-child", .requiredSkills, .partial,
                                     ["skill": vacancy.required[position].id.rawValue, "via": taxonomy.skills[via].id.rawValue]))
            } else if let (parent, level) = nearestHeldAncestor(held, need, vacancy) {
                total += weights.parentSkillCredit * levelRatio(level, need.level)
                sink.add(MatchReason("match.skill.via-parent", .requiredSkills, .partial,
                                     ["skill": vacancy.required[position].id.rawValue, "via": taxonomy.skills[parent].id.rawValue]))
            } else {
                sink.add(MatchReason("match.skill.missing", .requiredSkills, .negative,
                                     ["skill": vacancy.required[position].id.rawValue]))
            }
        }
        return total / Double(vacancy.needs.count)
    }

    private func nearestHeldAncestor<H: HeldSkills>(_ held: H, _ need: PreparedVacancy.Need,
                                                    _ vacancy: PreparedVacancy) -> (Int, SkillLevel)? {
        for at in need.ancestors {
            let ancestor = vacancy.needAncestors[at]
            if let level = held.direct(ancestor) { return (ancestor, level) }
        }
        return nil
    }

    /// Nice-to-have skills held directly or through a child: the share covered.
    func niceToHaveSkills<H: HeldSkills, S: ReasonSink>(_ held: H, _ vacancy: PreparedVacancy, _ sink: inout S) -> Double {
        guard !vacancy.niceSkills.isEmpty else { return 1 }
        var covered = 0
        for (position, skill) in vacancy.niceSkills.enumerated() {
            if held.direct(skill) != nil || held.throughChild(skill) != nil {
                covered += 1
                sink.add(MatchReason("match.nice.matched", .niceToHaveSkills, .positive,
                                     ["skill": vacancy.niceToHave[position].id.rawValue]))
            } else {
                sink.add(MatchReason("match.nice.missing", .niceToHaveSkills, .negative,
                                     ["skill": vacancy.niceToHave[position].id.rawValue]))
            }
        }
        return Double(covered) / Double(vacancy.niceSkills.count)
    }

    func experience<C: MatchTraits, S: ReasonSink>(_ candidate: C, _ vacancy: PreparedVacancy, _ sink: inout S) -> Double {
        let years = candidate.yearsOfExperience
        // A vacancy that asks no experience says nothing about it: "0 of 0" is not a strength.
        guard vacancy.minimumYears > 0 else { return 1 }
        guard years < vacancy.minimumYears else {
            sink.add(MatchReason("match.experience.fit", .experience, .positive,
                                 ["years": format(years), "need": format(vacancy.minimumYears)]))
            return 1
        }
        sink.add(MatchReason("match.experience.short", .experience, .partial,
                             ["years": format(years), "need": format(vacancy.minimumYears)]))
        return max(0, years) / vacancy.minimumYears
    }

    /// The hard minimum has already passed; this rewards Russian up to the comfortable level.
    func russian<C: MatchTraits, S: ReasonSink>(_ candidate: C, _ vacancy: PreparedVacancy, _ sink: inout S) -> Double {
        guard let level = candidate.russian else {
            sink.add(MatchReason("match.russian.unknown", .russian, .negative))
            return 0
        }
        let target = max(vacancy.minimumRussian ?? .a1, weights.comfortableRussian)
        if level >= target {
            sink.add(MatchReason("match.russian.fit", .russian, .positive, ["level": level.code]))
            return 1
        }
        sink.add(MatchReason("match.russian.below-comfortable", .russian, .partial,
                             ["level": level.code, "target": target.code]))
        return Double(level.rawValue) / Double(target.rawValue)
    }

    /// Within budget scores 1; each 1 % over costs 2 %, so 50 % over the budget scores 0.
    func salary<C: MatchTraits, S: ReasonSink>(_ candidate: C, _ vacancy: PreparedVacancy, _ sink: inout S) -> Double {
        guard let expected = candidate.expectedSalary, let budget = vacancy.salaryMax, budget > 0 else {
            // Unknown on either side: neutral, neither a reward nor a penalty.
            sink.add(MatchReason("match.salary.unknown", .salary, .partial))
            return 0.5
        }
        guard expected > budget else {
            sink.add(MatchReason("match.salary.fit", .salary, .positive,
                                 ["expected": String(expected), "budget": String(budget)]))
            return 1
        }
        sink.add(MatchReason("match.salary.above", .salary, .negative,
                             ["expected": String(expected), "budget": String(budget)]))
        return max(0, 1 - 2 * Double(expected - budget) / Double(budget))
    }

    func location<C: MatchTraits, S: ReasonSink>(_ candidate: C, _ prepared: PreparedVacancy, _ sink: inout S) -> Double {
        if prepared.workPlace == .remote && candidate.openToRemote {
            sink.add(MatchReason("match.location.remote", .location, .positive))
            return 1
        }
        if candidate.livesIn(prepared) {
            sink.add(MatchReason("match.location.same-city", .location, .positive, ["city": prepared.profile.city]))
            return 1
        }
        if prepared.workPlace == .remote {
            // Remote work offered to someone who prefers an office: possible, not ideal.
            sink.add(MatchReason("match.location.remote-not-preferred", .location, .partial))
            return 0.5
        }
        // Hard constraints let this pair through only if the candidate will relocate.
        let supported = prepared.relocationSupport
        sink.add(MatchReason(supported ? "match.location.relocation-supported" : "match.location.relocation",
                             .location, .partial, ["city": prepared.profile.city]))
        return supported ? weights.relocationWithSupport : weights.relocationWithoutSupport
    }

    /// The share of the vacancy title's words (stemmed) that the candidate's summary uses. The reason names
    /// the words as the title writes them ("платежи"), not their stems ("платеж").
    func text<C: MatchCandidate, S: ReasonSink>(_ candidate: C, _ vacancy: PreparedVacancy, _ sink: inout S) -> Double {
        // `titleNumbers` has one number per title term, and is plain numbers to read.
        guard !vacancy.titleNumbers.isEmpty else { return 0 }
        let shared = candidate.sharedTitleTerms(vacancy)
        if shared > 0 {
            sink.add(MatchReason("match.text.overlap", .text, .positive,
                                 ["terms": candidate.sharedTitleWords(vacancy).joined(separator: "», «")]))
        }
        return Double(shared) / Double(vacancy.titleNumbers.count)
    }

    func levelRatio(_ have: SkillLevel, _ need: SkillLevel) -> Double {
        min(1, Double(have.rawValue) / Double(need.rawValue))
    }

    private func format(_ years: Double) -> String {
        years == years.rounded() ? String(Int(years)) : String(years)
    }

    /// A vacancy title's distinct terms with the words that produced them, analysed once per vacancy.
    struct TitleTerms: Sendable {
        let terms: [(term: String, word: String)]

        init(_ title: String, analyzer: Analyzer) {
            var terms: [(term: String, word: String)] = []
            let utf16 = Array(title.utf16)
            for token in analyzer.analyze(title) where !terms.contains(where: { $0.term == token.term }) {
                terms.append((token.term, String(decoding: utf16[token.utf16Range], as: UTF16.self).lowercased()))
            }
            self.terms = terms
        }
    }
}

/// The seven component values of a scored pair.
struct ComponentValues: Hashable, Sendable {
    static let fullMarks = ComponentValues(requiredSkills: 1, niceToHaveSkills: 1, experience: 1, russian: 1,
                                           salary: 1, location: 1, text: 1)

    var requiredSkills = 0.0
    var niceToHaveSkills = 0.0
    var experience = 0.0
    var russian = 0.0
    var salary = 0.0
    var location = 0.0
    var text = 0.0

    subscript(component: MatchComponent) -> Double {
        get {
            switch component {
            case .requiredSkills: requiredSkills
            case .niceToHaveSkills: niceToHaveSkills
            case .experience: experience
            case .russian: russian
            case .salary: salary
            case .location: location
            case .text: text
            }
        }
        set {
            switch component {
            case .requiredSkills: requiredSkills = newValue
            case .niceToHaveSkills: niceToHaveSkills = newValue
            case .experience: experience = newValue
            case .russian: russian = newValue
            case .salary: salary = newValue
            case .location: location = newValue
            case .text: text = newValue
            }
        }
    }

    var dictionary: [MatchComponent: Double] {
        Dictionary(uniqueKeysWithValues: MatchComponent.allCases.map { ($0, self[$0]) })
    }
}

extension ComponentValues {
    /// From a table; a component it leaves out scores 0.
    init(_ table: [MatchComponent: Double]) {
        self.init()
        for component in MatchComponent.allCases {
            self[component] = table[component] ?? 0
        }
    }
}

/// Where the reasons of a match go: a list when the result will be shown, nowhere when only the score is.
protocol ReasonSink {
    mutating func add(_ reason: @autoclosure () -> MatchReason)
}

struct ReasonList: ReasonSink {
    var reasons: [MatchReason] = []

    mutating func add(_ reason: @autoclosure () -> MatchReason) { reasons.append(reason()) }
}

/// Drops reasons without building them: the pass that ranks every vacancy or candidate.
struct NoReasons: ReasonSink {
    @inline(__always) mutating func add(_ reason: @autoclosure () -> MatchReason) {}
}
