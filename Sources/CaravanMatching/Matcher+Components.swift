import CaravanSearch

/// The soft components of a match, each 0…1 with the reasons that explain it.
extension Matcher {
    /// Required skills covered at their levels: the skill itself (scaled down by a level gap), a child
    /// skill (which implies it), or only its parent (partial credit). The mean over required skills.
    func requiredSkills(_ context: CandidateContext, _ vacancy: VacancyProfile,
                        _ reasons: inout [MatchReason]) -> Double {
        let held = context.held
        reasons += context.unknownSkillReasons
        guard !vacancy.required.isEmpty else { return 1 }
        var total = 0.0
        for need in vacancy.required {
            let skill = need.skill.rawValue
            if let have = held.direct[need.skill] {
                if have >= need.level {
                    total += 1
                    reasons.append(MatchReason("match.skill.matched", .requiredSkills, .positive,
                                               ["skill": skill, "level": have.code]))
                } else {
                    total += levelRatio(have, need.level)
                    reasons.append(MatchReason("match.skill.level-gap", .requiredSkills, .partial,
                                               ["skill": skill, "have": have.code, "need": need.level.code]))
                }
            } else if let (level, via) = held.throughChild[need.skill] {
                total += weights.childSkillCredit * levelRatio(level, need.level)
                reasons.append(MatchReason("match.skill.via-child", .requiredSkills, .partial,
                                           ["skill": skill, "via": via.rawValue]))
            } else if let parent = taxonomy.ancestors(of: need.skill).first(where: { held.direct[$0] != nil }) {
                total += weights.parentSkillCredit * levelRatio(held.direct[parent]!, need.level)
                reasons.append(MatchReason("match.skill.via-parent", .requiredSkills, .partial,
                                           ["skill": skill, "via": parent.rawValue]))
            } else {
                reasons.append(MatchReason("match.skill.missing", .requiredSkills, .negative, ["skill": skill]))
            }
        }
        return total / Double(vacancy.required.count)
    }

    /// Nice-to-have skills held directly or through a child: the share covered.
    func niceToHaveSkills(_ context: CandidateContext, _ vacancy: VacancyProfile,
                          _ reasons: inout [MatchReason]) -> Double {
        guard !vacancy.niceToHave.isEmpty else { return 1 }
        let held = context.held
        var covered = 0
        for skill in vacancy.niceToHave {
            if held.direct[skill] != nil || held.throughChild[skill] != nil {
                covered += 1
                reasons.append(MatchReason("match.nice.matched", .niceToHaveSkills, .positive, ["skill": skill.rawValue]))
            } else {
                reasons.append(MatchReason("match.nice.missing", .niceToHaveSkills, .negative, ["skill": skill.rawValue]))
            }
        }
        return Double(covered) / Double(vacancy.niceToHave.count)
    }

    func experience(_ candidate: CandidateProfile, _ vacancy: VacancyProfile, _ reasons: inout [MatchReason]) -> Double {
        let arguments = ["years": format(candidate.yearsOfExperience), "need": format(vacancy.minimumYears)]
        guard vacancy.minimumYears > 0, candidate.yearsOfExperience < vacancy.minimumYears else {
            reasons.append(MatchReason("match.experience.fit", .experience, .positive, arguments))
            return 1
        }
        reasons.append(MatchReason("match.experience.short", .experience, .partial, arguments))
        return max(0, candidate.yearsOfExperience) / vacancy.minimumYears
    }

    /// The hard minimum has already passed; this rewards Russian up to the comfortable level.
    func russian(_ candidate: CandidateProfile, _ vacancy: VacancyProfile, _ reasons: inout [MatchReason]) -> Double {
        guard let level = candidate.russian else {
            reasons.append(MatchReason("match.russian.unknown", .russian, .negative))
            return 0
        }
        let target = max(vacancy.minimumRussian ?? .a1, weights.comfortableRussian)
        if level >= target {
            reasons.append(MatchReason("match.russian.fit", .russian, .positive, ["level": level.code]))
            return 1
        }
        reasons.append(MatchReason("match.russian.below-comfortable", .russian, .partial,
                                   ["level": level.code, "target": target.code]))
        return Double(level.rawValue) / Double(target.rawValue)
    }

    /// Within budget scores 1; each 1 % over costs 2 %, so 50 % over the budget scores 0.
    func salary(_ candidate: CandidateProfile, _ vacancy: VacancyProfile, _ reasons: inout [MatchReason]) -> Double {
        guard let expected = candidate.expectedSalary, let budget = vacancy.salaryMax, budget > 0 else {
            // Unknown on either side: neutral, neither a reward nor a penalty.
            reasons.append(MatchReason("match.salary.unknown", .salary, .partial))
            return 0.5
        }
        let arguments = ["expected": String(expected), "budget": String(budget)]
        guard expected > budget else {
            reasons.append(MatchReason("match.salary.fit", .salary, .positive, arguments))
            return 1
        }
        reasons.append(MatchReason("match.salary.above", .salary, .negative, arguments))
        return max(0, 1 - 2 * Double(expected - budget) / Double(budget))
    }

    func location(_ candidate: CandidateProfile, _ vacancy: VacancyProfile, _ reasons: inout [MatchReason]) -> Double {
        if vacancy.workPlace == .remote && candidate.openToRemote {
            reasons.append(MatchReason("match.location.remote", .location, .positive))
            return 1
        }
        if sameCity(candidate, vacancy) {
            reasons.append(MatchReason("match.location.same-city", .location, .positive, ["city": vacancy.city]))
            return 1
        }
        if vacancy.workPlace == .remote {
            // Remote work offered to someone who prefers an office: possible, not ideal.
            reasons.append(MatchReason("match.location.remote-not-preferred", .location, .partial))
            return 0.5
        }
        // Hard constraints let this pair through only if the candidate will relocate.
        let supported = vacancy.relocationSupport
        reasons.append(MatchReason(supported ? "match.location.relocation-supported" : "match.location.relocation",
                                   .location, .partial, ["city": vacancy.city]))
        return supported ? weights.relocationWithSupport : weights.relocationWithoutSupport
    }

    /// The share of the vacancy title's words (stemmed) that the candidate's summary uses. The reason names
    /// the words as the title writes them ("платежи"), not their stems ("платеж").
    func text(_ context: CandidateContext, _ title: TitleTerms, _ reasons: inout [MatchReason]) -> Double {
        guard !title.terms.isEmpty else { return 0 }
        let shared = title.terms.filter { context.summaryTerms.contains($0.term) }
        if !shared.isEmpty {
            reasons.append(MatchReason("match.text.overlap", .text, .positive, ["terms": shared.map(\.word).joined(separator: ", ")]))
        }
        return Double(shared.count) / Double(title.terms.count)
    }

    /// A vacancy title's distinct terms with the words that produced them, analysed once per ranking.
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

    /// What a ranking needs of a candidate, worked out once however many vacancies it is compared with:
    /// held skills (direct and implied), the reasons for unknown ones, the summary's terms.
    struct CandidateContext {
        let held: (direct: [SkillID: SkillLevel], throughChild: [SkillID: (SkillLevel, SkillID)])
        let unknownSkillReasons: [MatchReason]
        let summaryTerms: Set<String>

        init(_ candidate: CandidateProfile, matcher: Matcher) {
            var reasons: [MatchReason] = []
            held = matcher.heldSkills(candidate, &reasons)
            unknownSkillReasons = reasons
            summaryTerms = Set(matcher.analyzer.terms(candidate.summary))
        }
    }

    /// The candidate's skills by id (highest level if listed twice), and the skills they imply through
    /// a child (knows Spring Boot → implies Java), with the child that implies it. Unknown ids are reported.
    func heldSkills(_ candidate: CandidateProfile, _ reasons: inout [MatchReason])
        -> (direct: [SkillID: SkillLevel], throughChild: [SkillID: (SkillLevel, SkillID)]) {
        var direct: [SkillID: SkillLevel] = [:]
        for claim in candidate.skills {
            guard taxonomy.contains(claim.skill) else {
                reasons.append(MatchReason("match.skill.unknown", nil, .negative, ["skill": claim.skill.rawValue]))
                continue
            }
            direct[claim.skill] = max(direct[claim.skill] ?? claim.level, claim.level)
        }
        var implied: [SkillID: (SkillLevel, SkillID)] = [:]
        for (skill, level) in direct {
            for ancestor in taxonomy.ancestors(of: skill) where direct[ancestor] == nil {
                // Highest level wins; on equal levels the smaller id, so the reason does not depend on hashing.
                if let (best, via) = implied[ancestor], best > level || (best == level && via < skill) { continue }
                implied[ancestor] = (level, skill)
            }
        }
        return (direct, implied)
    }

    func levelRatio(_ have: SkillLevel, _ need: SkillLevel) -> Double {
        min(1, Double(have.rawValue) / Double(need.rawValue))
    }

    private func format(_ years: Double) -> String {
        years == years.rounded() ? String(Int(years)) : String(years)
    }
}
