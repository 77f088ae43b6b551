import CaravanDomain
import CaravanMatching
import CaravanSearch
import Fluent
import Foundation
import NIOPosix
import Vapor

/// "Vacancies for me": the engine ranks, this turns its structured reasons into sentences in the reader's language.
struct MatchingService: Sendable {
    let app: Application
    let database: any Database

    struct Match {
        let card: VacancyCard
        let result: MatchResult
    }

    func vacancies(for user: User, limit: Int) async throws -> [Match] {
        try await vacancies(forUserID: user.requireID(), role: user.domainRole, limit: limit)
    }

    /// Reads only memory once the indexes are warm: the candidate from the candidate index, the published
    /// vacancies and their cards from the vacancy index. A specialist without a profile yet gets an empty one.
    func vacancies(forUserID userID: UUID, role: Role?, limit: Int) async throws -> [Match] {
        guard let role, VacanciesPolicy.mayBeMatched(role) else { throw AppError.forbidden }
        let candidate = try await candidate(ofSpecialist: userID)
        let published = try await app.vacancyIndex.publishedVacancies(on: database, taxonomy: app.skillTaxonomy)
        return try Self.vacancies(for: candidate.candidate, among: published, limit: limit, taxonomy: app.skillTaxonomy)
    }

    /// A specialist's profile in the matcher's terms, from the candidate index, with its version (which moves
    /// on every save). A specialist who never saved a profile gets an empty one.
    func candidate(ofSpecialist userID: UUID) async throws -> (candidate: PreparedCandidate, version: Int) {
        if let known = try await app.candidateIndex.candidateWithVersion(userID, on: database) { return known }
        let stored = try await ProfileService(app: app, database: database).profile(ofSpecialist: userID)
        return try await app.candidateIndex.candidateWithVersion(userID, on: database)
            ?? (PreparedCandidate(MatchingAdapter.candidate(of: stored)), 0)
    }

    /// The ranking and the cards of its results, from memory alone.
    static func vacancies(for candidate: PreparedCandidate, among published: PublishedVacancies, limit: Int,
                          taxonomy: SkillTaxonomy) throws -> [Match] {
        let results = try Matcher(taxonomy: taxonomy).vacancies(for: candidate, among: published.prepared, limit: limit)
        return results.compactMap { result in published.cards[result.id].map { Match(card: $0, result: result) } }
    }

    struct Candidate {
        let user: User
        let profile: SpecialistProfile
        let result: MatchResult
        /// Contacts only once the specialist applied or accepted an invitation.
        let stage: ApplicationStage?
    }

    /// "Candidates for this vacancy": the specialists ranked by the engine's pool; the employer sees names,
    /// headlines and reasons, and contact details only where the specialist has applied.
    /// Each candidate shown is a read of that person's profile by `reader`: a line in their who-looked log.
    func candidates(for vacancy: Vacancy, limit: Int, readBy reader: User) async throws -> [Candidate] {
        try await candidates(for: vacancy, limit: limit, offset: 0, readBy: reader).candidates
    }

    /// One page of the ranking: the `limit` after the best `offset`, and whether more follow. Only the page is read
    /// (and logged): the ranking itself looks one further to know whether there is a next page.
    func candidates(for vacancy: Vacancy, limit: Int, offset: Int, readBy reader: User) async throws -> (candidates: [Candidate], hasMore: Bool) {
        let ranked = try await app.candidateIndex.candidates(for: MatchingAdapter.profile(of: vacancy), limit: offset + limit + 1, on: database)
        let results = Array(ranked.dropFirst(offset).prefix(limit))
        let hasMore = ranked.count > offset + limit
        let ids = results.compactMap { UUID(uuidString: $0.id) }
        let users = try await User.query(on: database).filter(\.$id ~~ ids).all()
        let profiles = try await SpecialistProfile.query(on: database).filter(\.$user.$id ~~ ids).all()
        let applications = try await JobApplication.query(on: database).filter(\.$vacancy.$id == vacancy.requireID()).filter(\.$specialist.$id ~~ ids).all()
        let userByID = Dictionary(uniqueKeysWithValues: users.compactMap { user in user.id.map { ($0, user) } })
        let profileByUser = Dictionary(profiles.map { ($0.$user.id, $0) }, uniquingKeysWith: { first, _ in first })
        let stageByUser = Dictionary(applications.map { ($0.$specialist.id, $0.applicationStage) }, uniquingKeysWith: { first, _ in first })
        let found = results.compactMap { result -> Candidate? in
            guard let id = UUID(uuidString: result.id), let user = userByID[id], let profile = profileByUser[id] else { return nil }
            return Candidate(user: user, profile: profile, result: result, stage: stageByUser[id])
        }
        try await DataAccessLog(app: app, database: database).record(
            .profile, of: found.compactMap(\.user.id), by: reader, context: .vacancyCandidates, contextID: vacancy.id
        )
        return (found, hasMore)
    }

    /// A reason as a sentence: skill ids become the skill's name in the language, skill levels their words.
    /// Whom a reason speaks to: the specialist ("your level fits") or the employer ("their level fits").
    enum Audience {
        case specialist, employer
    }

    static func text(of reason: MatchReason, taxonomy: SkillTaxonomy, req: Request, for audience: Audience = .specialist) -> String {
        ReasonWriter(req, taxonomy: taxonomy, audience: audience).text(reason)
    }
}

/// Turns reasons into sentences in one request's language. Made once per answer: the language, the
/// catalogues and the taxonomy are looked up once, not once for each of the hundred-odd reasons of a page.
/// A class, so the closures that write a missing sentence hold one reference, not a copy of every field.
final class ReasonWriter: Sendable {
    let catalogs: MessageCatalogs
    let language: LanguageCode
    let taxonomy: SkillTaxonomy
    let audience: MatchingService.Audience
    let written: ReasonSentences?

    init(_ req: Request, taxonomy: SkillTaxonomy, audience: MatchingService.Audience = .specialist) {
        catalogs = req.application.catalogs
        language = req.language
        self.taxonomy = taxonomy
        self.audience = audience
        // Every writer speaks of the server's one taxonomy (`app.skillTaxonomy`), so their sentences are shared.
        written = req.application.reasonSentences
    }

    /// The reason as the reader sees it, written once per reason, language and audience while the server runs.
    func sentence(_ reason: MatchReason) -> ReasonSentence {
        guard let written else { return ReasonSentence(reason, text: write(reason)) }
        let key = ReasonSentences.Key(reason: reason, language: language, audience: audience)
        return written.sentence(for: key) { ReasonSentence(reason, text: write(reason)) }
    }

    /// A reason list's sentences, with one look for the calling thread's table.
    func sentences(_ reasons: [MatchReason]) -> [ReasonSentence] {
        guard let written else { return reasons.map { ReasonSentence($0, text: write($0)) } }
        let language = language, audience = audience, capacity = written.capacity
        var sentences: [ReasonSentence] = []
        sentences.reserveCapacity(reasons.count)
        written.withTable { table in
            for reason in reasons {
                sentences.append(table.sentence(for: ReasonSentences.Key(reason: reason, language: language, audience: audience),
                                                capacity: capacity) { ReasonSentence(reason, text: self.write(reason)) })
            }
        }
        return sentences
    }

    func text(_ reason: MatchReason) -> String {
        sentence(reason).text
    }

    /// Whole roubles with digit groups as each language writes them: 250,000 in English, 250 000 (no-break
    /// space) in Russian. By hand, because a NumberFormatter per reason cost more than the ranking.
    static func money(_ value: Int, _ language: LanguageCode) -> String {
        let separator = language == .english ? "," : "\u{00A0}"
        let digits = String(value.magnitude)
        var grouped = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { grouped += separator }
            grouped.append(digit)
        }
        return value < 0 ? "-" + grouped : grouped
    }

    /// The sentence itself: the catalogue's message for the reason's key with its arguments in words.
    func write(_ reason: MatchReason) -> String {
        var arguments = reason.arguments
        for key in ["expected", "budget"] {
            if let raw = arguments[key], let value = Int(raw) { arguments[key] = Self.money(value, language) }
        }
        for key in ["skill", "via"] {
            if let id = arguments[key], let skill = taxonomy.skill(SkillID(id)) {
                arguments[key] = skill.name(in: language.rawValue)
            }
        }
        if reason.key.hasPrefix("match.skill.") {
            for key in ["level", "have", "need"] {
                if let code = arguments[key] { arguments[key] = catalogs.text("skilllevel.\(code)", in: language) }
            }
        }
        // The employer's reading of a reason has its own wording where the specialist's says "you".
        if audience == .employer, catalogs.catalogs[language]?.messages[reason.key + ".employer"] != nil {
            return catalogs.text(reason.key + ".employer", in: language, arguments)
        }
        return catalogs.text(reason.key, in: language, arguments)
    }
}

/// A reason in the reader's words, and the same as an item of an answer's `reasons` in JSON
/// (`{"key":…,"effect":…,"text":…}`), written when the sentence is. A class: an answer holds a couple of hundred,
/// each taken from the kept table, and a reference is one count to move where the fields were four.
final class ReasonSentence: Sendable {
    let key: String
    let effect: String
    let text: String
    let json: [UInt8]

    init(_ reason: MatchReason, text: String) {
        key = reason.key
        effect = reason.effect.rawValue
        self.text = text
        var out = JSONText(capacity: 64 + text.utf8.count)
        out.raw(#"{"key":"#); out.string(key)
        out.raw(#","effect":"#); out.string(effect)
        out.raw(#","text":"#); out.string(text)
        out.raw("}")
        json = out.bytes
    }
}

/// Sentences already written, per reason, language and audience. A sentence depends on nothing else while the
/// server runs (the catalogues and the taxonomy are fixed), and the same reasons recur across vacancies and
/// people ("Java: your level fits", "Salary within the budget: 250 000 of 300 000"), so an answer mostly copies
/// sentences written for earlier answers instead of filling messages again.
///
/// Each thread keeps its own (a few event loops, so a few copies of a small table): looking one up takes no
/// lock, so requests on different loops never wait for each other. Bounded per thread: past `capacity` it starts over.
final class ReasonSentences: Sendable {
    /// A reason with the language and audience it is written for, read in place: a lookup copies nothing.
    ///
    /// Its fields are the language, the audience, the effect, the component, the key, then each argument's name
    /// and value in the reason's sorted order, so equal reasons have equal fields however their arguments were
    /// written. They are read as UTF-8: `String`'s own hash and comparison normalise Unicode first, which for
    /// Cyrillic arguments (a city, title words) cost more than the lookup saved; byte-equal is stricter than
    /// canonically equal, which at worst writes a sentence twice.
    struct Key {
        let reason: MatchReason
        let language: LanguageCode
        let audience: MatchingService.Audience

        /// Each field's UTF-8 in order, until `body` says stop; false if it did.
        @inline(__always)
        func fields(_ body: (UnsafeRawBufferPointer) -> Bool) -> Bool {
            func field(_ text: String) -> Bool {
                var text = text
                return text.withUTF8 { body(UnsafeRawBufferPointer($0)) }
            }
            guard field(language.rawValue), field(audience == .specialist ? "s" : "e"), field(reason.effect.rawValue),
                  field(reason.component?.rawValue ?? ""), field(reason.key) else { return false }
            for argument in reason.argumentList {
                guard field(argument.name), field(argument.value) else { return false }
            }
            return true
        }

        /// The fields as one run of bytes, each ended by 0xFF (never a UTF-8 byte, so "ab"+"c" differs from
        /// "a"+"bc"): what a table keeps to compare later keys with.
        var bytes: [UInt8] {
            var bytes: [UInt8] = []
            bytes.reserveCapacity(128)
            _ = fields { field in
                bytes.append(contentsOf: field)
                bytes.append(0xFF)
                return true
            }
            return bytes
        }

        /// Whether `stored` holds exactly this key's fields.
        func matches(_ stored: [UInt8]) -> Bool {
            stored.withUnsafeBytes { stored in
                var offset = 0
                let same = fields { field in
                    guard offset + field.count < stored.count, stored[offset + field.count] == 0xFF else { return false }
                    // Most fields are a few bytes (a level, a skill id): compared in place, a call to memcmp costs more.
                    if field.count > 32 {
                        guard memcmp(stored.baseAddress! + offset, field.baseAddress!, field.count) == 0 else { return false }
                    } else {
                        for at in 0..<field.count where stored[offset + at] != field[at] { return false }
                    }
                    offset += field.count + 1
                    return true
                }
                return same && offset == stored.count
            }
        }

        /// Each field through `ByteMix` with its length in its last word, then the final mix of MurmurHash3. A
        /// digest for a table, not a checksum: a hit is still compared byte for byte, so a collision costs a longer
        /// probe, never a wrong sentence. The seed is drawn at random once per process, so the digests differ from
        /// one run to the next.
        func digest(seed: UInt64) -> UInt64 {
            var hash = seed
            _ = fields { field in
                hash = ByteMix.mix(hash, field, tail: UInt64(truncatingIfNeeded: field.count) << 56)
                return true
            }
            hash ^= hash >> 33
            hash &*= 0xFF51_AFD7_ED55_8CCD
            hash ^= hash >> 33
            return hash
        }
    }

    /// One thread's sentences: only that thread reads or writes it. An open-addressed table of digests, with each
    /// key's bytes kept beside its sentence, so a lookup builds no key and a hit allocates nothing.
    final class Table: @unchecked Sendable {
        private static let seed = UInt64.random(in: .min ... .max)
        private static let initialSlots = 1_024

        /// 0 for an empty slot (a kept digest always has its highest bit set; the slot comes from the lowest bits).
        /// Unchecked for exclusivity: one thread reads and writes a table, one access at a time, and the run-time
        /// check on every probe cost as much as the probe.
        @exclusivity(unchecked) private var digests = [UInt64](repeating: 0, count: initialSlots)
        @exclusivity(unchecked) private var keys = [[UInt8]](repeating: [], count: initialSlots)
        @exclusivity(unchecked) private var sentences = [ReasonSentence?](repeating: nil, count: initialSlots)
        private(set) var count = 0

        func sentence(for key: Key, capacity: Int, orWrite write: () -> ReasonSentence) -> ReasonSentence {
            sentence(for: key, digest: key.digest(seed: Self.seed), capacity: capacity, orWrite: write)
        }

        /// With the digest given: tests give different keys the same one.
        func sentence(for key: Key, digest: UInt64, capacity: Int, orWrite write: () -> ReasonSentence) -> ReasonSentence {
            let digest = digest | 1 << 63
            var slot = Int(truncatingIfNeeded: digest) & (digests.count - 1)
            while digests[slot] != 0 {
                if digests[slot] == digest, key.matches(keys[slot]) { return sentences[slot]! }
                slot = (slot + 1) & (digests.count - 1)
            }
            let fresh = write()
            if count >= capacity {
                digests = [UInt64](repeating: 0, count: Self.initialSlots)
                keys = [[UInt8]](repeating: [], count: Self.initialSlots)
                sentences = [ReasonSentence?](repeating: nil, count: Self.initialSlots)
                count = 0
            }
            if (count + 1) * 2 > digests.count { grow() }
            place(digest, key.bytes, fresh)
            count += 1
            return fresh
        }

        private func place(_ digest: UInt64, _ key: [UInt8], _ sentence: ReasonSentence) {
            var slot = Int(truncatingIfNeeded: digest) & (digests.count - 1)
            while digests[slot] != 0 { slot = (slot + 1) & (digests.count - 1) }
            digests[slot] = digest
            keys[slot] = key
            sentences[slot] = sentence
        }

        private func grow() {
            let old = (digests, keys, sentences)
            digests = [UInt64](repeating: 0, count: old.0.count * 2)
            keys = [[UInt8]](repeating: [], count: old.0.count * 2)
            sentences = [ReasonSentence?](repeating: nil, count: old.0.count * 2)
            for slot in old.0.indices where old.0[slot] != 0 { place(old.0[slot], old.1[slot], old.2[slot]!) }
        }
    }

    let capacity: Int
    private let tables = ThreadSpecificVariable<Table>()

    init(capacity: Int = 50_000) {
        self.capacity = capacity
    }

    private var table: Table {
        if let table = tables.currentValue { return table }
        let table = Table()
        tables.currentValue = table
        return table
    }

    func sentence(for key: Key, orWrite write: () -> ReasonSentence) -> ReasonSentence {
        table.sentence(for: key, capacity: capacity, orWrite: write)
    }

    /// The calling thread's table, for several lookups in a row; `body` must not leave the thread (no `await`).
    func withTable<Result>(_ body: (Table) -> Result) -> Result {
        body(table)
    }

    /// The sentences the calling thread keeps.
    var count: Int { table.count }
}

extension Application {
    private struct ReasonSentencesKey: StorageKey {
        typealias Value = ReasonSentences
    }

    var reasonSentences: ReasonSentences {
        get { storage[ReasonSentencesKey.self]! }
        set { storage[ReasonSentencesKey.self] = newValue }
    }
}

extension Request {
    var matching: MatchingService { MatchingService(app: application, database: database) }
}
