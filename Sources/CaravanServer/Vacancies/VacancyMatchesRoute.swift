import CaravanDomain
import CaravanMatching
import Fluent
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import Vapor

/// `GET /api/v1/me/vacancy-matches`, the API's busiest read, served by a Vapor route of its own.
///
/// The generated OpenAPI layer encodes answers with Foundation's `JSONEncoder`, which cost a quarter of this
/// route's time. This route writes the same document (the `VacancyMatches` schema of `openapi.yaml`; a
/// test decodes it with the generated types and compares it with theirs) with `JSONText`, and keeps each
/// specialist's last answer in `MatchPageCache` until their profile or the published vacancies change. It is
/// registered after the generated routes and replaces theirs for this one path; `APIHandler.getVacancyMatches`
/// answers the same from the same `VacancyMatchesAnswer` for any caller of the generated server.
struct VacancyMatchesRoute: Sendable {
    static let pathComponents: [PathComponent] = ["api", "v1", "me", "vacancy-matches"]

    func register(on routes: any RoutesBuilder) {
        routes.on(.GET, Self.pathComponents) { req -> EventLoopFuture<Response> in respond(req: req) }
    }

    /// Once the token is known and the indexes are warm, everything the answer needs is in memory: then it is
    /// written on the request's event loop, without starting a task or waiting for an actor. Otherwise (a token not
    /// seen yet, indexes not loaded, a specialist who never saved a profile) the same checks run again in a task
    /// that may read the database. The checks come in the same order on both paths, so a mistake gets the same
    /// error either way, and the memory path gives up only before any check has failed.
    func respond(req: Request) -> EventLoopFuture<Response> {
        do {
            if let account = try req.cachedBearerAccount() {
                let limit = try Self.limit(req, account: account)
                if let (candidate, version) = req.application.candidateIndex.candidateInMemory(account.userID),
                   let published = req.application.vacancyIndex.publishedInMemory {
                    guard published.prepared.count <= Self.rankedOnTheEventLoopUpTo else {
                        return req.eventLoop.makeFutureWithTask {
                            try Self.answer(req, account: account, limit: limit, candidate: candidate,
                                            profileVersion: version, published: published)
                        }
                    }
                    let answer = try Self.answer(req, account: account, limit: limit, candidate: candidate,
                                                 profileVersion: version, published: published)
                    return req.eventLoop.makeSucceededFuture(answer)
                }
            }
        } catch {
            return req.eventLoop.makeFailedFuture(error)
        }
        return req.eventLoop.makeFutureWithTask { try await respondLoading(req: req) }
    }

    /// Up to this many published vacancies an answer is ranked on the event loop: well under a millisecond of work
    /// (641 take about a third of one). Past it the ranking runs in a task, so a large index never holds up the
    /// other connections the loop serves.
    static let rankedOnTheEventLoopUpTo = 5_000

    /// The same answer, with the token, the profile and the published vacancies read from the database if need be.
    func respondLoading(req: Request) async throws -> Response {
        let account = try await req.bearerAccount()
        let limit = try Self.limit(req, account: account)
        let (candidate, version) = try await req.matching.candidate(ofSpecialist: account.userID)
        let published = try await req.application.vacancyIndex.publishedVacancies(
            on: req.database, taxonomy: req.application.skillTaxonomy)
        return try Self.answer(req, account: account, limit: limit, candidate: candidate, profileVersion: version,
                               published: published)
    }

    /// The requested `limit`, once the caller may be matched at all.
    static func limit(_ req: Request, account: BearerAccount) throws -> Int {
        let limit = try limit(req)
        guard let role = account.domainRole, VacanciesPolicy.mayBeMatched(role) else { throw AppError.forbidden }
        return limit
    }

    /// The answer from memory: the kept page if nothing it depends on changed, otherwise ranked and written now.
    static func answer(_ req: Request, account: BearerAccount, limit: Int, candidate: PreparedCandidate,
                       profileVersion: Int, published: PublishedVacancies) throws -> Response {
        let app = req.application
        let key = MatchPageCache.Key(userID: account.userID, profileVersion: profileVersion,
                                     vacancyGeneration: published.generation, language: req.language, limit: limit)
        let body: ByteBuffer
        if let cached = app.matchPageCache.page(for: key) {
            body = cached
        } else {
            let matches = try MatchingService.vacancies(for: candidate, among: published, limit: limit,
                                                        taxonomy: app.skillTaxonomy)
            let answer = VacancyMatchesAnswer(matches, writer: ReasonWriter(req, taxonomy: app.skillTaxonomy))
            body = answer.json(allocator: app.allocator)
            app.matchPageCache.store(body, for: key)
        }
        var headers = HTTPHeaders()
        headers.contentType = .json
        headers.replaceOrAdd(name: .contentLanguage, value: req.language.rawValue)
        return Response(status: .ok, headers: headers, body: .init(buffer: body))
    }

    /// `limit` as the schema has it: an integer 1…100, 20 when absent.
    static func limit(_ req: Request) throws -> Int {
        // No query at all, the usual case: nothing to decode (the decoder costs more than writing a sentence).
        guard let query = req.url.query, !query.isEmpty else { return 20 }
        guard let raw = req.query[String.self, at: "limit"] else { return 20 }
        guard let limit = Int(raw) else { throw AppError.malformedRequest }
        guard (1...100).contains(limit) else {
            throw AppError.validation(ValidationFailure(field: "limit", code: "limit.range", arguments: ["max": "100"]))
        }
        return limit
    }
}

/// One answer of "vacancies for me", before it is written: the cards, scores and reasons in sentences.
struct VacancyMatchesAnswer {
    struct Item {
        let vacancyID: String
        /// The vacancy's title, company and city, and its fields as JSON up to the score (`VacancyCard.jsonHead`).
        let card: VacancyCard
        let score: Double
        let reasons: [ReasonSentence]

        var title: String { card.title }
        var companyName: String { card.companyName }
        var city: String { card.city }
    }

    let items: [Item]

    init(_ matches: [MatchingService.Match], writer: ReasonWriter) {
        items = matches.map { match in
            Item(vacancyID: match.result.id, card: match.card, score: (match.result.score * 1000).rounded() / 1000,
                 reasons: writer.sentences(match.result.reasons))
        }
    }

    /// `{"matches":[{"vacancyId":…,"title":…,"companyName":…,"city":…,"score":…,"reasons":[{"key":…,"effect":…,"text":…}]}]}`,
    /// mostly copied: the cards' fields and the reasons are written as JSON once, where they are made.
    func json(allocator: ByteBufferAllocator) -> ByteBuffer {
        var size = 16
        for item in items {
            size += item.card.jsonHead.count + 40
            for reason in item.reasons { size += reason.json.count + 1 }
        }
        // Straight into the buffer the response sends, sized once.
        var buffer = allocator.buffer(capacity: size)
        buffer.writeStaticString(#"{"matches":["#)
        for (index, item) in items.enumerated() {
            if index > 0 { buffer.writeStaticString(",") }
            buffer.writeBytes(item.card.jsonHead)
            buffer.writeString(JSONText.numberText(item.score))
            buffer.writeStaticString(#","reasons":["#)
            for (position, reason) in item.reasons.enumerated() {
                if position > 0 { buffer.writeStaticString(",") }
                buffer.writeBytes(reason.json)
            }
            buffer.writeStaticString("]}")
        }
        buffer.writeStaticString("]}")
        return buffer
    }
}

/// JSON text written by hand: strings escaped as RFC 8259 requires (quote, backslash, control characters),
/// everything else passed through as UTF-8.
struct JSONText {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int) {
        bytes.reserveCapacity(capacity)
    }

    mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// JSON already written (by another `JSONText`), copied as it is.
    mutating func written(_ json: [UInt8]) {
        bytes.append(contentsOf: json)
    }

    mutating func string(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        var value = value
        // Native strings are contiguous UTF-8: runs that need no escape are copied whole, as memory.
        value.withUTF8 { utf8 in
            var runStart = 0
            for at in 0..<utf8.count {
                let byte = utf8[at]
                if byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                    bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<at]))
                    escape(byte)
                    runStart = at + 1
                }
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...]))
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private mutating func escape(_ byte: UInt8) {
        bytes.append(UInt8(ascii: "\\"))
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): bytes.append(byte)
        case 0x0A: bytes.append(UInt8(ascii: "n"))
        case 0x0D: bytes.append(UInt8(ascii: "r"))
        case 0x09: bytes.append(UInt8(ascii: "t"))
        default:
            let hex = Array("0123456789abcdef".utf8)
            bytes.append(contentsOf: Array("u00".utf8))
            bytes.append(hex[Int(byte >> 4)])
            bytes.append(hex[Int(byte & 0x0F)])
        }
    }

    /// A finite number in Swift's shortest round-tripping form; whole numbers without a fraction; "0" for what is
    /// not finite.
    static func numberText(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        return value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : value.description
    }
}

/// Each specialist's last "vacancies for me" answer, valid while neither their profile nor the published
/// vacancies changed (the key holds both versions, the language and the limit). Bounded by bytes: past the
/// budget it starts over. A budget of 0 turns it off (`CARAVAN_MATCH_CACHE_MB=0`).
final class MatchPageCache: Sendable {
    struct Key: Hashable, Sendable {
        let userID: UUID
        let profileVersion: Int
        let vacancyGeneration: Int
        let language: LanguageCode
        let limit: Int
    }

    private struct State {
        var pages: [UUID: (key: Key, body: ByteBuffer)] = [:]
        var bytes = 0
    }

    private let state = NIOLockedValueBox(State())
    let budgetBytes: Int

    init(budgetBytes: Int) {
        self.budgetBytes = budgetBytes
    }

    func page(for key: Key) -> ByteBuffer? {
        guard budgetBytes > 0 else { return nil }
        return state.withLockedValue { state in
            guard let page = state.pages[key.userID], page.key == key else { return nil }
            return page.body
        }
    }

    func store(_ body: ByteBuffer, for key: Key) {
        guard budgetBytes > 0, body.readableBytes <= budgetBytes else { return }
        state.withLockedValue { state in
            if let old = state.pages[key.userID] { state.bytes -= old.body.readableBytes }
            if state.bytes + body.readableBytes > budgetBytes {
                state.pages.removeAll(keepingCapacity: true)
                state.bytes = 0
            }
            state.pages[key.userID] = (key, body)
            state.bytes += body.readableBytes
        }
    }

    var count: Int { state.withLockedValue { $0.pages.count } }
}

extension Application {
    private struct MatchPageCacheKey: StorageKey {
        typealias Value = MatchPageCache
    }

    var matchPageCache: MatchPageCache {
        get { storage[MatchPageCacheKey.self]! }
        set { storage[MatchPageCacheKey.self] = newValue }
    }
}
