import CaravanSearch

/// What scoring asks of a candidate's skills, by taxonomy index (`SkillTaxonomy.index(of:)`).
protocol HeldSkills {
    /// The level held directly, nil if not held.
    func direct(_ skill: Int) -> SkillLevel?
    /// For a skill not held directly: the highest level of a held skill below it (a child implies its
    /// ancestors) with that skill's index; on equal levels the smaller id, so it never depends on order.
    func throughChild(_ skill: Int) -> (level: SkillLevel, via: Int)?
}

/// What the hard constraints and the scalar components (experience, Russian, salary, location) ask of a
/// candidate. Besides every `MatchCandidate`, `CandidatePool.Traits` answers it from the few bits kept
/// beside each posting, so a ranking can rule candidates out with the same rules before reading them.
protocol MatchTraits {
    var yearsOfExperience: Double { get }
    var russian: LanguageLevel? { get }
    var expectedSalary: Int? { get }
    var citizenship: String { get }
    var openToRemote: Bool { get }
    var willingToRelocate: Bool { get }
    var city: String { get }
    /// Whether the candidate's citizenship is one of `eligible` (`TermNumbers` of citizenship codes).
    func holdsCitizenship(in eligible: [Int32]) -> Bool
    /// Whether the candidate lives in the vacancy's city (ignoring case; a vacancy without a city matches no one).
    func livesIn(_ vacancy: PreparedVacancy) -> Bool
}

/// What scoring asks of a candidate. Two shapes answer it: `CandidateContext`, one candidate worked out
/// for a ranking of vacancies, and `CandidatePool.Member`, one of many stored compactly.
protocol MatchCandidate: MatchTraits {
    associatedtype Skills: HeldSkills
    var skills: Skills { get }
    /// How many of the vacancy title's distinct terms the candidate's summary uses.
    func sharedTitleTerms(_ vacancy: PreparedVacancy) -> Int
    /// Those words as the title writes them (for the reason only).
    func sharedTitleWords(_ vacancy: PreparedVacancy) -> [String]
}

/// A candidate with the work that depends on nothing else done once: the summary's terms (split, folded,
/// stemmed), which every ranking repeated before — 3.8 % of the computed match page's server samples. What a
/// server keeps per profile.
public struct PreparedCandidate: Sendable {
    public let profile: CandidateProfile
    let summaryTerms: Set<String>

    public init(_ profile: CandidateProfile) {
        self.profile = profile
        // The analyser the titles go through (`PreparedVacancy`), so the same word gives the same term.
        summaryTerms = Set(Analyzer().terms(profile.summary))
    }
}

/// One candidate worked out once for a ranking, however many vacancies it is compared with: held skills
/// in arrays indexed by skill (no hashing while scoring), the reasons for unknown skills, the summary's terms.
struct CandidateContext: MatchCandidate {
    let profile: CandidateProfile
    let skills: DenseHeldSkills
    let unknownSkillReasons: [MatchReason]
    /// The summary's terms that some vacancy title uses, and the city, as `TermNumbers` (nil: no vacancy names it).
    let summaryNumbers: Set<Int32>
    let cityNumber: Int32?
    let citizenshipNumber: Int32

    init(_ candidate: CandidateProfile, matcher: Matcher) {
        self.init(PreparedCandidate(candidate), matcher: matcher)
    }

    init(_ prepared: PreparedCandidate, matcher: Matcher) {
        var reasons: [MatchReason] = []
        let candidate = prepared.profile
        profile = candidate
        skills = DenseHeldSkills(candidate.skills, taxonomy: matcher.taxonomy, unknown: &reasons)
        unknownSkillReasons = reasons
        // Numbered on every ranking, not when prepared: a title published since may use one of the terms.
        summaryNumbers = TermNumbers.shared.numbers(of: prepared.summaryTerms)
        let cityKey = candidate.city.lowercased()
        cityNumber = cityKey.isEmpty ? nil : TermNumbers.shared.number(of: cityKey)
        citizenshipNumber = TermNumbers.shared.number(adding: candidate.citizenship)
    }

    var yearsOfExperience: Double { profile.yearsOfExperience }
    var russian: LanguageLevel? { profile.russian }
    var expectedSalary: Int? { profile.expectedSalary }
    var citizenship: String { profile.citizenship }
    var city: String { profile.city }
    var openToRemote: Bool { profile.openToRemote }
    var willingToRelocate: Bool { profile.willingToRelocate }

    func livesIn(_ vacancy: PreparedVacancy) -> Bool {
        vacancy.cityNumber >= 0 && cityNumber == vacancy.cityNumber
    }

    func holdsCitizenship(in eligible: [Int32]) -> Bool { eligible.contains(citizenshipNumber) }

    func sharedTitleTerms(_ vacancy: PreparedVacancy) -> Int {
        var shared = 0
        for number in vacancy.titleNumbers where summaryNumbers.contains(number) { shared += 1 }
        return shared
    }

    /// By number, as `sharedTitleTerms` counts them: a term's number stands for the term (a set of Cyrillic strings
    /// hashes each with Unicode normalisation).
    func sharedTitleWords(_ vacancy: PreparedVacancy) -> [String] {
        zip(vacancy.title.terms, vacancy.titleNumbers).filter { summaryNumbers.contains($0.1) }.map(\.0.word)
    }
}

/// A candidate's skills as arrays over the whole taxonomy: a level per skill held directly, and per skill
/// implied through a held child the best such level with the child.
struct DenseHeldSkills: HeldSkills {
    /// The skills held directly, each once, in the order claimed.
    private(set) var held: [Int] = []
    private var directLevels: [UInt8]
    private var childLevels: [UInt8]
    private var childVia: [Int32]

    /// Unknown ids each add a reason to `unknown`; they take no part in scoring.
    init(_ claims: [SkillClaim], taxonomy: SkillTaxonomy, unknown: inout [MatchReason]) {
        directLevels = [UInt8](repeating: 0, count: taxonomy.count)
        childLevels = [UInt8](repeating: 0, count: taxonomy.count)
        childVia = [Int32](repeating: -1, count: taxonomy.count)
        var held: [Int] = []
        for claim in claims {
            guard let index = taxonomy.index(of: claim.skill) else {
                unknown.append(MatchReason("match.skill.unknown", nil, .negative, ["skill": claim.skill.rawValue]))
                continue
            }
            if directLevels[index] == 0 { held.append(index) }
            directLevels[index] = max(directLevels[index], UInt8(claim.level.rawValue))
        }
        for skill in held {
            let level = directLevels[skill]
            var ancestor = taxonomy.parentIndex(of: skill)
            while ancestor >= 0 {
                if directLevels[ancestor] == 0 {
                    let best = childLevels[ancestor]
                    let keep = best > level
                        || (best == level && taxonomy.skills[Int(childVia[ancestor])].id < taxonomy.skills[skill].id)
                    if !keep {
                        childLevels[ancestor] = level
                        childVia[ancestor] = Int32(skill)
                    }
                }
                ancestor = taxonomy.parentIndex(of: ancestor)
            }
        }
        self.held = held
    }

    @inline(__always) func direct(_ skill: Int) -> SkillLevel? {
        skill >= 0 ? SkillLevel(rawValue: Int(directLevels[skill])) : nil
    }

    @inline(__always) func throughChild(_ skill: Int) -> (level: SkillLevel, via: Int)? {
        guard skill >= 0, let level = SkillLevel(rawValue: Int(childLevels[skill])) else { return nil }
        return (level, Int(childVia[skill]))
    }
}
