import CaravanCentres
import CaravanDomain
import CaravanPermits
import Foundation
import Testing

/// A small world: one centre in Tashkent, a 2027 calendar with Navruz (a Sunday in 2027, so the centre's
/// Saturday hours are unaffected) and Independence Day, a transferred working Saturday.
enum Fixture {
    static let centre = Centre(
        id: "tashkent", code: "TAS", country: "UZ", timeZone: "Asia/Tashkent",
        city: LocalizedText(ru: "Ташкент", en: "Tashkent"), address: LocalizedText(ru: "ул. 1", en: "1 St"),
        hours: [
            "monday": OpeningHours(opens: LocalTime("09:00")!, closes: LocalTime("18:00")!),
            "tuesday": OpeningHours(opens: LocalTime("09:00")!, closes: LocalTime("18:00")!),
            "wednesday": OpeningHours(opens: LocalTime("09:00")!, closes: LocalTime("18:00")!),
            "thursday": OpeningHours(opens: LocalTime("09:00")!, closes: LocalTime("18:00")!),
            "friday": OpeningHours(opens: LocalTime("09:00")!, closes: LocalTime("17:00")!),
            "saturday": OpeningHours(opens: LocalTime("10:00")!, closes: LocalTime("14:00")!),
        ],
        services: [
            ServiceOffer(service: .biometrics, minutes: 20, desks: 2, changeCutoffHours: 12),
            ServiceOffer(service: .russianTest, minutes: 180, desks: 12, changeCutoffHours: 48),
        ]
    )

    static let calendar = try! WorkingDayCalendar([
        ProductionCalendarYear(
            country: "UZ", year: 2027, status: .provisional, source: "test",
            holidays: [.init(date: CalendarDate("2027-09-01")!, note: "Independence Day")],
            transferredDaysOff: [.init(date: CalendarDate("2027-09-02")!, note: "bridge")],
            transferredWorkingDays: [.init(date: CalendarDate("2027-09-05")!, note: "working Sunday")]
        ),
    ])

    static let limits = BookingLimits(activeBookingsPerAccount: 12, bookingsPerAccountPerDay: 8, bookingsPerAccountPerHour: 20)
    static let directory = try! CentreDirectory(centres: [centre], limits: limits, calendars: ["UZ": calendar])
    static let generator = SlotGenerator(directory: directory)
    static let rules = BookingRules(generator: generator)

    /// 1 March 2027 in Tashkent (UTC+5), a Monday.
    static let monday = CalendarDate("2027-03-01")!
    static let now = Date(timeIntervalSince1970: TimeInterval(SlotGenerator.moment(CalendarDate("2027-02-01")!, LocalTime("12:00")!, in: centre.zone)!))
}

@Suite struct SlotGenerationTests {
    @Test func slotsFollowHoursAndLengthOnTheCentresClock() throws {
        let slots = Fixture.generator.slots(.biometrics, at: Fixture.centre, on: Fixture.monday)
        // 09:00–18:00 in 20-minute slots: 27, the last at 17:40.
        #expect(slots.count == 27)
        #expect(slots.first?.localTime.description == "09:00")
        #expect(slots.last?.localTime.description == "17:40")
        // Tashkent is UTC+5 all year: 09:00 local is 04:00 UTC.
        let first = try #require(slots.first)
        #expect(first.start == Int(ISO8601DateFormatter().date(from: "2027-03-01T04:00:00Z")!.timeIntervalSince1970))
        #expect(slots.allSatisfy { $0.desks == 2 && $0.minutes == 20 })
        // A three-hour test fits three times into 09:00–18:00, and once into a Saturday's 10:00–14:00.
        #expect(Fixture.generator.slots(.russianTest, at: Fixture.centre, on: Fixture.monday).count == 3)
        #expect(Fixture.generator.slots(.russianTest, at: Fixture.centre, on: CalendarDate("2027-03-06")!).count == 1)
    }

    @Test func holidaysSundaysAndUncoveredYearsHaveNoSlots() {
        #expect(Fixture.generator.slots(.biometrics, at: Fixture.centre, on: CalendarDate("2027-09-01")!).isEmpty)
        #expect(Fixture.generator.slots(.biometrics, at: Fixture.centre, on: CalendarDate("2027-09-02")!).isEmpty)
        #expect(Fixture.generator.slots(.biometrics, at: Fixture.centre, on: CalendarDate("2027-03-07")!).isEmpty)
        #expect(Fixture.generator.slots(.biometrics, at: Fixture.centre, on: CalendarDate("2028-03-06")!).isEmpty)
        // A Sunday made a working day opens with Monday's hours.
        #expect(Fixture.generator.slots(.biometrics, at: Fixture.centre, on: CalendarDate("2027-09-05")!).count == 27)
        #expect(Fixture.generator.hours(of: Fixture.centre, on: CalendarDate("2027-09-01")!) == .failure(.holiday(note: "Independence Day")))
        #expect(Fixture.generator.slots(.itAssessment, at: Fixture.centre, on: Fixture.monday).isEmpty)
    }

    @Test func threeMonthsOfSlotsAreEveryOpenDaysSlotsInOrder() {
        let slots = Fixture.generator.slots(.biometrics, at: Fixture.centre, from: Fixture.monday, days: 92)
        #expect(slots == slots.sorted())
        #expect(Set(slots.map(\.start)).count == slots.count)
        #expect(slots.allSatisfy { $0.localDay.weekday != .sunday })
    }

    @Test func aSlotIsFoundByItsStartAndOnlyThen() throws {
        let slot = try #require(Fixture.generator.slots(.biometrics, at: Fixture.centre, on: Fixture.monday).dropFirst(3).first)
        #expect(Fixture.generator.slot(.biometrics, at: Fixture.centre, startingAt: slot.start) == slot)
        #expect(Fixture.generator.slot(.biometrics, at: Fixture.centre, startingAt: slot.start + 60) == nil)
    }
}

@Suite struct BookingRulesTests {
    func start(_ day: String, _ time: String) -> Int {
        SlotGenerator.moment(CalendarDate(day)!, LocalTime(time)!, in: Fixture.centre.zone)!
    }

    @Test func aFamilyGetsConsecutiveSlotsOnOneDay() throws {
        let slots = try Fixture.rules.slots(for: 4, .biometrics, at: "tashkent", startingAt: start("2027-03-01", "10:00"), now: Fixture.now).get()
        #expect(slots.map(\.localTime.description) == ["10:00", "10:20", "10:40", "11:00"])
    }

    @Test func eachBadRequestHasItsOwnAnswer() {
        let rules = Fixture.rules
        #expect(rules.slots(for: 1, .biometrics, at: "almaty", startingAt: start("2027-03-01", "10:00"), now: Fixture.now) == .failure(.unknownCentre))
        #expect(rules.slots(for: 1, .itAssessment, at: "tashkent", startingAt: start("2027-03-01", "10:00"), now: Fixture.now) == .failure(.serviceNotOffered))
        #expect(rules.slots(for: 1, .biometrics, at: "tashkent", startingAt: start("2027-01-04", "10:00"), now: Fixture.now) == .failure(.inThePast))
        #expect(rules.slots(for: 1, .biometrics, at: "tashkent", startingAt: start("2027-09-01", "10:00"), now: Fixture.now) == .failure(.holiday(note: "Independence Day")))
        #expect(rules.slots(for: 1, .biometrics, at: "tashkent", startingAt: start("2027-03-07", "10:00"), now: Fixture.now) == .failure(.closedThatDay))
        #expect(rules.slots(for: 1, .biometrics, at: "tashkent", startingAt: start("2027-03-01", "08:40"), now: Fixture.now)
            == .failure(.outsideHours(opens: LocalTime("09:00")!, closes: LocalTime("18:00")!)))
        #expect(rules.slots(for: 1, .biometrics, at: "tashkent", startingAt: start("2027-03-01", "10:05"), now: Fixture.now)
            == .failure(.outsideHours(opens: LocalTime("09:00")!, closes: LocalTime("18:00")!)))
        #expect(rules.slots(for: 3, .biometrics, at: "tashkent", startingAt: start("2027-03-01", "17:20"), now: Fixture.now) == .failure(.familyDoesNotFit(persons: 3)))
        #expect(rules.slots(for: 1, .biometrics, at: "tashkent", startingAt: start("2028-03-01", "10:00"), now: Fixture.now) == .failure(.yearNotCovered(2028)))
        #expect(rules.slots(for: 0, .biometrics, at: "tashkent", startingAt: start("2027-03-01", "10:00"), now: Fixture.now) == .failure(.noPersons))
    }

    @Test func changesStopAtTheCutoffAndLimitsCountTheWholeFamily() {
        let slot = start("2027-03-01", "10:00")
        #expect(BookingRules.changeProblem(startingAt: slot, cutoffHours: 12, now: Date(timeIntervalSince1970: TimeInterval(slot - 13 * 3600))) == nil)
        #expect(BookingRules.changeProblem(startingAt: slot, cutoffHours: 12, now: Date(timeIntervalSince1970: TimeInterval(slot - 12 * 3600))) == .pastChangeCutoff(hours: 12))
        #expect(BookingRules.limitProblem(Fixture.limits, active: 4, sameDay: 4, lastHour: 4, adding: 4) == nil)
        #expect(BookingRules.limitProblem(Fixture.limits, active: 4, sameDay: 5, lastHour: 4, adding: 4) == .tooManyThatDay(limit: 8))
        #expect(BookingRules.limitProblem(Fixture.limits, active: 10, sameDay: 0, lastHour: 0, adding: 3) == .tooManyActive(limit: 12))
        #expect(BookingRules.limitProblem(Fixture.limits, active: 0, sameDay: 0, lastHour: 19, adding: 2) == .tooManyThisHour(limit: 20))
    }

    @Test func visitsAreMarkedOnTheirDayAndNoShowsOnceBegun() {
        let slot = start("2027-03-01", "10:00")
        func at(_ day: String, _ time: String) -> Date { Date(timeIntervalSince1970: TimeInterval(start(day, time))) }
        let zone = Fixture.centre.zone
        // 23:30 the evening before in Tashkent is still the day before.
        #expect(BookingRules.markProblem(.arrived, startingAt: slot, in: zone, now: at("2027-02-28", "23:30")) == "notToday")
        #expect(BookingRules.markProblem(.arrived, startingAt: slot, in: zone, now: at("2027-03-01", "08:05")) == nil)
        #expect(BookingRules.markProblem(.done, startingAt: slot, in: zone, now: at("2027-03-02", "09:00")) == nil)
        #expect(BookingRules.markProblem(.noShow, startingAt: slot, in: zone, now: at("2027-03-01", "09:59")) == "notStarted")
        #expect(BookingRules.markProblem(.noShow, startingAt: slot, in: zone, now: at("2027-03-01", "10:15")) == nil)
    }

    @Test func staffMarksGoForwardOnly() {
        #expect(BookingStatus.booked.mayMark(.arrived))
        #expect(BookingStatus.arrived.mayMark(.done))
        #expect(!BookingStatus.arrived.mayMark(.noShow))
        #expect(!BookingStatus.done.mayMark(.arrived))
        #expect(!BookingStatus.cancelled.mayMark(.arrived))
        #expect(!BookingStatus.noShow.mayMark(.done))
        #expect(BookingStatus.allCases.filter(\.isActive) == [.booked, .arrived])
    }
}

@Suite struct RussianTestTests {
    let rules = try! RussianTestRules.bundled()

    @Test func levelsMapToCEFRInOrder() {
        #expect(rules.levels.map(\.id) == ["teu", "tbu", "trki1", "trki2", "trki3", "trki4"])
        #expect(rules.levels.map(\.cefr) == CEFRLevel.allCases)
        #expect(rules.subtests.count == 5)
    }

    @Test func everySubtestMustReachItsPassMark() throws {
        let pass = try rules.score(level: "trki1", marks: ["reading": 66, "writing": 70, "grammar_vocabulary": 90, "listening": 100, "speaking": 66]).get()
        #expect(pass.passed)
        #expect(pass.level.cefr == .b1)
        let fail = try rules.score(level: "trki1", marks: ["reading": 65, "writing": 70, "grammar_vocabulary": 90, "listening": 0, "speaking": 66]).get()
        #expect(fail.failedSubtests == ["reading", "listening"])
    }

    @Test func marksOutside0to100MissingOrUnknownAreEachNamed() {
        guard case .failure(let failure) = rules.score(level: "trki9", marks: ["reading": 101, "writing": -1, "grammar_vocabulary": nil, "listening": 50, "chess": 3]) else {
            Issue.record("accepted")
            return
        }
        let problems = failure.list
        #expect(problems.contains(.init(field: "level", code: "unknownLevel")))
        #expect(problems.contains(.init(field: "marks.reading", code: "markOutOfRange")))
        #expect(problems.contains(.init(field: "marks.writing", code: "markOutOfRange")))
        #expect(problems.contains(.init(field: "marks.grammar_vocabulary", code: "required")))
        #expect(problems.contains(.init(field: "marks.speaking", code: "required")))
        #expect(problems.contains(.init(field: "marks.chess", code: "unknownSubtest")))
    }

    @Test func certificateNumbersCarryACheckDigit() {
        let number = CertificateNumber.make(centreCode: "TAS", year: 2027, serial: 123)
        #expect(number.hasPrefix("TAS-2027-000123-"))
        #expect(CertificateNumber.isValid(number))
        var digits = Array(number)
        digits[digits.count - 1] = digits.last == "0" ? "1" : "0"
        #expect(!CertificateNumber.isValid(String(digits)))
        #expect(!CertificateNumber.isValid("TAS-2027-123-0"))
        for serial in 1...200 { #expect(CertificateNumber.isValid(CertificateNumber.make(centreCode: "FRU", year: 2026, serial: serial))) }
    }
}

@Suite struct CalendarFileTests {
    @Test func anAppointmentIsAValidFoldedEscapedVEVENT() {
        let start = Date(timeIntervalSince1970: 1_803_009_600) // 2027-02-19T04:00:00Z
        let file = CalendarFile(uid: "b1@caravan", stamp: start.addingTimeInterval(-86_400), start: start, end: start.addingTimeInterval(1200),
                                summary: "Биометрия; Ташкент, центр", location: "Ташкент, ул. Тараса Шевченко, 4",
                                description: String(repeating: "Очень длинное описание визита. ", count: 6) + "\nВторая строка")
        let text = file.text
        #expect(text.hasPrefix("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"))
        #expect(text.hasSuffix("END:VCALENDAR\r\n"))
        #expect(text.contains("DTSTART:20270219T040000Z\r\n"))
        #expect(text.contains("DTEND:20270219T042000Z\r\n"))
        #expect(text.contains("SUMMARY:Биометрия\\; Ташкент\\, центр\r\n"))
        // No physical line over 75 octets; no bare LF; unfolding gives the escaped description back.
        let lines = text.components(separatedBy: "\r\n")
        #expect(lines.allSatisfy { $0.utf8.count <= 75 })
        #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
        let unfolded = text.replacingOccurrences(of: "\r\n ", with: "")
        #expect(unfolded.contains("\\nВторая строка"))
        // Every character intact after unfolding: folding never splits a UTF-8 sequence.
        #expect(unfolded.contains(String(repeating: "Очень длинное описание визита. ", count: 6)))
        #expect(CalendarFile(uid: "x", stamp: start, start: start, end: start, summary: "", location: "", description: "", cancelled: true, sequence: 1)
            .text.contains("STATUS:CANCELLED"))
    }
}

@Suite struct CourseRulesTests {
    let today = CalendarDate("2027-01-10")!

    func input(_ change: (inout CourseInput) -> Void = { _ in }) -> CourseInput {
        var input = CourseInput(title: "Русский для IT, B1", level: "B1", place: "tashkent", city: "", schedule: "Пн и Ср 18:00–20:00",
                                startsOn: "2027-02-01", endsOn: "2027-04-30", capacity: "12", sponsored: true)
        change(&input)
        return input
    }

    @Test func aGoodCourseIsAcceptedAndOnlineHasNoCentre() throws {
        let course = try CourseRules.validate(input(), centres: Fixture.directory, today: today).get()
        #expect(course.centre == "tashkent" && course.capacity == 12 && course.level == .b1)
        let online = try CourseRules.validate(input { $0.place = "online" }, centres: Fixture.directory, today: today).get()
        #expect(online.centre == nil)
    }

    @Test func everyProblemIsNamedAtOnce() {
        guard case .failure(let failure) = CourseRules.validate(input {
            $0.title = ""; $0.level = "Z9"; $0.place = "almaty"; $0.startsOn = "2026-12-01"; $0.endsOn = "2026-11-01"; $0.capacity = "0"; $0.schedule = ""
        }, centres: Fixture.directory, today: today) else { Issue.record("accepted"); return }
        #expect(Set(failure.errors.map(\.field)) == ["title", "level", "place", "startsOn", "endsOn", "capacity", "schedule"])
    }

    @Test func newcomersQueueBehindThoseAlreadyWaiting() {
        #expect(CourseRules.placement(enrolled: 3, capacity: 4, waiting: 0) == .enrolled)
        #expect(CourseRules.placement(enrolled: 4, capacity: 4, waiting: 0) == .waiting)
        #expect(CourseRules.placement(enrolled: 3, capacity: 4, waiting: 2) == .waiting)
    }
}
