import CaravanDomain
import CaravanMatching
import CaravanSearch
import Fluent
import Foundation
import Vapor

/// The published vacancies in the matcher's terms, built from the database on first use and kept current
/// by every write, so "vacancies for me" reads memory, not the database.
/// Another instance's writes arrive through `ChangeFeed`.
actor VacancyIndex {
    private var profiles: [UUID: PreparedVacancy] = [:]
    /// What a result shows of each published vacancy, so a ranking needs no query to show its results; keyed
    /// by the matcher's id of the vacancy (its UUID in lower case), which is what a ranking returns.
    private var cards: [String: VacancyCard] = [:]
    private var companyNames: [UUID: String] = [:]
    /// `profiles.values` as an array, made again only after a change: a request takes it without copying.
    private var snapshot: [PreparedVacancy]?
    /// The same vacancies for text search (title, skills, description) with filters.
    private var text = InvertedIndex()
    private var loaded = false
    /// Moves on every change, so anything derived from the published vacancies knows when it is stale.
    private var generation = 0

    private func load(on database: any Database, taxonomy: SkillTaxonomy) async throws {
        guard !loaded else { return }
        for company in try await Company.query(on: database).all() {
            if let id = company.id { companyNames[id] = company.legalName }
        }
        let all = try await Vacancy.query(on: database).filter(\.$status == VacancyStatus.published.rawValue)
            .sort(\.$createdAt, .ascending).all()
        for vacancy in all {
            if let id = vacancy.id {
                profiles[id] = PreparedVacancy(MatchingAdapter.profile(of: vacancy), taxonomy: taxonomy)
                cards[VacancyCard.key(id)] = VacancyCard(vacancy, companyName: companyNames[vacancy.$company.id] ?? "")
                text.add(SearchDocuments.vacancy(vacancy, taxonomy: taxonomy))
            }
        }
        snapshot = nil
        loaded = true
    }

    func published(on database: any Database, taxonomy: SkillTaxonomy) async throws -> [PreparedVacancy] {
        try await load(on: database, taxonomy: taxonomy)
        if let snapshot { return snapshot }
        let fresh = Array(profiles.values)
        snapshot = fresh
        return fresh
    }

    /// The published vacancies with the generation they belong to.
    func publishedWithGeneration(on database: any Database, taxonomy: SkillTaxonomy) async throws
        -> (prepared: [PreparedVacancy], generation: Int) {
        let prepared = try await published(on: database, taxonomy: taxonomy)
        return (prepared, generation)
    }

    /// The cards of published vacancies by the matcher's ids, in the order of `ids`; an id that is no longer
    /// published is nil.
    func cards(_ ids: [String]) -> [VacancyCard?] {
        ids.map { cards[$0] }
    }

    func search(_ criteria: TextSearch, on database: any Database, taxonomy: SkillTaxonomy) async throws -> TextSearch.Found {
        try await load(on: database, taxonomy: taxonomy)
        return criteria.run(on: text)
    }

    /// Keeps the index current after `vacancy` was saved by a company called `companyName`.
    func update(_ vacancy: Vacancy, companyName: String, taxonomy: SkillTaxonomy) {
        guard let id = vacancy.id else { return }
        companyNames[vacancy.$company.id] = companyName
        let published = vacancy.vacancyStatus == .published
        profiles[id] = published ? PreparedVacancy(MatchingAdapter.profile(of: vacancy), taxonomy: taxonomy) : nil
        cards[VacancyCard.key(id)] = published ? VacancyCard(vacancy, companyName: companyName) : nil
        snapshot = nil
        generation += 1
        // Before the first load there is nothing to keep current: the load reads the database.
        guard loaded else { return }
        if published { text.update(SearchDocuments.vacancy(vacancy, taxonomy: taxonomy)) } else { _ = text.remove(key: id.uuidString.lowercased()) }
        // Updates leave dead documents behind; rebuilt once they outnumber the live ones (and a thousand).
        if text.documentCount > 2 * text.liveDocumentCount + 1_000 { text.compact() }
    }
}

/// A published vacancy as a match result shows it, with those fields already written as JSON: they are the same
/// in every answer that ranks the vacancy, so an answer copies them instead of escaping them again.
struct VacancyCard: Sendable {
    let id: UUID
    let title: String
    let companyName: String
    let city: String
    /// `{"vacancyId":…,"title":…,"companyName":…,"city":…,"score":` — an item of the `VacancyMatches` schema up
    /// to its score.
    let jsonHead: [UInt8]

    init(_ vacancy: Vacancy, companyName: String) {
        id = vacancy.id ?? UUID()
        title = vacancy.title
        self.companyName = companyName
        city = vacancy.city
        var json = JSONText(capacity: 256)
        json.raw(#"{"vacancyId":"#); json.string(Self.key(id))
        json.raw(#","title":"#); json.string(title)
        json.raw(#","companyName":"#); json.string(companyName)
        json.raw(#","city":"#); json.string(city)
        json.raw(#","score":"#)
        jsonHead = json.bytes
    }

    /// The matcher's id of a vacancy (`MatchingAdapter.profile(of:)`), which its results carry.
    static func key(_ id: UUID) -> String { id.uuidString.lowercased() }
}

extension Application {
    /// Builds the in-memory indexes (matching and text search, both directions) from the database, so the
    /// first person to search does not wait for it. Writes keep them current from then on.
    func warmIndexes() async throws {
        // First the newest change id, then the tables: a change committed in between is applied again, not lost.
        try await changeFeed.markStart(on: db)
        _ = try await vacancyIndex.published(on: db, taxonomy: skillTaxonomy)
        try await candidateIndex.warm(on: db)
    }

    private struct VacancyIndexKey: StorageKey {
        typealias Value = VacancyIndex
    }

    var vacancyIndex: VacancyIndex {
        get { storage[VacancyIndexKey.self]! }
        set { storage[VacancyIndexKey.self] = newValue }
    }
}

/// Specialists' profiles in the matcher's terms, keyed by user id: built on first use, updated on every save.
/// The same profiles sit in the engine's `CandidatePool`, so "candidates for this vacancy" visits only those
/// who can still make the list instead of scoring every specialist.
actor CandidateIndex {
    private var profiles: [UUID: CandidateProfile] = [:]
    private var versions: [UUID: Int] = [:]
    private var text = InvertedIndex()
    private var pool: CandidatePool
    private var loaded = false
    let taxonomy: SkillTaxonomy

    init(taxonomy: SkillTaxonomy) {
        self.taxonomy = taxonomy
        pool = CandidatePool(taxonomy: taxonomy)
    }

    private func load(on database: any Database) async throws {
        guard !loaded else { return }
        for profile in try await SpecialistProfile.query(on: database).sort(\.$updatedAt, .ascending).all() {
            let candidate = MatchingAdapter.candidate(of: profile)
            profiles[profile.$user.id] = candidate
            pool.add(candidate)
            text.add(SearchDocuments.specialist(profile, taxonomy: taxonomy))
        }
        loaded = true
    }

    /// The best `limit` specialists for `vacancy` (throws for skills the taxonomy does not know).
    func candidates(for vacancy: VacancyProfile, limit: Int, on database: any Database) async throws -> [MatchResult] {
        try await load(on: database)
        return try Matcher(taxonomy: taxonomy).candidates(for: vacancy, in: pool, limit: limit)
    }

    /// Loads every profile now rather than on the first request that needs them.
    func warm(on database: any Database) async throws {
        try await load(on: database)
    }

    /// One specialist's profile in the matcher's terms with its version (which moves on every save); nil if
    /// they have not saved one yet.
    func candidateWithVersion(_ userID: UUID, on database: any Database) async throws -> (CandidateProfile, Int)? {
        try await load(on: database)
        return profiles[userID].map { ($0, versions[userID, default: 0]) }
    }

    func search(_ criteria: TextSearch, on database: any Database) async throws -> TextSearch.Found {
        try await load(on: database)
        return criteria.run(on: text)
    }

    func update(_ profile: SpecialistProfile) {
        versions[profile.$user.id, default: 0] += 1
        guard loaded else { return }
        let candidate = MatchingAdapter.candidate(of: profile)
        profiles[profile.$user.id] = candidate
        pool.add(candidate)
        text.update(SearchDocuments.specialist(profile, taxonomy: taxonomy))
        compactIfWasteful()
    }

    /// Live profiles, rows in the pool and documents in the text index (dead ones included): what memory follows.
    func footprint() -> (live: Int, poolRows: Int, textDocuments: Int) {
        (pool.count, pool.rowCount, text.documentCount)
    }

    /// An update leaves the old row behind in the pool and the text index (dead, skipped by every search): once
    /// the dead outnumber the live (and a thousand), both are rebuilt, so memory follows the profiles, not the
    /// number of saves.
    private func compactIfWasteful() {
        if text.documentCount > 2 * text.liveDocumentCount + 1_000 { text.compact() }
        if pool.rowCount > 2 * pool.count + 1_000 {
            let fresh = CandidatePool(taxonomy: taxonomy)
            for candidate in profiles.values { fresh.add(candidate) }
            pool = fresh
        }
    }

    /// An erased profile leaves the rankings and the search at once.
    func remove(_ userID: UUID) {
        versions[userID, default: 0] += 1
        guard loaded else { return }
        profiles[userID] = nil
        _ = pool.remove(id: userID.uuidString.lowercased())
        _ = text.remove(key: userID.uuidString.lowercased())
        compactIfWasteful()
    }
}

extension Application {
    private struct CandidateIndexKey: StorageKey {
        typealias Value = CandidateIndex
    }

    var candidateIndex: CandidateIndex {
        get { storage[CandidateIndexKey.self]! }
        set { storage[CandidateIndexKey.self] = newValue }
    }
}

/// Translates stored profiles and vacancies into the matcher's terms.
enum MatchingAdapter {
    /// Profiles rate skills 1–5; the matcher has four levels. 2 and 3 are both "working knowledge".
    static func level(_ value: Int) -> SkillLevel {
        switch value {
        case ...1: .beginner
        case 2, 3: .intermediate
        case 4: .advanced
        default: .expert
        }
    }

    static func language(_ level: CEFRLevel?) -> LanguageLevel? {
        guard let level else { return nil }
        return LanguageLevel(rawValue: CEFRLevel.allCases.firstIndex(of: level)! + 1)
    }

    static func profile(of vacancy: Vacancy) -> VacancyProfile {
        VacancyProfile(
            id: vacancy.id?.uuidString.lowercased() ?? "",
            title: vacancy.title,
            required: vacancy.requiredSkills.map { SkillClaim(SkillID($0.skill), level($0.level)) },
            niceToHave: vacancy.niceSkills.map { SkillID($0) },
            minimumYears: vacancy.minimumYears,
            minimumRussian: language(vacancy.minimumRussian.flatMap(CEFRLevel.init(rawValue:))),
            salaryMax: vacancy.salaryMax,
            city: vacancy.city,
            workPlace: WorkArrangement(rawValue: vacancy.workArrangement).map {
                switch $0 {
                case .onsite: .onSite
                case .hybrid: .hybrid
                case .remote: .remote
                }
            } ?? .onSite,
            relocationSupport: vacancy.visaSupport || vacancy.housing || vacancy.familyRelocation
        )
    }

    static func candidate(of profile: SpecialistProfile) -> CandidateProfile {
        let basics = profile.basics
        return CandidateProfile(
            // The account's id: what an employer invites, and stable across profile rewrites.
            id: profile.$user.id.uuidString.lowercased(),
            skills: profile.skills.map { SkillClaim(SkillID($0.skill), level($0.level)) },
            yearsOfExperience: profile.skills.map(\.years).max() ?? 0,
            russian: language(basics.russianLevel),
            expectedSalary: basics.expectedSalary,
            citizenship: basics.citizenship?.rawValue.lowercased() ?? "",
            city: basics.city,
            openToRemote: basics.remote != .onsite,
            willingToRelocate: basics.relocation,
            summary: basics.headline + " " + basics.summary
        )
    }
}
