import CaravanAllocation
import CaravanDomain
import CaravanPermits
@testable import CaravanServer
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// Study grants through the API as the ministry, the centres, a university and the students would use them: the
/// catalogue and a round with its seed, every bad input refused with its own code and nothing saved, applications
/// and scores, freezing, the run published and re-run to the same digest from the published input, why not in
/// words, answers, the course of study and retention; the races on both databases; and the pages in both languages.
@Suite(.serialized) struct GrantsTests {
    struct Round: Decodable {
        struct Outcome: Decodable {
            let programme: String
            let admitted: String
            let cutoff: Int?
        }

        let id: String
        let status: String
        let seed: String
        let windowOpen: Bool
        let inputDigest: String?
        let resultDigest: String?
        let programmes: [Outcome]
    }

    struct Programme: Decodable {
        let id: String
        let districtGroup: String
    }

    struct University: Decodable {
        let id: String
    }

    struct Reason: Decodable {
        let programme: String
        let reason: String
        let message: String
        let ceiling: Int?
        let yourScore: Int?
    }

    struct Application: Decodable {
        let id: String
        let number: String
        let status: String
        let programme: String?
        let scores: [String: Int]
        let whyNot: [Reason]?
    }

    struct Problem: Decodable {
        struct Field: Decodable {
            let field: String
            let code: String
            let message: String
        }

        let type: String
        let errors: [Field]?
    }

    static func codes(_ response: TestingHTTPResponse) -> [String] {
        ((try? response.json(Problem.self))?.errors ?? []).map(\.code)
    }

    static func type(_ response: TestingHTTPResponse) -> String {
        (try? response.json(Problem.self))?.type ?? response.text
    }

    struct Cast {
        let admin: String
        let centre: String
        let admissions: String
        let students: [(email: String, token: String)]
    }

    /// An admin, centre staff, an admissions account and `students` specialists.
    static func cast(_ app: Vapor.Application, students: Int) async throws -> Cast {
        let admin = try await AccountService(app: app).create(
            .init(email: "admin@example.org", password: "correct horse", displayName: "Admin", role: "admin"), by: nil, asOperator: true)
        for (email, role) in [("centre@example.org", Role.centreStaff), ("admissions@example.org", .universityAdmissions)] {
            _ = try await AccountService(app: app).create(.init(email: email, password: "correct horse", displayName: "Staff", role: role.rawValue), by: admin)
        }
        var people: [(String, String)] = []
        for index in 0..<students {
            let email = "student\(index)@example.uz"
            try await app.signUp(email: email, name: "Студент \(index)")
            people.append((email, try await app.token(email: email)))
        }
        return Cast(admin: try await app.token(email: "admin@example.org"), centre: try await app.token(email: "centre@example.org"),
                    admissions: try await app.token(email: "admissions@example.org"), students: people)
    }

    static func today(_ clock: TestClock) -> CalendarDate { CalendarDate(clock.now, in: PermitRegistry.moscow) }

    /// Two universities (Moscow, Kazan) with five bachelor's programmes and a master's; returns the programme ids in
    /// order: three in Moscow, two in Kazan, the master's in Kazan.
    static func catalogue(_ app: Vapor.Application, _ cast: Cast) async throws -> [String] {
        var ids: [String] = []
        for (name, city, group) in [("МГТУ", "Москва", "moscow"), ("КАИ", "Казань", "volga")] {
            let made = try await app.api(.POST, "/grants/universities", raw: #"{"name":"\#(name)","city":"\#(city)","districtGroup":"\#(group)"}"#,
                                         token: cast.admin)
            #expect(made.status == .created, "\(made.text)")
            let university = try made.json(University.self).id
            let count = group == "moscow" ? 3 : 2
            for index in 0..<count {
                let programme = try await app.api(.POST, "/grants/universities/\(university)/programmes",
                                                  raw: #"{"name":"Программная инженерия \#(index)","field":"09.03.04","level":"bachelor","language":"ru","seats":2,"weights":{"math":2,"russian":1}}"#,
                                                  token: cast.admin)
                #expect(programme.status == .created, "\(programme.text)")
                ids.append(try programme.json(Programme.self).id)
            }
            if group == "volga" {
                let master = try await app.api(.POST, "/grants/universities/\(university)/programmes",
                                               raw: #"{"name":"Магистратура","field":"09.04.04","level":"master","language":"en","seats":5,"weights":{"math":1}}"#,
                                               token: cast.admin)
                ids.append(try master.json(Programme.self).id)
                // Admissions act for this university.
                let assigned = try await app.api(.PUT, "/grants/universities/\(university)/staff", raw: #"{"email":"admissions@example.org"}"#, token: cast.admin)
                #expect(assigned.status == .noContent, "\(assigned.text)")
            }
        }
        return ids
    }

    /// An open round (window from yesterday for ten days, answers for twenty) with ceilings for UZ and KG.
    static func openRound(_ app: Vapor.Application, _ cast: Cast, clock: TestClock, title: String, programmes: [String]) async throws -> String {
        let today = Self.today(clock)
        let made = try await app.api(.POST, "/grants/rounds", raw: #"""
        {"title":"\#(title)","opensOn":"\#(today.adding(days: -1))","closesOn":"\#(today.adding(days: 10))","answerUntil":"\#(today.adding(days: 20))","quotas":{"UZ":20,"KG":20}}
        """#, token: cast.admin)
        #expect(made.status == .created, "\(made.text)")
        let round = try made.json(Round.self)
        #expect(round.seed.count == 64 && round.windowOpen)
        let rows = programmes.flatMap { id in ["UZ", "KG"].map { #"{"programme":"\#(id)","country":"\#($0)","ceiling":\#($0 == "UZ" && id == programmes[1] ? 1 : 2)}"# } }
        let set = try await app.api(.PUT, "/grants/rounds/\(round.id)/ceilings", raw: #"{"rows":[\#(rows.joined(separator: ","))]}"#, token: cast.admin)
        #expect(set.status == .ok, "\(set.text)")
        return round.id
    }

    static func apply(_ app: Vapor.Application, round: String, token: String, country: String = "UZ", level: String = "bachelor",
                      choices: [String]) async throws -> TestingHTTPResponse {
        let list = choices.map { "\"\($0)\"" }.joined(separator: ",")
        return try await app.api(.PUT, "/grants/rounds/\(round)/application",
                                 raw: #"{"name":"Студент","country":"\#(country)","level":"\#(level)","schoolCertificate":"AT 1234567","choices":[\#(list)]}"#,
                                 token: token)
    }

    @Test func aRoundIsAppliedToRunPublishedExplainedAndFollowedToGraduation() async throws {
        let clock = TestClock()
        try await withTestApp(clock: clock) { app in
            let cast = try await Self.cast(app, students: 3)
            let p = try await Self.catalogue(app, cast)

            // Ceilings too large to add up are refused, not a crash.
            let huge = try await app.api(.POST, "/grants/rounds", raw: #"""
            {"title":"huge","opensOn":"\#(Self.today(clock))","closesOn":"\#(Self.today(clock).adding(days: 5))","answerUntil":"\#(Self.today(clock).adding(days: 9))","quotas":{"UZ":3}}
            """#, token: cast.admin).json(Round.self)
            let overflow = try await app.api(.PUT, "/grants/rounds/\(huge.id)/ceilings",
                                             raw: #"{"rows":[{"programme":"\#(p[0])","country":"UZ","ceiling":9223372036854775000},{"programme":"\#(p[1])","country":"UZ","ceiling":9223372036854775000}]}"#,
                                             token: cast.admin)
            #expect(overflow.status == .unprocessableEntity || overflow.status == .badRequest, "\(overflow.text)")

            // Admissions change their own university's programme (Kazan), not another's; the level stays.
            let changed = try await app.api(.PUT, "/grants/programmes/\(p[3])", raw: #"{"seats":3,"weights":{"math":2,"russian":1}}"#, token: cast.admissions)
            #expect(changed.status == .ok, "\(changed.text)")
            #expect(try await app.api(.PUT, "/grants/programmes/\(p[0])", raw: #"{"seats":3,"weights":{"math":1}}"#, token: cast.admissions).status == .forbidden)
            let zero = try await app.api(.PUT, "/grants/programmes/\(p[3])", raw: #"{"seats":3,"weights":{"math":0}}"#, token: cast.admissions)
            #expect(Self.codes(zero) == ["allocation.weightsEmpty"], "\(zero.text)")
            #expect(try await app.api(.PUT, "/grants/programmes/GP-9999", raw: #"{"seats":3,"weights":{"math":1}}"#, token: cast.admin).status == .notFound)
            #expect(try await app.api(.PUT, "/grants/programmes/\(p[3])", raw: #"{"seats":2,"weights":{"math":2,"russian":1}}"#, token: cast.admin).status == .ok)

            // A round with dates the wrong way round, or a quota for no country, is refused whole.
            let backwards = try await app.api(.POST, "/grants/rounds", raw: #"{"title":"x","opensOn":"2027-02-01","closesOn":"2027-01-01","answerUntil":"2026-12-01","quotas":{"ZZ":5}}"#,
                                              token: cast.admin)
            #expect(backwards.status == .unprocessableEntity)
            #expect(Set(Self.codes(backwards)) == ["grant.closesBeforeOpening", "grant.answerBeforeClosing", "field.choice"], "\(backwards.text)")
            let round = try await Self.openRound(app, cast, clock: clock, title: "2027/2028", programmes: p)
            #expect(try await GrantRound.query(on: app.db).filter(\.$title == "x").count() == 0, "the refused round saved nothing")
            // A programme's places cannot drop below a ceiling the open round gives it.
            let below = try await app.api(.PUT, "/grants/programmes/\(p[0])", raw: #"{"seats":1,"weights":{"math":2}}"#, token: cast.admin)
            #expect(Self.codes(below) == ["allocation.ceilingOverSeats"], "\(below.text)")

            // Ceilings that name an unknown programme, or add up to more than a country's quota: nothing changes.
            let before = try await GrantCeiling.query(on: app.db).count()
            let unknown = try await app.api(.PUT, "/grants/rounds/\(round)/ceilings",
                                            raw: #"{"rows":[{"programme":"\#(p[0])","country":"UZ","ceiling":1},{"programme":"GP-9999","country":"UZ","ceiling":1}]}"#,
                                            token: cast.admin)
            #expect(Self.codes(unknown) == ["allocation.programmeUnknown"], "\(unknown.text)")
            let small = try await app.api(.POST, "/grants/rounds", raw: #"""
            {"title":"small","opensOn":"\#(Self.today(clock))","closesOn":"\#(Self.today(clock).adding(days: 5))","answerUntil":"\#(Self.today(clock).adding(days: 9))","quotas":{"UZ":3}}
            """#, token: cast.admin).json(Round.self)
            let quota = try await app.api(.PUT, "/grants/rounds/\(small.id)/ceilings",
                                          raw: #"{"rows":[{"programme":"\#(p[0])","country":"UZ","ceiling":2},{"programme":"\#(p[1])","country":"UZ","ceiling":2},{"programme":"\#(p[2])","country":"KG","ceiling":3}]}"#,
                                          token: cast.admin)
            #expect(Set(Self.codes(quota)) == ["allocation.ceilingsOverQuota", "allocation.quotaMissing", "allocation.ceilingOverSeats"], "\(quota.text)")
            #expect(try await GrantCeiling.query(on: app.db).count() == before)

            // Each bad application gets its own answer, and nothing is saved.
            let (first, second, third) = (cast.students[0].token, cast.students[1].token, cast.students[2].token)
            let seven = try await Self.apply(app, round: round, token: first, choices: [p[0], p[1], p[3], p[4], p[5], p[2], "GP-9999"])
            #expect(Self.codes(seven).contains("allocation.tooManyChoices"), "\(seven.text)")
            let threeInMoscow = try await Self.apply(app, round: round, token: first, choices: [p[0], p[1], p[2]])
            #expect(Self.codes(threeInMoscow) == ["allocation.groupFull"], "\(threeInMoscow.text)")
            let level = try await Self.apply(app, round: round, token: first, choices: [p[5]])
            #expect(Self.codes(level) == ["allocation.levelMismatch"], "\(level.text)")
            let country = try await Self.apply(app, round: round, token: first, country: "KZ", choices: [p[0]])
            #expect(Self.codes(country) == ["grant.countryNoQuota"], "\(country.text)")
            let russianWords = try await app.api(.PUT, "/grants/rounds/\(round)/application",
                                                 raw: #"{"name":"С","country":"UZ","level":"bachelor","schoolCertificate":"1","choices":["\#(p[0])","\#(p[0])"]}"#,
                                                 token: first, language: "ru")
            #expect((try russianWords.json(Problem.self)).errors?.first?.message.contains("дважды") == true, "\(russianWords.text)")
            #expect(try await app.api(.GET, "/grants/applications", token: first).json([Application].self).isEmpty)

            // Three students apply; the first and second want the same Moscow programme (one UZ place there).
            let firstApplied = try await Self.apply(app, round: round, token: first, choices: [p[1], p[0], p[3]])
            #expect(firstApplied.status == .ok, "\(firstApplied.text)")
            #expect(try await Self.apply(app, round: round, token: second, choices: [p[1], p[3]]).status == .ok)
            #expect(try await Self.apply(app, round: round, token: third, country: "KG", choices: [p[4]]).status == .ok)
            let applications = try await [first, second, third].asyncMap { try await app.api(.GET, "/grants/applications", token: $0).json([Application].self)[0] }

            // Scores: the centre records any; admissions only those that rank their university (Kazan).
            let outOfScale = try await app.api(.PUT, "/grants/applications/\(applications[0].id)/scores", raw: #"{"scores":{"math":101}}"#, token: cast.centre)
            #expect(outOfScale.status == .badRequest || Self.codes(outOfScale) == ["allocation.scoreOutOfScale"], "\(outOfScale.text)")
            #expect(try await app.api(.PUT, "/grants/applications/\(applications[0].id)/scores", raw: #"{"scores":{"math":60,"russian":70}}"#, token: cast.centre).status == .ok)
            #expect(try await app.api(.PUT, "/grants/applications/\(applications[1].id)/scores", raw: #"{"scores":{"math":90,"russian":80}}"#, token: cast.admissions).status == .ok)

            // The window closes: the input is fixed and its digest published; applying is refused after.
            #expect(try await app.api(.GET, "/grants/rounds/\(round)/input").status == .conflict)
            let frozen = try await app.api(.POST, "/grants/rounds/\(round)/freeze", token: cast.admin)
            #expect(frozen.status == .ok, "\(frozen.text)")
            let late = try await Self.apply(app, round: round, token: first, choices: [p[0]])
            #expect(Self.type(late) == "urn:caravan:problem:grant-window-closed", "\(late.text)")
            #expect(try await app.api(.PUT, "/grants/applications/\(applications[0].id)/scores", raw: #"{"scores":{"math":99}}"#, token: cast.centre).status == .conflict)

            // Run and publish, once.
            let published = try await app.api(.POST, "/grants/rounds/\(round)/run", token: cast.admin)
            #expect(published.status == .ok, "\(published.text)")
            #expect(try await app.api(.POST, "/grants/rounds/\(round)/run", token: cast.admin).status == .conflict)
            let public_ = try published.json(Round.self)
            #expect(public_.status == "published")
            #expect(public_.programmes.allSatisfy { $0.admitted == "≤15" }, "small counts are suppressed")

            // The published input re-runs to the published result; an altered input says its digest differs.
            let inputText = try await app.api(.GET, "/grants/rounds/\(round)/input").text
            var input = try JSONDecoder().decode(AllocationInput.self, from: Data(inputText.utf8))
            #expect(input.digest == public_.inputDigest)
            #expect(input.applicants.allSatisfy { !$0.id.contains("@") } && !inputText.contains("Студент") && !inputText.contains("AT 1234567"),
                    "the input is anonymised")
            #expect(try Allocation.run(input).0.digest == public_.resultDigest)
            input.applicants[0].scores["math"] = 100
            #expect(input.digest != public_.inputDigest)

            // The second student (90 in maths) took the one UZ place at p[1]; the first learns why, in figures and words.
            let mine = try await app.api(.GET, "/grants/applications", token: first, language: "en").json([Application].self)[0]
            #expect(mine.status == "placed" && mine.programme == p[0], "\(mine)")
            let reason = try #require(mine.whyNot?.first)
            #expect(reason.programme == p[1] && reason.reason == "country-ceiling" && reason.ceiling == 1 && reason.yourScore == 190)
            #expect(reason.message.contains("Uzbekistan") && reason.message.contains("190"), "\(reason.message)")
            let russian = try await app.api(.GET, "/grants/applications", token: first, language: "ru").json([Application].self)[0]
            #expect(russian.whyNot?.first?.message.contains("Узбекистан") == true)
            #expect(try await app.api(.GET, "/grants/applications", token: third).json([Application].self)[0].status == "placed")

            // Answers: someone else's is hidden; one answer only.
            let secondApp = try await app.api(.GET, "/grants/applications", token: second).json([Application].self)[0]
            #expect(try await app.api(.POST, "/grants/applications/\(secondApp.id)/answer", raw: #"{"accept":true}"#, token: first).status == .notFound)
            #expect(try await app.api(.POST, "/grants/applications/\(secondApp.id)/answer", raw: #"{"accept":true}"#, token: second).status == .ok)
            #expect(try await app.api(.POST, "/grants/applications/\(secondApp.id)/answer", raw: #"{"accept":false}"#, token: second).status == .conflict)
            #expect(try await app.api(.POST, "/grants/applications/\(mine.id)/answer", raw: #"{"accept":false}"#, token: first).status == .ok)
            let thirdApp = try await app.api(.GET, "/grants/applications", token: third).json([Application].self)[0]
            #expect(try await app.api(.POST, "/grants/applications/\(thirdApp.id)/answer", raw: #"{"accept":true}"#, token: third).status == .ok)

            // Admissions (Kazan) keep their student; the Moscow one is not theirs.
            let admitted = try await app.api(.GET, "/grants/admitted", token: cast.admissions).json([Application].self)
            #expect(admitted.map(\.id) == [thirdApp.id])
            #expect(try await app.api(.POST, "/grants/applications/\(secondApp.id)/status", raw: #"{"status":"enrolled"}"#, token: cast.admissions).status == .notFound)
            #expect(try await app.api(.POST, "/grants/applications/\(thirdApp.id)/status", raw: #"{"status":"graduated","graduatedOn":"2020-01-01"}"#,
                                      token: cast.admissions).status == .conflict)
            for status in ["enrolled", "studying"] {
                #expect(try await app.api(.POST, "/grants/applications/\(thirdApp.id)/status", raw: #"{"status":"\#(status)"}"#, token: cast.admissions).status == .ok)
            }
            let future = try await app.api(.POST, "/grants/applications/\(thirdApp.id)/status",
                                           raw: #"{"status":"graduated","graduatedOn":"\#(Self.today(clock).adding(days: 5))"}"#, token: cast.admissions)
            #expect(Self.codes(future) == ["grant.graduationInFuture"], "\(future.text)")
            #expect(try await app.api(.POST, "/grants/applications/\(thirdApp.id)/status",
                                      raw: #"{"status":"graduated","graduatedOn":"\#(Self.today(clock))"}"#, token: cast.admissions).status == .ok)

            // A second round only after the answers: it offers what nobody took up.
            let next = #"{"title":"2027/2028 second","opensOn":"\#(Self.today(clock).adding(days: 21))","closesOn":"\#(Self.today(clock).adding(days: 30))","answerUntil":"\#(Self.today(clock).adding(days: 40))","quotas":{"UZ":20,"KG":20}}"#
            #expect(Self.type(try await app.api(.POST, "/grants/rounds/\(round)/second-round", raw: next, token: cast.admin)) == "urn:caravan:problem:grant-answers-pending")
            clock.advance(by: 21 * 86_400)
            // Nobody is left unanswered here; a placed application would lapse now.
            #expect(try await GrantService(app: app, database: app.db).sweepLapsed() == 0)
            let second_ = try await app.api(.POST, "/grants/rounds/\(round)/second-round", raw: next, token: cast.admin)
            #expect(second_.status == .created, "\(second_.text)")
            let secondRound = try #require(try await GrantRound.find(UUID(uuidString: try second_.json(Round.self).id), on: app.db))
            #expect(secondRound.seats?[p[1]] == 1 && secondRound.seats?[p[4]] == 1 && secondRound.seats?[p[0]] == 2, "\(secondRound.seats ?? [:])")
            let again = next.replacingOccurrences(of: "2027/2028 second", with: "another second")
            #expect(Self.type(try await app.api(.POST, "/grants/rounds/\(round)/second-round", raw: again, token: cast.admin))
                == "urn:caravan:problem:grant-second-round-exists")
            // Its window opens: who took a place up in the first round is not eligible; who declined is.
            clock.advance(by: 86_400)
            let secondID = try #require(secondRound.id?.uuidString.lowercased())
            _ = try await app.api(.PUT, "/grants/rounds/\(secondID)/ceilings", raw: #"{"rows":[{"programme":"\#(p[0])","country":"UZ","ceiling":2}]}"#, token: cast.admin)
            #expect(Self.type(try await Self.apply(app, round: secondID, token: second, choices: [p[0]])) == "urn:caravan:problem:grant-not-eligible")
            #expect(try await Self.apply(app, round: secondID, token: first, choices: [p[0]]).status == .ok)

            // Retention at a year: the graduate is counted once the year has passed.
            clock.advance(by: 366 * 86_400)
            let retention = try await app.api(.GET, "/grants/rounds/\(round)/retention").text
            #expect(retention.contains(#""graduates":"≤15""#), "\(retention)")

            // Every decision is in the audit chain, with no name or certificate in it.
            let events = try await AuditEvent.query(on: app.db).filter(\.$action ~~ "grant.").all()
            #expect(Set(events.map(\.action)).isSuperset(of: ["grant.round-opened", "grant.ceilings-set", "grant.applied", "grant.scores-recorded",
                                                               "grant.round-frozen", "grant.round-published", "grant.accepted", "grant.graduated"]))
            #expect(!events.contains { $0.payload.contains("Студент") || $0.payload.contains("AT 1234567") })
        }
    }

    /// Parallel saves of one student's application leave one application; parallel freezes and runs publish once;
    /// parallel answers land once. On SQLite here and on PostgreSQL when `CARAVAN_TEST_DATABASE_URL` is set.
    @Test func racesLeaveOneApplicationOneRunAndOneAnswer() async throws {
        let clock = TestClock()
        try await withTestApp(clock: clock) { app in
            let cast = try await Self.cast(app, students: 1)
            let p = try await Self.catalogue(app, cast)
            let round = try await Self.openRound(app, cast, clock: clock, title: "race", programmes: p)
            let token = cast.students[0].token
            let saves = try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
                for index in 0..<8 {
                    group.addTask { try await Self.apply(app, round: round, token: token, choices: [p[index % 2 == 0 ? 0 : 3]]).status }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(saves.allSatisfy { $0 == .ok || $0 == .conflict }, "\(saves)")
            #expect(saves.contains(.ok))
            #expect(try await GrantApplication.query(on: app.db).count() == 1)

            let freezes = try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
                for _ in 0..<6 { group.addTask { try await app.api(.POST, "/grants/rounds/\(round)/freeze", token: cast.admin).status } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(freezes.filter { $0 == .ok }.count == 1 && freezes.filter { $0 == .conflict }.count == 5, "\(freezes)")
            let runs = try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
                for _ in 0..<6 { group.addTask { try await app.api(.POST, "/grants/rounds/\(round)/run", token: cast.admin).status } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(runs.filter { $0 == .ok }.count == 1 && runs.filter { $0 == .conflict }.count == 5, "\(runs)")
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "grant.round-published").count() == 1)

            let application = try await app.api(.GET, "/grants/applications", token: token).json([Application].self)[0]
            #expect(application.status == "placed")
            let answers = try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
                for index in 0..<6 {
                    group.addTask {
                        try await app.api(.POST, "/grants/applications/\(application.id)/answer", raw: #"{"accept":\#(index % 2 == 0)}"#, token: token).status
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(answers.filter { $0 == .ok }.count == 1, "\(answers)")
            // After the deadline, a place nobody answered lapses, once, even with two sweeps at once.
            let other = try await GrantApplication.query(on: app.db).first()
            other?.status = .placed
            try await other?.update(on: app.db)
            clock.advance(by: 30 * 86_400)
            async let one = GrantService(app: app, database: app.db).sweepLapsed()
            async let two = GrantService(app: app, database: app.db).sweepLapsed()
            #expect(try await one + two == 1)
            #expect(try await GrantApplication.query(on: app.db).first()?.status == .lapsed)
            #expect(try await AuditEvent.query(on: app.db).group(.or) { $0.filter(\.$action == "grant.accepted").filter(\.$action == "grant.declined") }.count() == 1)
        }
    }

    /// The pages, in Russian and English: the application form refuses a third choice in one district beside the
    /// form, in the reader's language, and saves nothing; saved, it says so; after the run the student reads why not.
    @Test(arguments: ["ru", "en"]) func thePagesSpeakBothLanguages(language: String) async throws {
        let clock = TestClock()
        try await withTestApp(clock: clock) { app in
            let cast = try await Self.cast(app, students: 2)
            let p = try await Self.catalogue(app, cast)
            let round = try await Self.openRound(app, cast, clock: clock, title: "pages", programmes: p)
            let browser = WebClient(app, acceptLanguage: language)
            _ = try await browser.get("/signin")
            #expect(try await browser.post("/signin", form: ["email": cast.students[0].email, "password": "correct horse"]).status == .seeOther)
            let form = try await browser.get("/grants/rounds/\(round)/application")
            #expect(form.status == .ok && form.text.contains(p[0]))
            let refused = try await browser.post("/grants/rounds/\(round)/application", form: [
                "name": "Студент", "country": "UZ", "level": "bachelor", "schoolCertificate": "AT 1", "choice1": p[0], "choice2": p[1], "choice3": p[2],
            ])
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.text.contains(language == "ru" ? "Не больше 2 программ в одном федеральном округе (Москва)" : "At most 2 choices in one federal district (Moscow)"),
                    "\(refused.text)")
            #expect(try await GrantApplication.query(on: app.db).count() == 0)
            let saved = try await browser.post("/grants/rounds/\(round)/application", form: [
                "name": "Студент", "country": "UZ", "level": "bachelor", "schoolCertificate": "AT 1", "choice1": p[1], "choice2": p[0],
            ])
            #expect(saved.status == .seeOther)
            #expect(try await Self.apply(app, round: round, token: cast.students[1].token, choices: [p[1]]).status == .ok)
            let rival = try await app.api(.GET, "/grants/applications", token: cast.students[1].token).json([Application].self)[0]
            #expect(try await app.api(.PUT, "/grants/applications/\(rival.id)/scores", raw: #"{"scores":{"math":100}}"#, token: cast.centre).status == .ok)
            #expect(try await app.api(.POST, "/grants/rounds/\(round)/freeze", token: cast.admin).status == .ok)
            #expect(try await app.api(.POST, "/grants/rounds/\(round)/run", token: cast.admin).status == .ok)
            let mine = try await browser.get("/grants/mine")
            #expect(mine.status == .ok)
            #expect(mine.text.contains(language == "ru" ? "Почему нет:" : "Why not:"), "\(mine.text)")
            #expect(mine.text.contains(language == "ru" ? "Узбекистан" : "Uzbekistan"))
            #expect(!mine.text.contains("grant.") && !mine.text.contains("country-ceiling"), "no raw keys")
            let public_ = try await WebClient(app, acceptLanguage: language).get("/grants/rounds/\(round)")
            #expect(public_.status == .ok && public_.text.contains("≤15") && public_.text.contains("caravan allocation run"))
            let file = try await WebClient(app).get("/grants/rounds/\(round)/input.json")
            #expect(file.status == .ok)
            let published = try #require(try await GrantRound.find(UUID(uuidString: round), on: app.db))
            #expect(Allocation.sha256(Data(file.body.readableBytesView)) == published.inputDigest, "the file's SHA-256 is the published digest")
        }
    }
}

extension GrantsTests {
    /// The ministry's split as a CSV on the admin page (a wrong header refused, nothing saved) and as a large API body
    /// (every programme by many countries: past the API's usual 64 KiB, within this operation's 2 MiB).
    @Test func ceilingsComeFromACSVOrALargeBody() async throws {
        let clock = TestClock()
        try await withTestApp(clock: clock) { app in
            let cast = try await Self.cast(app, students: 0)
            let p = try await Self.catalogue(app, cast)
            let round = try await Self.openRound(app, cast, clock: clock, title: "csv", programmes: p)
            let admin = WebClient(app, acceptLanguage: "en")
            _ = try await admin.get("/signin")
            #expect(try await admin.post("/signin", form: ["email": "admin@example.org", "password": "correct horse"]).status == .seeOther)
            _ = try await admin.get("/admin/grants")
            let before = try await GrantCeiling.query(on: app.db).count()
            let wrong = try await admin.post("/admin/grants/rounds/\(round)/ceilings", form: ["csv": "code,country,max\n\(p[0]),UZ,1"])
            #expect(wrong.status == .unprocessableEntity && wrong.text.contains("The first line must be: programme,country,ceiling"), "\(wrong.text)")
            #expect(try await GrantCeiling.query(on: app.db).count() == before)
            let csv = "programme,country,ceiling\n" + p.map { "\($0),UZ,1\n\($0),KG,2" }.joined(separator: "\n")
            #expect(try await admin.post("/admin/grants/rounds/\(round)/ceilings", form: ["csv": csv]).status == .seeOther)
            let roundID = try #require(UUID(uuidString: round))
            #expect(try await GrantCeiling.query(on: app.db).filter(\.$roundID == roundID).count() == p.count * 2)

            // Six programmes by every country code is about 75 KB: taken whole, each country without a
            // quota named, nothing saved.
            let codes = Locale.Region.isoRegions.map(\.identifier).filter { $0.count == 2 }
            let rows = p.flatMap { id in codes.map { #"{"programme":"\#(id)","country":"\#($0)","ceiling":0}"# } }
            let body = #"{"rows":[\#(rows.joined(separator: ","))]}"#
            #expect(body.utf8.count > 64 * 1024)
            let large = try await app.api(.PUT, "/grants/rounds/\(round)/ceilings", raw: body, token: cast.admin)
            #expect(large.status == .unprocessableEntity && Self.codes(large).contains("allocation.quotaMissing"), "\(large.status)")
        }
    }

    /// The access table's grants: a Kazan university whose admissions are `admissions@example.org`, a bachelor's
    /// programme there, an open round that `specialist` applied to, and a second round for freezing and running.
    static func fixture(_ app: Vapor.Application, specialist: User) async throws -> [String: String] {
        let admin = try #require(try await User.query(on: app.db).filter(\.$role == Role.admin.rawValue).first())
        let grants = GrantService(app: app, database: app.db)
        let university = try await grants.createUniversity(name: "КАИ", city: "Казань", districtGroup: "volga", by: admin)
        let universityID = try university.requireID()
        try await grants.assignStaff(email: "admissions@example.org", universityID: universityID, by: admin)
        let programme = try await grants.createProgramme(at: universityID, .init(name: "Программная инженерия", field: "09.03.04", level: "bachelor",
                                                                                 language: "ru", seats: 10, weights: ["math": 1]), by: admin)
        let today = grants.today
        func round(_ title: String) async throws -> UUID {
            let made = try await grants.createRound(.init(title: title, opensOn: today.adding(days: -1).description, closesOn: today.adding(days: 30).description,
                                                          answerUntil: today.adding(days: 60).description, quotas: ["UZ": 10]), by: admin)
            _ = try await grants.setCeilings(of: try made.requireID(), [.init(programme: programme.code, country: "UZ", ceiling: 5)], by: admin)
            return try made.requireID()
        }
        let open = try await round("access-open")
        let other = try await round("access-run")
        let application = try await grants.saveApplication(in: open, .init(name: "Азиз", country: "UZ", level: "bachelor", schoolCertificate: "AT 1",
                                                                           choices: [programme.code]), by: specialist)
        func text(_ id: UUID) -> String { id.uuidString.lowercased() }
        return ["grantRound": text(open), "grantRoundRun": text(other), "university": text(universityID), "grantApplication": text(try application.requireID()),
                "grantProgramme": programme.code]
    }
}

extension Array {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var results: [T] = []
        for element in self { results.append(try await transform(element)) }
        return results
    }
}
