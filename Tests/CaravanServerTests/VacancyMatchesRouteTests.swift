import CaravanDomain
import CaravanMatching
@testable import CaravanServer
import Fluent
import NIOConcurrencyHelpers
import Foundation
import Testing
import Vapor
import VaporTesting

/// "Vacancies for me" has a route of its own (hand-written JSON, a per-specialist page cache): its answers must
/// be what `openapi.yaml` promises and never outlive the profile or the vacancies they were made from.
@Suite struct VacancyMatchesRouteTests {
    static let profile = #"{"citizenship":"UZ","city":"Ташкент","russianLevel":"B2","expectedSalary":250000,"relocation":true,"remote":"any","skills":[{"skill":"java","level":4,"years":6}]}"#

    /// Aziz's profile with Spring Boot learnt: answers then say "Spring Boot: your level fits".
    static let withSpringBoot = profile.replacingOccurrences(of: #"{"skill":"java","level":4,"years":6}"#,
                                                             with: #"{"skill":"java","level":4,"years":6},{"skill":"spring-boot","level":4,"years":3}"#)

    /// The Java vacancy under another title.
    static func javaVacancy(titled title: String) -> String {
        VacanciesTests.javaVacancy.replacingOccurrences(of: #""title":"Java-разработчик""#, with: #""title":"# + jsonString(title))
    }

    func market(_ app: Application, title: String = "Java-разработчик") async throws -> (hr: String, vacancyID: String, aziz: String) {
        let hr = try await VacanciesTests().employer(app)
        let vacancy = Self.javaVacancy(titled: title)
        let created = try await app.api(.POST, "/vacancies", raw: vacancy, token: hr)
        #expect(created.status == .created, "\(created.text)")
        try await app.signUp(email: "aziz@example.uz")
        let aziz = try await app.token(email: "aziz@example.uz")
        #expect(try await app.api(.PUT, "/profile", raw: Self.profile, token: aziz).status == .ok)
        return (hr, try created.json(VacancyBody.self).id, aziz)
    }

    static func jsonString(_ text: String) -> String {
        String(decoding: try! JSONEncoder().encode(text), as: UTF8.self)
    }

    @Test func theAnswerDecodesAsTheGeneratedSchemaWithAwkwardCharactersIntact() async throws {
        try await withTestApp { app in
            // Quotes, backslashes, a closing script tag, an emoji and Cyrillic (a title holds no control character:
            // the schema and the rules refuse them).
            let title = "Java \"senior\" \\ C:\\dev </script> 🚀 — вторая часть"
            let (_, vacancyID, aziz) = try await market(app, title: title)
            let response = try await app.api(.GET, "/me/vacancy-matches?limit=5", token: aziz, language: "en")
            #expect(response.status == .ok)
            #expect(response.headers.contentType == .json)
            #expect(response.headers.first(name: .contentLanguage) == "en")

            // The generated type is what the OpenAPI document describes: required fields, their types.
            let decoded = try JSONDecoder().decode(Operations.GetVacancyMatches.Output.Ok.Body.JsonPayload.self,
                                                   from: Data(response.text.utf8))
            let match = try #require(decoded.matches.first)
            #expect(decoded.matches.count == 1)
            #expect(match.vacancyId == vacancyID)
            #expect(match.title == title)
            #expect(match.companyName?.hasPrefix("ООО «Казань Софт»") == true)
            #expect(match.city == "Казань")
            #expect(match.score > 0 && match.score <= 1)
            #expect(match.reasons.contains { $0.text == "Java: your level fits (advanced)" && $0.effect == "positive" })
        }
    }

    @Test func aCachedPageGivesWayToAChangedProfileOrAClosedVacancy() async throws {
        try await withTestApp { app in
            let (hr, vacancyID, aziz) = try await market(app)
            let first = try await app.api(.GET, "/me/vacancy-matches", token: aziz, language: "en")
            let again = try await app.api(.GET, "/me/vacancy-matches", token: aziz, language: "en")
            #expect(first.text == again.text)
            #expect(app.matchPageCache.count == 1)
            #expect(!first.text.contains("Spring Boot: your level fits"))

            // Aziz learns Spring Boot: the next answer says so.
            #expect(try await app.api(.PUT, "/profile", raw: Self.withSpringBoot, token: aziz).status == .ok)
            let changed = try await app.api(.GET, "/me/vacancy-matches", token: aziz, language: "en")
            #expect(changed.text.contains("Spring Boot: your level fits"), "\(changed.text)")

            // Another language is another page.
            let russian = try await app.api(.GET, "/me/vacancy-matches", token: aziz, language: "ru")
            #expect(russian.headers.first(name: .contentLanguage) == "ru")
            #expect(russian.text.contains("Spring Boot"))
            #expect(russian.text != changed.text)

            // The employer closes the vacancy: it is gone at once.
            let closed = VacanciesTests.javaVacancy.replacingOccurrences(of: #""published""#, with: #""closed""#)
            #expect(try await app.api(.PUT, "/vacancies/\(vacancyID)", raw: closed, token: hr).status == .ok)
            let after = try await app.api(.GET, "/me/vacancy-matches", token: aziz, language: "en")
            #expect(try after.json(MatchesBody.self).matches.isEmpty)
        }
    }

    @Test func badLimitsAndOtherRolesAreRefusedAsBefore() async throws {
        try await withTestApp { app in
            let (hr, _, aziz) = try await market(app)
            let words = try await app.api(.GET, "/me/vacancy-matches?limit=many", token: aziz, language: "en")
            #expect(words.status == .badRequest)
            #expect(words.headers.contentType?.description.hasPrefix("application/problem+json") == true)
            let zero = try await app.api(.GET, "/me/vacancy-matches?limit=0", token: aziz, language: "en")
            #expect(zero.status == .unprocessableEntity)
            #expect(try await app.api(.GET, "/me/vacancy-matches?limit=101", token: aziz).status == .unprocessableEntity)
            #expect(try await app.api(.GET, "/me/vacancy-matches", token: hr).status == .forbidden)
            #expect(try await app.api(.GET, "/me/vacancy-matches?limit=1", token: aziz).json(MatchesBody.self).matches.count == 1)
        }
    }

    @Test func aSpecialistWithoutAProfileGetsAnEmptyAnswer() async throws {
        try await withTestApp { app in
            try await app.signUp(email: "new@example.kz")
            let token = try await app.token(email: "new@example.kz")
            let response = try await app.api(.GET, "/me/vacancy-matches", token: token)
            #expect(response.status == .ok)
            #expect(try response.json(MatchesBody.self).matches.isEmpty)
        }
    }

    /// Once the token is known and the indexes are warm the route answers from memory on the event loop; otherwise
    /// it loads in a task. Both paths must give the same answer, and the same error for the same mistake.
    @Test func theMemoryPathAnswersAndRefusesAsTheLoadingPathDoes() async throws {
        try await withTestApp { app in
            app.matchPageCache = MatchPageCache(budgetBytes: 0)   // every answer ranked and written on both paths
            let (hr, _, aziz) = try await market(app)
            #expect(try await app.api(.GET, "/me/vacancy-matches", token: aziz).status == .ok)
            #expect(try await app.api(.GET, "/me/vacancy-matches", token: hr).status == .forbidden)

            let route = VacancyMatchesRoute()
            func request(_ query: String, token: String?, language: String = "en") -> Request {
                var headers: HTTPHeaders = ["Accept-Language": language]
                if let token { headers.bearerAuthorization = .init(token: token) }
                return Request(application: app, method: .GET, url: URI(string: "/api/v1/me/vacancy-matches" + query),
                               headers: headers, on: app.eventLoopGroup.next())
            }
            func outcome(_ answer: () async throws -> Response) async -> String {
                do {
                    let response = try await answer()
                    return "\(response.status.code) \(response.headers.contentType?.description ?? "") \(response.body.string ?? "")"
                } catch {
                    return "refused: \(error)"
                }
            }
            // The memory path is open for Aziz: his token, his profile and the vacancies are all in memory.
            let user = try #require(try await User.query(on: app.db).filter(\.$email == "aziz@example.uz").first())
            #expect(try request("", token: aziz).cachedBearerAccount() != nil)
            #expect(app.candidateIndex.candidateInMemory(try user.requireID()) != nil)
            #expect(app.vacancyIndex.publishedInMemory != nil)

            let cases: [(query: String, token: String?, language: String)] = [
                ("?limit=5", aziz, "en"), ("", aziz, "ru"), ("?limit=1", aziz, "tg"), ("?limit=0", aziz, "en"),
                ("?limit=101", aziz, "ru"), ("?limit=many", aziz, "en"), ("", hr, "en"), ("?limit=0", hr, "en"),
                ("", "not-a-token-anyone-has", "en"), ("", nil, "ru"), ("", "", "en"),
            ]
            for (query, token, language) in cases {
                let fromMemory = await outcome { try await route.respond(req: request(query, token: token, language: language)).get() }
                let loaded = await outcome { try await route.respondLoading(req: request(query, token: token, language: language)) }
                #expect(fromMemory == loaded, "\(query) \(token ?? "no token") \(language)")
            }
            let answer = await outcome { try await route.respond(req: request("?limit=5", token: aziz)).get() }
            #expect(answer.hasPrefix("200 application/json") && answer.contains("Java: your level fits"), "\(answer)")
        }
    }

    /// Profiles and vacancies saved while answers are being read, all at once: every answer is whole (each match
    /// with its card), and once the writes are done the memory path shows their result, not what it read before.
    @Test func answersReadWhileProfilesAndVacanciesChangeAreWholeAndTheNextIsCurrent() async throws {
        try await withTestApp { app in
            app.matchPageCache = MatchPageCache(budgetBytes: 0)
            let (hr, vacancyID, aziz) = try await market(app)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for round in 0..<6 {
                    group.addTask {
                        let saved = try await app.api(.PUT, "/profile", raw: round.isMultiple(of: 2) ? Self.withSpringBoot : Self.profile, token: aziz)
                        #expect(saved.status == .ok)
                    }
                    group.addTask {
                        let saved = try await app.api(.PUT, "/vacancies/\(vacancyID)", raw: Self.javaVacancy(titled: "Java, раунд \(round)"), token: hr)
                        #expect(saved.status == .ok)
                    }
                    for _ in 0..<4 {
                        group.addTask {
                            let read = try await app.api(.GET, "/me/vacancy-matches", token: aziz, language: "ru")
                            #expect(read.status == .ok, "\(read.text)")
                            let matches = try read.json(MatchesBody.self).matches
                            #expect(matches.count == 1 && matches.allSatisfy { $0.vacancyId == vacancyID && !$0.reasons.isEmpty })
                        }
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await app.api(.PUT, "/profile", raw: Self.withSpringBoot, token: aziz).status == .ok)
            #expect(try await app.api(.PUT, "/vacancies/\(vacancyID)", raw: Self.javaVacancy(titled: "Java, последний раунд"), token: hr).status == .ok)
            let after = try await app.api(.GET, "/me/vacancy-matches", token: aziz, language: "en")
            #expect(after.text.contains("Java, последний раунд") && after.text.contains("Spring Boot: your level fits"), "\(after.text)")
        }
    }

    /// A save that lands while an index first reads the database (after its read, before it takes in what it
    /// read) is in the index once the load ends; and people who ask while it loads wait for that one load, which
    /// reads the database once. Each index's `afterReading` makes the save there, through the API.
    @Test func aSaveWhileAnIndexFirstLoadsIsNotLostAndTheLoadRunsOnce() async throws {
        try await withTestApp { app in
            app.matchPageCache = MatchPageCache(budgetBytes: 0)
            let (hr, vacancyID, aziz) = try await market(app)
            let title = "Java, сохранена во время чтения"
            let edited = Self.javaVacancy(titled: title)
            let reads = ReadCount()
            app.vacancyIndex = VacancyIndex(afterReading: {
                await reads.vacancies()
                let saved = try? await app.api(.PUT, "/vacancies/\(vacancyID)", raw: edited, token: hr)
                #expect(saved?.status == .ok)
            })
            app.candidateIndex = CandidateIndex(taxonomy: app.skillTaxonomy, afterReading: {
                await reads.candidates()
                let saved = try? await app.api(.PUT, "/profile", raw: Self.withSpringBoot, token: aziz)
                #expect(saved?.status == .ok)
            })
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<3 {
                    group.addTask {
                        let read = try await app.api(.GET, "/me/vacancy-matches", token: aziz, language: "en")
                        #expect(read.status == .ok, "\(read.text)")
                    }
                }
                try await group.waitForAll()
            }
            #expect(await reads.counts == (1, 1))
            let after = try await app.api(.GET, "/me/vacancy-matches", token: aziz, language: "en")
            #expect(after.text.contains(title) && after.text.contains("Spring Boot: your level fits"), "\(after.text)")
            // The text index holds the vacancy once, as last saved.
            let found = try await app.api(.GET, "/search/vacancies?q=java", token: aziz).json(SearchTests.VacanciesFound.self)
            #expect(found.vacancies.map(\.title) == [title])
        }
    }

    /// The moment the first load shows the profiles to readers outside the actor (the route's memory path), a save
    /// that arrived while it read is in them with its version: never the profile read beside the version that save
    /// gave it, which the page cache would then keep as the answer for the new version.
    @Test func whatTheFirstLoadShowsHoldsTheSaveThatArrivedWhileItRead() async throws {
        try await withTestApp { app in
            let (_, _, aziz) = try await market(app)
            let azizID = try #require(try await User.query(on: app.db).filter(\.$email == "aziz@example.uz").first()?.requireID())
            let shown = NIOLockedValueBox<(skills: [String], version: Int)?>(nil)
            app.candidateIndex = CandidateIndex(taxonomy: app.skillTaxonomy, afterReading: {
                let saved = try? await app.api(.PUT, "/profile", raw: Self.withSpringBoot, token: aziz)
                #expect(saved?.status == .ok)
            }, whenShown: {
                let seen = app.candidateIndex.candidateInMemory(azizID)
                shown.withLockedValue { $0 = seen.map { ($0.0.profile.skills.map(\.skill.rawValue), $0.1) } }
            })
            let read = try await app.api(.GET, "/me/vacancy-matches", token: aziz, language: "en")
            #expect(read.status == .ok && read.text.contains("Spring Boot: your level fits"), "\(read.text)")
            let seen = try #require(shown.withLockedValue { $0 })
            #expect(seen.skills.contains("spring-boot"), "\(seen.skills)")
            #expect(seen.version == 1)
        }
    }

    /// A first load that fails leaves nothing queued for the next one: a save queued while it read is in the
    /// database the next load reads, and replaying it then would put back what a later save replaced.
    @Test func aFailedFirstLoadLeavesNoSaveToReplayOverALaterOne() async throws {
        struct LoadFailure: Error {}
        try await withTestApp { app in
            app.matchPageCache = MatchPageCache(budgetBytes: 0)
            let (_, _, aziz) = try await market(app)
            let reads = ReadCount()
            app.candidateIndex = CandidateIndex(taxonomy: app.skillTaxonomy, afterReading: {
                guard await reads.candidates() == 1 else { return }
                let saved = try await app.api(.PUT, "/profile", raw: Self.withSpringBoot, token: aziz)
                #expect(saved.status == .ok)
                throw LoadFailure()
            })
            let failed = try await app.api(.GET, "/me/vacancy-matches", token: aziz, language: "en")
            #expect(failed.status != .ok)
            // Spring Boot off again, with no load running: the index leaves the change to the next load's read.
            let saved = try await app.api(.PUT, "/profile", raw: Self.profile, token: aziz)
            #expect(saved.status == .ok)
            let after = try await app.api(.GET, "/me/vacancy-matches", token: aziz, language: "en")
            #expect(after.status == .ok && !after.text.contains("Spring Boot: your level fits"), "\(after.text)")
            #expect(await reads.counts == (0, 2))
        }
    }

    private actor ReadCount {
        private var vacancyReads = 0
        private var candidateReads = 0
        func vacancies() { vacancyReads += 1 }
        @discardableResult func candidates() -> Int {
            candidateReads += 1
            return candidateReads
        }
        var counts: (Int, Int) { (vacancyReads, candidateReads) }
    }

    @Test func theCacheKeepsWithinItsBudgetAndZeroTurnsItOff() {
        let key = MatchPageCache.Key(userID: UUID(), profileVersion: 1, vacancyGeneration: 1, language: .russian, limit: 20)
        let page = ByteBuffer(string: String(repeating: "x", count: 600))
        let off = MatchPageCache(budgetBytes: 0)
        off.store(page, for: key)
        #expect(off.page(for: key) == nil)

        let small = MatchPageCache(budgetBytes: 1_000)
        small.store(page, for: key)
        #expect(small.page(for: key) == page)
        #expect(small.page(for: MatchPageCache.Key(userID: key.userID, profileVersion: 2, vacancyGeneration: 1,
                                                   language: .russian, limit: 20)) == nil)
        let other = MatchPageCache.Key(userID: UUID(), profileVersion: 1, vacancyGeneration: 1, language: .russian, limit: 20)
        small.store(page, for: other)   // 1,200 bytes would pass the budget: it starts over
        #expect(small.count == 1)
        #expect(small.page(for: other) == page)
    }

    /// The route writes from kept pieces (cards and sentences as JSON); the generated handler encodes the same
    /// answer with the OpenAPI runtime's `JSONEncoder`. Both must say the same, in every language, whether the
    /// sentences were just written or kept from an earlier answer.
    @Test func theWrittenAnswerIsTheGeneratedHandlersAnswerAndKeptSentencesAreWrittenOnes() async throws {
        try await withTestApp { app in
            let (_, _, aziz) = try await market(app, title: "Java \"senior\" \\ C:\\dev — вторая часть")
            typealias Payload = Operations.GetVacancyMatches.Output.Ok.Body.JsonPayload
            for language in ["ru", "en", "uz", "kk", "ky", "tg"] {
                // Limits 5 and 4: two answers the page cache keeps apart, the second made of kept sentences.
                let first = try await app.api(.GET, "/me/vacancy-matches?limit=5", token: aziz, language: language)
                let second = try await app.api(.GET, "/me/vacancy-matches?limit=4", token: aziz, language: language)
                let written = try JSONDecoder().decode(Payload.self, from: Data(first.text.utf8))
                let again = try JSONDecoder().decode(Payload.self, from: Data(second.text.utf8))
                #expect(!written.matches.isEmpty)
                #expect(Array(written.matches.prefix(4)) == again.matches)

                // The generated handler, as the generated server would call it for the same request.
                let request = Request(application: app, method: .GET, url: URI(path: "/api/v1/me/vacancy-matches"),
                                      headers: ["Authorization": "Bearer \(aziz)", "Accept-Language": language],
                                      on: app.eventLoopGroup.next())
                let output = try await APIRequestContext.$request.withValue(request) {
                    try await APIHandler().getVacancyMatches(.init(query: .init(limit: 5)))
                }
                let generated = try JSONDecoder().decode(Payload.self, from: JSONEncoder().encode(output.ok.body.json))
                #expect(generated == written, "\(language)")

                // Every kept sentence is the one a writer makes from scratch, text and JSON alike.
                let writer = ReasonWriter(request, taxonomy: app.skillTaxonomy)
                let user = try #require(try await User.query(on: app.db).filter(\.$email == "aziz@example.uz").first())
                let matches = try await request.matching.vacancies(forUserID: try user.requireID(), role: .specialist, limit: 5)
                for reason in matches.flatMap(\.result.reasons) {
                    let kept = writer.sentence(reason)
                    let fresh = ReasonSentence(reason, text: writer.write(reason))
                    #expect(kept.text == fresh.text && kept.json == fresh.json && kept.key == reason.key)
                    let decoded = try JSONDecoder().decode(Components.Schemas.MatchReason.self, from: Data(kept.json))
                    #expect(decoded.text == fresh.text && decoded.effect == reason.effect.rawValue)
                }
            }
        }
    }

    @Test func aKeptSentenceIsFoundOnlyForTheSameReasonLanguageAndAudience() {
        let kept = ReasonSentences()
        func reason(_ arguments: [String: String], key: String = "match.location.same-city",
                    _ component: MatchComponent? = .location, _ effect: MatchReason.Effect = .positive) -> MatchReason {
            MatchReason(key, component, effect, arguments: arguments)
        }
        func key(_ reason: MatchReason, _ language: LanguageCode = .russian,
                 _ audience: MatchingService.Audience = .specialist) -> ReasonSentences.Key {
            .init(reason: reason, language: language, audience: audience)
        }
        let city = reason(["city": "Казань", "x": "1"])
        _ = kept.sentence(for: key(city)) { ReasonSentence(city, text: "Казань") }
        // The same arguments built in another order are the same reason.
        var reordered: [String: String] = [:]
        reordered["x"] = "1"
        reordered["city"] = "Казань"
        #expect(key(reason(reordered)).matches(key(city).bytes) && key(reason(reordered)).digest(seed: 5) == key(city).digest(seed: 5))
        #expect(kept.sentence(for: key(reason(reordered))) { ReasonSentence(city, text: "again") }.text == "Казань")
        // Any other argument, language, audience, key, component, effect or split of the same bytes is another sentence.
        // (Same-length values that differ only in their first or their last byte: К and т differ in their first
        // byte, ь and ъ only in their last.)
        let others = [key(reason(["city": "Казан", "x": "1"])), key(reason(["city": "Казанъ", "x": "1"])),
                      key(reason(["city": "тазань", "x": "1"])), key(reason(["city": "Казань"])), key(city, .english),
                      key(city, .russian, .employer), key(reason(["city": "Казань", "x": "1"], key: "match.location.relocation")),
                      key(reason(["cit": "yКазань", "x": "1"])), key(reason(["city": "Казань", "x": "1"], nil)),
                      key(reason(["city": "Казань", "x": "1"], .text)), key(reason(["city": "Казань", "x": "1"], .location, .partial)),
                      key(reason(["city": "Казань", "x": "1", "y": ""]))]
        for other in others {
            #expect(!other.matches(key(city).bytes) && !key(city).matches(other.bytes))
            #expect(other.digest(seed: 5) != key(city).digest(seed: 5))
            #expect(kept.sentence(for: other) { ReasonSentence(city, text: "other") }.text == "other")
        }
        // A digest decides nothing alone: other keys under the same digest are other sentences, in any number.
        let table = ReasonSentences.Table()
        for (index, other) in ([key(city)] + others).enumerated() {
            _ = table.sentence(for: other, digest: 42, capacity: 100) { ReasonSentence(city, text: "\(index)") }
        }
        for (index, other) in ([key(city)] + others).enumerated() {
            #expect(table.sentence(for: other, digest: 42, capacity: 100) { ReasonSentence(city, text: "again") }.text == "\(index)")
        }
        #expect(table.count == others.count + 1)
    }

    /// The table grows past its first slots and keeps every sentence it was given.
    @Test func keptSentencesSurviveTheTableGrowing() {
        let table = ReasonSentences.Table()
        func reason(_ number: Int) -> MatchReason {
            MatchReason("match.salary.fit", .salary, .positive, ["budget": "\(number)", "expected": "Казань \(number % 7)"])
        }
        for number in 0..<5_000 {
            _ = table.sentence(for: .init(reason: reason(number), language: .russian, audience: .specialist), capacity: 50_000) {
                ReasonSentence(reason(number), text: "\(number)")
            }
        }
        #expect(table.count == 5_000)
        for number in 0..<5_000 {
            let found = table.sentence(for: .init(reason: reason(number), language: .russian, audience: .specialist),
                                       capacity: 50_000) { ReasonSentence(reason(number), text: "written again") }
            #expect(found.text == "\(number)")
        }
    }

    /// A page's sentences looked up together are the ones looked up one by one, in the same order.
    @Test func sentencesOfAListAreItsReasonsSentencesInOrder() async throws {
        try await withTestApp { app in
            let request = Request(application: app, method: .GET, url: URI(path: "/"),
                                  headers: ["Accept-Language": "ru"], on: app.eventLoopGroup.next())
            let writer = ReasonWriter(request, taxonomy: app.skillTaxonomy)
            let reasons = [MatchReason("match.skill.matched", .requiredSkills, .positive, ["skill": "java", "level": "senior"]),
                           MatchReason("match.skill.missing", .requiredSkills, .negative, ["skill": "go"]),
                           MatchReason("match.skill.matched", .requiredSkills, .positive, ["skill": "java", "level": "senior"]),
                           MatchReason("match.skill.matched", .requiredSkills, .positive, ["skill": "python", "level": "middle"])]
            let together = writer.sentences(reasons)
            #expect(together.count == reasons.count)
            for (sentence, reason) in zip(together, reasons) {
                let fresh = ReasonSentence(reason, text: writer.write(reason))
                #expect(sentence.text == fresh.text && sentence.json == fresh.json && sentence.key == reason.key)
            }
            #expect(together[0].text != together[3].text)
        }
    }

    @Test func keptSentencesStayWithinTheirCapacity() {
        let kept = ReasonSentences(capacity: 3)
        for skill in ["java", "go", "rust", "swift"] {
            let reason = MatchReason("match.nice.matched", .niceToHaveSkills, .positive, ["skill": skill])
            let key = ReasonSentences.Key(reason: reason, language: .english, audience: .specialist)
            _ = kept.sentence(for: key) { ReasonSentence(reason, text: skill) }
            #expect(kept.sentence(for: key) { ReasonSentence(reason, text: "written again") }.text == skill)
        }
        #expect(kept.count == 1)   // the fourth started it over
    }

    @Test func jsonTextEscapesWhatJSONRequires() throws {
        var out = JSONText(capacity: 16)
        out.string("a\"b\\c\nd\u{01}е/")
        #expect(String(decoding: out.bytes, as: UTF8.self) == #""a\"b\\c\nd\u0001е/""#)
        #expect([0.873, 1, -2, .infinity, .nan].map(JSONText.numberText) == ["0.873", "1", "-2", "0", "0"])
    }
}
