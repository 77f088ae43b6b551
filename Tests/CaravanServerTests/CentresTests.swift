import CaravanCentres
import CaravanDomain
import CaravanPermits
@testable import CaravanServer
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// The centres end to end: the family's biometrics in Tashkent time with calendar files, the desk, the fingerprint
/// item on the permit case; a Russian test verifying the profile's level; the last seats under parallel bookings.
@Suite struct CentresTests {
    struct Problem: Decodable {
        struct FieldError: Decodable {
            let field: String
            let code: String
            let message: String
        }

        struct Next: Decodable {
            let start: String
            let label: String
        }

        let type: String
        let errors: [FieldError]?
        let nextFreeSlots: [Next]?
        let detail: String?
    }

    struct Booking: Decodable {
        let id: String
        let person: String
        let start: String
        let local: String
        let status: String
    }

    struct Bookings: Decodable { let bookings: [Booking] }

    struct Slot: Decodable {
        let start: String
        let local: String
        let free: Int
    }

    struct Slots: Decodable { let slots: [Slot] }

    /// A centre staff account at Tashkent, signed in on the web; its API token.
    func staff(_ app: Application) async throws -> (WebClient, String) {
        var admin = try await User.query(on: app.db).filter(\.$role == Role.admin.rawValue).first()
        if admin == nil {
            admin = try await AccountService(app: app).create(.init(email: "admin@example.org", password: "correct horse", displayName: "Admin", role: "admin"),
                                                              by: nil, asOperator: true)
        }
        _ = try await AccountService(app: app).create(.init(email: "desk@example.org", password: "correct horse", displayName: "Нодира Юсупова", role: "centre_staff"), by: admin)
        let adminToken = try await app.token(email: "admin@example.org")
        #expect(try await app.api(.PUT, "/centres/tashkent/staff", raw: #"{"email":"desk@example.org"}"#, token: adminToken).status == .noContent)
        let web = WebClient(app, acceptLanguage: "en")
        try await web.get("/signin")
        try await web.post("/signin", form: ["email": "desk@example.org", "password": "correct horse"])
        return (web, try await app.token(email: "desk@example.org"))
    }

    @Test func aFamilyBooksBiometricsInTashkentTimeAndTheVisitAcceptsTheFingerprintsOnThePermitCase() async throws {
        let clock = TestClock()
        let mail = RecordingMailSender()
        try await withTestApp(clock: clock, mail: mail) { app in
            let (aziz, _, _, _, application) = try await PermitTests().hired(app)
            try await aziz.get("/permits")
            #expect(try await aziz.post("/permits/open", form: ["application": application]).status == .seeOther)
            let caseID = try #require(try await PermitCase.query(on: app.db).first()?.requireID())

            // Anyone may look: the centres and the free slots, on the centre's clock with the zone named.
            let anonymous = WebClient(app, acceptLanguage: "en")
            let list = try await anonymous.get("/centres")
            #expect(list.status == .ok)
            #expect(list.text.contains("Tashkent") && list.text.contains("Dushanbe") && list.text.contains("Bishkek"))
            #expect(list.text.contains("Tashkent time, UTC+5"))
            let slots = try await app.api(.GET, "/centres/tashkent/slots?service=biometrics&days=14")
            #expect(slots.status == .ok, "\(slots.text)")
            let free = try slots.json(Slots.self).slots
            let first = try #require(free.first)
            #expect(first.local.contains("(Tashkent time, UTC+5)") || first.local.contains("Ташкент"))

            // The whole family in one step, in consecutive slots; each gets a calendar file by e-mail.
            try await aziz.get("/centres/tashkent?service=biometrics")
            let booked = try await aziz.post("/centres/tashkent/bookings", form: [
                "service": "biometrics", "start": first.start, "persons[0]": "p0", "persons[1]": "p1", "persons[2]": "p2",
            ])
            #expect(booked.status == .seeOther, "\(booked.text.prefix(3000))")
            let bookings = try await CentreBooking.query(on: app.db).sort(\.$startsAt).all()
            #expect(bookings.map(\.person) == ["p0", "p1", "p2"])
            #expect(zip(bookings.dropFirst(), bookings).allSatisfy { $0.startsAt == $1.startsAt + 20 * 60 })
            let page = try await aziz.get("/appointments")
            #expect(page.text.contains("Дилноза Каримова") && page.text.contains("UTC+5"))
            let sent = await mail.sent.filter { $0.kind == "notice.centre.booked" }
            #expect(sent.count == 3)
            let ics = try #require(sent.first?.attachments.first)
            #expect(ics.filename == "appointment.ics" && ics.contentType.hasPrefix("text/calendar"))
            let text = String(decoding: ics.data, as: UTF8.self)
            #expect(text.hasPrefix("BEGIN:VCALENDAR\r\n") && text.contains("DTSTART:") && text.contains("Z\r\n") && text.contains("LOCATION:"))
            // The same file from the page, and through the API in the caller's language.
            let token = try await app.token(email: "aziz@example.uz")
            let download = try await aziz.get("/appointments/\(try bookings[0].requireID().uuidString.lowercased())/appointment.ics")
            #expect(download.headers.contentType?.subType == "calendar")
            let mine = try await app.api(.GET, "/me/centre-bookings", token: token).json(Bookings.self)
            #expect(mine.bookings.count == 3)

            // A second booking of the same person and service is refused; nothing more is saved.
            let again = try await app.api(.POST, "/centres/tashkent/bookings",
                                          raw: #"{"service":"biometrics","start":"\#(free[6].start)","persons":["p1"]}"#, token: token, language: "en")
            #expect(again.status == .unprocessableEntity)
            #expect(try again.json(Problem.self).errors?.first?.code == "centre.booking.alreadyBooked")
            #expect(try await CentreBooking.query(on: app.db).count() == 3)
            // Nor may one person be in two places at once: the test at the same time as his biometrics is refused.
            // (An identity check's quarter-hour slot that starts within his first biometrics slot.)
            let biometricsStart = try #require(CentreText.start(first.start))
            let identityStart = CentreText.rfc3339(biometricsStart - biometricsStart % 900)
            let clash = try await app.api(.POST, "/centres/tashkent/bookings",
                                          raw: #"{"service":"identity_verification","start":"\#(identityStart)","persons":["p0"]}"#, token: token, language: "en")
            #expect(clash.status == .unprocessableEntity)
            let overlap = try clash.json(Problem.self).errors?.first
            #expect(overlap?.code == "centre.booking.overlaps")
            #expect(overlap?.message.contains("Biometrics") == true && overlap?.message.contains("UTC+5") == true, "\(overlap?.message ?? "")")

            // The visit: staff see the day's queue at their centre, mark arrivals and the visits done.
            let (desk, deskToken) = try await staff(app)
            clock.advance(by: TimeInterval(bookings[0].startsAt) - clock.now.timeIntervalSince1970 - 600)
            let day = CalendarDate(Date(timeIntervalSince1970: TimeInterval(bookings[0].startsAt)), in: TimeZone(identifier: "Asia/Tashkent")!)
            let queue = try await desk.get("/centre-desk?day=\(day)")
            #expect(queue.text.contains("Дилноза Каримова") && queue.text.contains("Тимур Каримов"))
            for booking in bookings {
                let id = try booking.requireID().uuidString.lowercased()
                #expect(try await desk.post("/centre-desk/bookings/\(id)/status", form: ["status": "arrived"]).status == .seeOther)
                let done = try await app.api(.PUT, "/centre-desk/bookings/\(id)/status", raw: #"{"status":"done"}"#, token: deskToken)
                #expect(done.status == .ok, "\(done.text)")
            }
            // A mark out of order is refused with the status it is in.
            let twice = try await app.api(.PUT, "/centre-desk/bookings/\(try bookings[0].requireID().uuidString.lowercased())/status",
                                          raw: #"{"status":"arrived"}"#, token: deskToken)
            #expect(twice.status == .conflict)

            // The fingerprint registration of every person on the case is accepted, with the centre's record as evidence.
            let stored = try #require(try await PermitCase.find(caseID, on: app.db))
            #expect(stored.persons.allSatisfy { $0.documents.contains("fingerprint_registration") })
            let files = try await PermitDocumentFile.query(on: app.db).filter(\.$kind == "fingerprint_registration").all()
            #expect(files.count == 3 && files.allSatisfy { $0.status == "accepted" && $0.source?.hasPrefix("centre-booking:") == true })
            let casePage = try await aziz.get("/permits/\(caseID.uuidString.lowercased())")
            #expect(casePage.status == .ok)
            // Each result went to the audit chain with its booking.
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "centre.marked").count() == 3)
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "centre.result-recorded").count() == 3)
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "permit.document-accepted").count() >= 3)
        }
    }

    @Test func aPassedTestVerifiesTheRussianLevelThatTheEmployerSees() async throws {
        let clock = TestClock()
        try await withTestApp(clock: clock) { app in
            _ = try await PermitTests().hired(app)
            let token = try await app.token(email: "aziz@example.uz")
            let slot = try #require(try await app.api(.GET, "/centres/tashkent/slots?service=russian_test&days=14").json(Slots.self).slots.first)
            let booked = try await app.api(.POST, "/centres/tashkent/bookings", raw: #"{"service":"russian_test","start":"\#(slot.start)","persons":["p0"]}"#, token: token)
            #expect(booked.status == .created, "\(booked.text)")
            let id = try booked.json(Bookings.self).bookings[0].id
            let (_, desk) = try await staff(app)

            // No result for someone the centre has not seen.
            let early = try await app.api(.PUT, "/centre-desk/bookings/\(id)/result", raw: #"{"level":"trki2","marks":{"reading":80,"writing":80,"grammar_vocabulary":80,"listening":80,"speaking":80}}"#, token: desk)
            #expect(early.status == .conflict)
            let start = try #require(try await CentreBooking.query(on: app.db).first()?.startsAt)
            clock.advance(by: TimeInterval(start) - clock.now.timeIntervalSince1970 - 60)
            #expect(try await app.api(.PUT, "/centre-desk/bookings/\(id)/status", raw: #"{"status":"arrived"}"#, token: desk).status == .ok)

            // Marks outside 0–100 and missing ones are each named, in the caller's language; nothing is saved.
            let bad = try await app.api(.PUT, "/centre-desk/bookings/\(id)/result", raw: #"{"level":"trki2","marks":{"reading":101,"writing":-5,"listening":70,"speaking":70}}"#, token: desk, language: "en")
            #expect(bad.status == .unprocessableEntity)
            let fields = Set(try bad.json(Problem.self).errors?.map(\.field) ?? [])
            #expect(fields == ["marks.reading", "marks.writing", "marks.grammar_vocabulary"])
            #expect(try await CentreResult.query(on: app.db).count() == 0)

            let passed = try await app.api(.PUT, "/centre-desk/bookings/\(id)/result", raw: #"{"level":"trki2","marks":{"reading":80,"writing":70,"grammar_vocabulary":66,"listening":90,"speaking":75}}"#, token: desk)
            #expect(passed.status == .ok, "\(passed.text)")
            let result = try #require(try await CentreResult.query(on: app.db).first())
            #expect(result.passed && result.cefr == "B2")
            #expect(CertificateNumber.isValid(try #require(result.certificate)))

            // The profile's level is verified and no longer the specialist's to edit.
            let profile = try #require(try await SpecialistProfile.query(on: app.db).all().first { $0.russianVerifiedLevel != nil })
            #expect(profile.russianVerifiedLevel == "B2" && profile.russianLevel == "B2" && profile.russianCertificate == result.certificate)
            let edit = try await app.api(.PUT, "/profile", raw: #"{"citizenship":"UZ","city":"Ташкент","russianLevel":"C2"}"#, token: token)
            #expect(edit.status == .unprocessableEntity)
            #expect(try edit.json(Problem.self).errors?.first?.code == "profile.russianVerified")

            // The employer sees the difference in the candidate list.
            let hrWeb = WebClient(app, acceptLanguage: "en")
            try await hrWeb.get("/signin")
            try await hrWeb.post("/signin", form: ["email": "hr@kazan.example", "password": "correct horse"])
            let search = try await hrWeb.get("/search/specialists?q=java")
            #expect(search.text.contains("verified by a test"), "\(search.text.prefix(200))")
            struct Candidates: Decodable {
                struct Candidate: Decodable {
                    let name: String
                    let russianLevel: String?
                    let russianVerified: Bool?
                }

                let candidates: [Candidate]
            }
            // He will move for work (the vacancy is in Kazan); saving the same verified level is fine.
            let moving = #"{"citizenship":"UZ","city":"Ташкент","russianLevel":"B2","relocation":true,"skills":[{"skill":"java","level":4,"years":6}]}"#
            #expect(try await app.api(.PUT, "/profile", raw: moving, token: token).status == .ok)
            let hrToken = try await app.token(email: "hr@kazan.example")
            struct Identified: Decodable { let id: String }
            let javaOnly = VacanciesTests.javaVacancy.replacingOccurrences(of: #",{"skill":"spring-boot","level":3}"#, with: "")
            let posted = try await app.api(.POST, "/vacancies", raw: javaOnly, token: hrToken)
            #expect(posted.status == .created, "\(posted.text)")
            let vacancy = try #require(UUID(uuidString: try posted.json(Identified.self).id))
            let ranked = try await app.api(.GET, "/vacancies/\(vacancy.uuidString.lowercased())/candidates", token: hrToken).json(Candidates.self)
            let verified = ranked.candidates.filter { $0.russianVerified == true }
            if verified.count != 1 { Issue.record("candidates: \(ranked.candidates)") }
            #expect(verified.first?.russianLevel == "B2")
            let card = try await hrWeb.get("/vacancies/\(vacancy.uuidString.lowercased())")
            #expect(card.text.contains("verified by a test"))
        }
    }

    @Test func badBookingsEachGetTheirOwnAnswerAndChangeNothing() async throws {
        try await withTestApp { app in
            _ = try await app.signUp(email: "a@example.uz", name: "Азиз")
            let token = try await app.token(email: "a@example.uz")
            func book(_ body: String) async throws -> (HTTPStatus, String?) {
                let response = try await app.api(.POST, "/centres/tashkent/bookings", raw: body, token: token, language: "en")
                return (response.status, try? response.json(Problem.self).errors?.first?.code)
            }
            let slot = try #require(try await app.api(.GET, "/centres/tashkent/slots?service=biometrics").json(Slots.self).slots.first)
            #expect(try await book(#"{"service":"biometrics","start":"2020-01-06T04:00:00Z","persons":["p0"]}"#) == (.unprocessableEntity, "centre.booking.inThePast"))
            // 1 January is a holiday in Uzbekistan; 03:00 UTC is 08:00 in Tashkent, before opening; a Sunday is closed.
            #expect(try await book(#"{"service":"biometrics","start":"2027-01-01T05:00:00Z","persons":["p0"]}"#) == (.unprocessableEntity, "centre.booking.holiday"))
            #expect(try await book(#"{"service":"biometrics","start":"2027-01-05T03:00:00Z","persons":["p0"]}"#) == (.unprocessableEntity, "centre.booking.outsideHours"))
            #expect(try await book(#"{"service":"biometrics","start":"2027-01-10T05:00:00Z","persons":["p0"]}"#) == (.unprocessableEntity, "centre.booking.closedThatDay"))
            #expect(try await book(#"{"service":"biometrics","start":"\#(slot.start)","persons":["p3"]}"#) == (.unprocessableEntity, "centre.booking.unknownPerson"))
            #expect(try await book(#"{"service":"biometrics","start":"2099-01-05T05:00:00Z","persons":["p0"]}"#) == (.unprocessableEntity, "centre.booking.yearNotCovered"))
            let unknown = try await app.api(.POST, "/centres/almaty/bookings", raw: #"{"service":"biometrics","start":"\#(slot.start)","persons":["p0"]}"#, token: token)
            #expect(unknown.status == .notFound)
            #expect(try await CentreBooking.query(on: app.db).count() == 0)
            #expect(try await CentreSlot.query(on: app.db).all().allSatisfy { $0.booked == 0 })
            // A Dushanbe booking, seen in Dushanbe time; the employer may not book.
            try await app.signUp(email: "hr@example.ru", name: "HR", role: "employer")
            let hr = try await app.token(email: "hr@example.ru")
            #expect(try await app.api(.POST, "/centres/tashkent/bookings", raw: #"{"service":"biometrics","start":"\#(slot.start)","persons":["p0"]}"#, token: hr).status == .forbidden)
        }
    }

    /// Many specialists at once for the last seats of one slot: exactly as many succeed as there are desks, every
    /// other one is told the slot is full with the next free starts, and the stored count equals the bookings.
    @Test func theLastSeatsGoToExactlyAsManyAsThereAreUnderParallelBookings() async throws {
        try await withTestApp { app in
            let count = 24
            var users: [User] = []
            for index in 0..<count {
                try await app.signUp(email: "s\(index)@example.uz", name: "Специалист \(index)")
                users.append(try #require(try await User.query(on: app.db).filter(\.$email == "s\(index)@example.uz").first()))
            }
            let service = CentreBookingService(app: app, database: app.db)
            let tashkent = try #require(app.centres.centre("tashkent"))
            // A slot two days ahead, so a winner may still cancel it afterwards.
            let later = Int(app.dependencies.now().timeIntervalSince1970) + 2 * 86_400
            let start = try #require(try await service.nextFree(.biometrics, at: tashkent, after: later, limit: 1).first).start
            let desks = try #require(tashkent.offer(.biometrics)).desks
            let outcomes = await withTaskGroup(of: Result<Void, any Error>.self) { group in
                for user in users {
                    group.addTask {
                        do {
                            _ = try await service.book(BookingRequest(centre: "tashkent", service: "biometrics", start: start, persons: ["p0"]), by: user)
                            return .success(())
                        } catch { return .failure(error) }
                    }
                }
                var all: [Result<Void, any Error>] = []
                for await outcome in group { all.append(outcome) }
                return all
            }
            let wins = outcomes.filter { if case .success = $0 { true } else { false } }.count
            #expect(wins == desks)
            for case .failure(let error) in outcomes {
                guard case AppError.slotFull(let next) = error else { Issue.record("not a full slot: \(error)"); continue }
                #expect(!next.isEmpty && next.allSatisfy { $0.start > start })
            }
            let stored = try #require(try await CentreSlot.query(on: app.db).filter(\.$startsAt == start).first())
            #expect(stored.booked == desks && stored.capacity == desks)
            #expect(try await CentreBooking.query(on: app.db).filter(\.$startsAt == start).count() == desks)
            // The full slot through the API: 409 with the next free starts, in words on the centre's clock.
            try await app.signUp(email: "late@example.uz", name: "Опоздавший")
            let late = try await app.api(.POST, "/centres/tashkent/bookings", raw: #"{"service":"biometrics","start":"\#(CentreText.rfc3339(start))","persons":["p0"]}"#,
                                         token: try await app.token(email: "late@example.uz"), language: "en")
            #expect(late.status == .conflict)
            let problem = try late.json(Problem.self)
            #expect(problem.type == "urn:caravan:problem:centre-slot-full")
            #expect(problem.nextFreeSlots?.isEmpty == false && problem.nextFreeSlots?.first?.label.contains("UTC+5") == true)
            // A cancellation frees the seat at once.
            let winner = try #require(try await CentreBooking.query(on: app.db).filter(\.$startsAt == start).first())
            let owner = try #require(try await User.find(winner.$user.id, on: app.db))
            _ = try await service.cancel(try winner.requireID(), by: owner)
            #expect(try await CentreSlot.query(on: app.db).filter(\.$startsAt == start).first()?.booked == desks - 1)
        }
    }

    /// Many specialists at once for a course of four seats: exactly four hold a seat, the rest queue in order; a
    /// seat freed goes to the first in the queue, who is told; the teacher marks attendance and completion.
    @Test func aCourseNeverHoldsMoreThanItsSeatsAndItsQueueMovesInOrder() async throws {
        try await withTestApp { app in
            let (_, deskToken) = try await staff(app)
            let created = try await app.api(.POST, "/courses", raw: #"{"title":"Русский для IT, B1","level":"B1","place":"tashkent","schedule":"Пн и Ср 18:00–20:00","startsOn":"2027-01-11","endsOn":"2027-03-31","capacity":4,"sponsored":true}"#, token: deskToken)
            #expect(created.status == .created, "\(created.text)")
            struct Identified: Decodable { let id: String }
            let courseID = try #require(UUID(uuidString: try created.json(Identified.self).id))
            // Another centre is not theirs; a course that ends before it starts is refused, field by field.
            let other = try await app.api(.POST, "/courses", raw: #"{"title":"X","level":"B1","place":"bishkek","schedule":"Пн","startsOn":"2027-01-11","endsOn":"2027-01-01","capacity":4}"#, token: deskToken)
            #expect(other.status == .unprocessableEntity)
            #expect(try other.json(Problem.self).errors?.first?.code == "course.otherCentre")

            var users: [User] = []
            for index in 0..<12 {
                try await app.signUp(email: "c\(index)@example.uz", name: "Студент \(index)")
                users.append(try #require(try await User.query(on: app.db).filter(\.$email == "c\(index)@example.uz").first()))
            }
            let service = CourseService(app: app, database: app.db)
            let outcomes = await withTaskGroup(of: String.self) { group in
                for user in users {
                    group.addTask {
                        do { return try await service.enrol(in: courseID, by: user).status } catch { return String(reflecting: error) }
                    }
                }
                var all: [String] = []
                for await outcome in group { all.append(outcome) }
                return all
            }
            #expect(outcomes.filter { $0 == "enrolled" }.count == 4, "\(outcomes)")
            #expect(outcomes.filter { $0 == "waiting" }.count == 8)
            #expect(try await Course.find(courseID, on: app.db)?.enrolled == 4)
            let positions = try await CourseEnrolment.query(on: app.db).filter(\.$courseID == courseID).all().map(\.position).sorted()
            #expect(positions == Array(1...12))

            // A seat freed goes to the first waiting, in the same transaction.
            let seated = try await CourseEnrolment.query(on: app.db).filter(\.$status == "enrolled").first()
            let firstWaiting = try #require(try await CourseEnrolment.query(on: app.db).filter(\.$status == "waiting").sort(\.$position).first())
            let seatHolder = try #require(seated).$user.id
            let leaver = try #require(try await User.find(seatHolder, on: app.db))
            try await service.withdraw(from: courseID, by: leaver)
            #expect(try await CourseEnrolment.find(firstWaiting.id, on: app.db)?.status == "enrolled")
            #expect(try await Course.find(courseID, on: app.db)?.enrolled == 4)
            #expect(try await Notice.query(on: app.db).filter(\.$kind == "notice.course.promoted").count() == 1)

            // The teacher marks a day (inside the course's dates only) and the completion, which points to the test.
            let enrolmentID = try #require(firstWaiting.id).uuidString.lowercased()
            let outside = try await app.api(.POST, "/course-enrolments/\(enrolmentID)/marks", raw: #"{"day":"2026-01-05"}"#, token: deskToken)
            #expect(outside.status == .unprocessableEntity)
            #expect(try await app.api(.POST, "/course-enrolments/\(enrolmentID)/marks", raw: #"{"day":"2027-01-13"}"#, token: deskToken).status == .noContent)
            #expect(try await app.api(.POST, "/course-enrolments/\(enrolmentID)/marks", raw: #"{"completed":true}"#, token: deskToken).status == .noContent)
            let done = try #require(try await CourseEnrolment.find(firstWaiting.id, on: app.db))
            #expect(done.status == "completed" && done.attended == ["2027-01-13"])
            let notice = try #require(try await Notice.query(on: app.db).filter(\.$kind == "notice.course.completed").first())
            #expect(notice.link.contains("service=russian_test"))
            // Completing freed a seat: the next in the queue has it.
            #expect(try await Course.find(courseID, on: app.db)?.enrolled == 4)
        }
    }

    /// An identity checked in person is recorded on the person and shown at their later visits as the evidence.
    @Test func anIdentityCheckedInPersonIsTheEvidenceAtLaterVisits() async throws {
        let clock = TestClock()
        try await withTestApp(clock: clock) { app in
            try await app.signUp(email: "id@example.uz", name: "Бахтиёр Юсупов")
            let token = try await app.token(email: "id@example.uz")
            let (desk, deskToken) = try await staff(app)
            let slots = try await app.api(.GET, "/centres/tashkent/slots?service=identity_verification&days=14").json(Slots.self).slots
            let first = try #require(slots.first)
            let booked = try await app.api(.POST, "/centres/tashkent/bookings", raw: #"{"service":"identity_verification","start":"\#(first.start)","persons":["p0"]}"#, token: token)
            let id = try booked.json(Bookings.self).bookings[0].id
            let start = try #require(CentreText.start(first.start))
            clock.advance(by: TimeInterval(start) - clock.now.timeIntervalSince1970 - 60)
            #expect(try await app.api(.PUT, "/centre-desk/bookings/\(id)/status", raw: #"{"status":"arrived"}"#, token: deskToken).status == .ok)
            #expect(try await app.api(.PUT, "/centre-desk/bookings/\(id)/status", raw: #"{"status":"done"}"#, token: deskToken).status == .ok)
            #expect(try await SpecialistProfile.query(on: app.db).all().contains { $0.identityVerifiedAt != nil })
            // A later visit (biometrics, a week on) shows the check beside the person at the desk.
            let later = try #require(try await app.api(.GET, "/centres/tashkent/slots?service=biometrics&days=14").json(Slots.self).slots
                .first { (CentreText.start($0.start) ?? 0) > start + 5 * 86_400 })
            #expect(try await app.api(.POST, "/centres/tashkent/bookings", raw: #"{"service":"biometrics","start":"\#(later.start)","persons":["p0"]}"#, token: token).status == .created)
            let day = CalendarDate(Date(timeIntervalSince1970: TimeInterval(try #require(CentreText.start(later.start)))), in: TimeZone(identifier: "Asia/Tashkent")!)
            let page = try await desk.get("/centre-desk?day=\(day)")
            #expect(page.text.contains("Identity verified at a centre (Tashkent"), "\(page.text.prefix(300))")
        }
    }
}
