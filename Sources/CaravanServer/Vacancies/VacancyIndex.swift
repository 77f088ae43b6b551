import CaravanDomain
import CaravanMatching
import CaravanSearch
import Fluent
import Foundation
import NIOConcurrencyHelpers
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
    /// The same vacancies for text search (title, skills, description) with filters.
    private var text = InvertedIndex()
    private var loaded = false
    /// The first load while it reads the database: every caller awaits this one, so it reads once.
    private var loading: Task<Void, any Error>?
    /// Changes saved while the load was reading, applied once it ends: its read may have missed them.
    private var arrivedWhileLoading: [(vacancy: Vacancy, companyName: String)] = []
    /// Moves on every change, so anything derived from the published vacancies knows when it is stale.
    private var generation = 0
    /// The last `PublishedVacancies` a read made, for readers outside the actor; nil before the first load and
    /// from any change until the next read makes it again.
    private nonisolated let latest = NIOLockedValueBox<PublishedVacancies?>(nil)
    /// Runs when the first load has read the database, before it takes in what it read: where a test puts a save
    /// (or a failure).
    private let afterReading: (@Sendable () async throws -> Void)?

    init(afterReading: (@Sendable () async throws -> Void)? = nil) {
        self.afterReading = afterReading
    }

    private func load(on database: any Database, taxonomy: SkillTaxonomy) async throws {
        if loaded { return }
        if let loading { return try await loading.value }
        // Anything queued before was saved before this read begins (a save is queued after its commit), so the
        // read sees it; a queue left by a failed load must not be replayed over what this one reads.
        arrivedWhileLoading.removeAll()
        let task = Task { try await read(on: database, taxonomy: taxonomy) }
        loading = task
        defer { loading = nil }
        try await task.value
    }

    private func read(on database: any Database, taxonomy: SkillTaxonomy) async throws {
        let companies = try await Company.query(on: database).all()
        let all = try await Vacancy.query(on: database).filter(\.$status == VacancyStatus.published.rawValue)
            .sort(\.$createdAt, .ascending).all()
        try await afterReading?()
        for company in companies {
            if let id = company.id { companyNames[id] = company.legalName }
        }
        for vacancy in all {
            if let id = vacancy.id {
                profiles[id] = PreparedVacancy(MatchingAdapter.profile(of: vacancy), taxonomy: taxonomy)
                cards[VacancyCard.key(id)] = VacancyCard(vacancy, companyName: companyNames[vacancy.$company.id] ?? "")
                text.add(SearchDocuments.vacancy(vacancy, taxonomy: taxonomy))
            }
        }
        loaded = true
        let arrived = arrivedWhileLoading
        arrivedWhileLoading = []
        for change in arrived { update(change.vacancy, companyName: change.companyName, taxonomy: taxonomy) }
    }

    /// The published vacancies with their cards and generation, loaded from the database on first use.
    func publishedVacancies(on database: any Database, taxonomy: SkillTaxonomy) async throws -> PublishedVacancies {
        try await load(on: database, taxonomy: taxonomy)
        if let known = latest.withLockedValue({ $0 }), known.generation == generation { return known }
        let current = PublishedVacancies(prepared: PreparedVacancies(Array(profiles.values), taxonomy: taxonomy), cards: cards,
                                         generation: generation)
        latest.withLockedValue { $0 = current }
        return current
    }

    /// The published vacancies as the last read left them, without waiting for the actor: nil before the
    /// first load and after a change until the next `publishedVacancies` (the caller then takes that path).
    nonisolated var publishedInMemory: PublishedVacancies? {
        latest.withLockedValue { $0 }
    }

    func search(_ criteria: TextSearch, on database: any Database, taxonomy: SkillTaxonomy) async throws -> TextSearch.Found {
        try await load(on: database, taxonomy: taxonomy)
        return criteria.run(on: text)
    }

    /// Keeps the index current after `vacancy` was saved by a company called `companyName`.
    func update(_ vacancy: Vacancy, companyName: String, taxonomy: SkillTaxonomy) {
        guard let id = vacancy.id else { return }
        // First, so readers outside the actor stop taking the old vacancies.
        latest.withLockedValue { $0 = nil }
        generation += 1
        // Before the first load there is nothing to keep current (the load reads the database); during it, the
        // change waits for the load to end.
        guard loaded else {
            if loading != nil { arrivedWhileLoading.append((vacancy, companyName)) }
            return
        }
        companyNames[vacancy.$company.id] = companyName
        let published = vacancy.vacancyStatus == .published
        profiles[id] = published ? PreparedVacancy(MatchingAdapter.profile(of: vacancy), taxonomy: taxonomy) : nil
        cards[VacancyCard.key(id)] = published ? VacancyCard(vacancy, companyName: companyName) : nil
        if published { text.update(SearchDocuments.vacancy(vacancy, taxonomy: taxonomy)) } else { _ = text.remove(key: id.uuidString.lowercased()) }
        // Updates leave dead documents behind; rebuilt once they outnumber the live ones (and a thousand).
        if text.documentCount > 2 * text.liveDocumentCount + 1_000 { text.compact() }
    }
}

/// The published vacancies of one generation: what the matcher ranks and the cards its results show, taken
/// together so a ranking never shows a card of another version.
struct PublishedVacancies: Sendable {
    /// Indexed by skill once per generation, so a ranking looks first (and often only) at the vacancies where the
    /// candidate's skills count.
    let prepared: PreparedVacancies
    /// By the matcher's id (`VacancyCard.key`).
    let cards: [String: VacancyCard]
    let generation: Int
}

/// A published vacancy as a match result shows it, with those fields already written as JSON: they are the same
/// in every answer that ranks the vacancy, so an answer copies them instead of escaping them again.
final class VacancyCard: Sendable {
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
        _ = try await vacancyIndex.publishedVacancies(on: db, taxonomy: skillTaxonomy)
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
    /// The profiles with their versions, behind a lock of their own so a request can read one without
    /// waiting for the actor (`candidateInMemory`); only the actor writes them.
    private struct Profiles {
        var profiles: [UUID: PreparedCandidate] = [:]
        var versions: [UUID: Int] = [:]
        var loaded = false
    }

    /// A save or an erasure that arrived while the first load was reading.
    private enum Change {
        case saved(SpecialistProfile)
        case erased(UUID)
    }

    private nonisolated let known = NIOLockedValueBox(Profiles())
    private var text = InvertedIndex()
    private var pool: CandidatePool
    /// The first load while it reads the database: every caller awaits this one, so it reads once.
    private var loading: Task<Void, any Error>?
    /// Changes that arrived while the load was reading, applied once it ends: its read may have missed them.
    private var arrivedWhileLoading: [Change] = []
    /// Runs when the first load has read the database, before it takes in what it read: where a test puts a save
    /// (or a failure).
    private let afterReading: (@Sendable () async throws -> Void)?
    /// Runs the moment the first load shows what it read to readers outside the actor: where a test looks.
    private let whenShown: (@Sendable () -> Void)?
    let taxonomy: SkillTaxonomy

    init(taxonomy: SkillTaxonomy, afterReading: (@Sendable () async throws -> Void)? = nil,
         whenShown: (@Sendable () -> Void)? = nil) {
        self.taxonomy = taxonomy
        self.afterReading = afterReading
        self.whenShown = whenShown
        pool = CandidatePool(taxonomy: taxonomy)
    }

    private func load(on database: any Database) async throws {
        if known.withLockedValue({ $0.loaded }) { return }
        if let loading { return try await loading.value }
        // As in `VacancyIndex.load`: a queue left by a failed load is already in the database this one reads.
        arrivedWhileLoading.removeAll()
        let task = Task { try await read(on: database) }
        loading = task
        defer { loading = nil }
        try await task.value
    }

    private func read(on database: any Database) async throws {
        let stored = try await SpecialistProfile.query(on: database).sort(\.$updatedAt, .ascending).all()
        try await afterReading?()
        var profiles: [UUID: PreparedCandidate] = [:]
        for profile in stored {
            let candidate = MatchingAdapter.candidate(of: profile)
            profiles[profile.$user.id] = PreparedCandidate(candidate)
            pool.add(candidate)
            text.add(SearchDocuments.specialist(profile, taxonomy: taxonomy))
        }
        // What arrived while reading goes in before anything is shown: a reader outside the actor
        // (`candidateInMemory`) must never see the profile read here beside the version a later save gave it.
        for change in arrivedWhileLoading {
            switch change {
            case .saved(let profile):
                let prepared = PreparedCandidate(MatchingAdapter.candidate(of: profile))
                profiles[profile.$user.id] = prepared
                index(prepared, of: profile)
            case .erased(let userID): profiles[userID] = nil; unindex(userID)
            }
        }
        arrivedWhileLoading = []
        known.withLockedValue {
            $0.profiles = profiles
            $0.loaded = true
        }
        whenShown?()
        compactIfWasteful()
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
    func candidateWithVersion(_ userID: UUID, on database: any Database) async throws -> (PreparedCandidate, Int)? {
        try await load(on: database)
        return candidateInMemory(userID)
    }

    /// The same without waiting for the actor: nil also before the first load, when the caller takes the path above.
    nonisolated func candidateInMemory(_ userID: UUID) -> (PreparedCandidate, Int)? {
        known.withLockedValue { known in
            guard known.loaded else { return nil }
            return known.profiles[userID].map { ($0, known.versions[userID, default: 0]) }
        }
    }

    func search(_ criteria: TextSearch, on database: any Database) async throws -> TextSearch.Found {
        try await load(on: database)
        return criteria.run(on: text)
    }

    func update(_ profile: SpecialistProfile) {
        // Prepared here, once per save, not on every ranking.
        let prepared = PreparedCandidate(MatchingAdapter.candidate(of: profile))
        // The profile and its version move together, under the lock, so no reader sees one without the other.
        let loaded = known.withLockedValue { known in
            known.versions[profile.$user.id, default: 0] += 1
            if known.loaded { known.profiles[profile.$user.id] = prepared }
            return known.loaded
        }
        guard loaded else {
            if loading != nil { arrivedWhileLoading.append(.saved(profile)) }
            return
        }
        index(prepared, of: profile)
        compactIfWasteful()
    }

    /// A saved profile into the pool and the text index.
    private func index(_ prepared: PreparedCandidate, of profile: SpecialistProfile) {
        pool.add(prepared.profile)
        text.update(SearchDocuments.specialist(profile, taxonomy: taxonomy))
    }

    /// An erased profile out of the pool and the text index.
    private func unindex(_ userID: UUID) {
        _ = pool.remove(id: userID.uuidString.lowercased())
        _ = text.remove(key: userID.uuidString.lowercased())
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
            for candidate in known.withLockedValue({ Array($0.profiles.values) }) { fresh.add(candidate.profile) }
            pool = fresh
        }
    }

    /// An erased profile leaves the rankings and the search at once.
    func remove(_ userID: UUID) {
        let loaded = known.withLockedValue { known in
            known.versions[userID, default: 0] += 1
            if known.loaded { known.profiles[userID] = nil }
            return known.loaded
        }
        guard loaded else {
            if loading != nil { arrivedWhileLoading.append(.erased(userID)) }
            return
        }
        unindex(userID)
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
