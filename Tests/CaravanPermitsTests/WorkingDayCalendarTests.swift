import CaravanPermits
import Testing

@Suite struct WorkingDayCalendarTests {
    /// The published totals: a wrong or missing transfer in a file changes them.
    @Test(arguments: [(2025, 247), (2026, 247)])
    func decreedYearsHaveThePublishedNumberOfWorkingDays(year: Int, workingDays: Int) throws {
        let calendar = try russia()
        let count = try calendar.workingDays(from: try day("\(year)-01-01"), through: try day("\(year)-12-31"))
        #expect(count == workingDays)
        #expect(!calendar.isProvisional(year))
    }

    @Test func newYearHolidays2026RunFromJanuary1To11() throws {
        let calendar = try russia()
        for date in 1...11 {
            #expect(try !calendar.isWorkingDay(try day("2026-01-\(date < 10 ? "0" : "")\(date)")), "January \(date)")
        }
        #expect(try calendar.kind(of: try day("2026-01-09")) == .transferredDayOff)
        #expect(try calendar.isWorkingDay(try day("2026-01-12")))
        // The 2025 file's 31 December (transferred from 5 January) joins them.
        #expect(try calendar.kind(of: try day("2025-12-31")) == .transferredDayOff)
        #expect(try calendar.adding(workingDays: 1, to: try day("2025-12-30")) == day("2026-01-12"))
        #expect(try calendar.nextWorkingDay(onOrAfter: try day("2025-01-01")) == day("2025-01-09"))
    }

    @Test func statutoryShiftsAndDecreedTransfers2026() throws {
        let calendar = try russia()
        #expect(try calendar.kind(of: try day("2026-03-08")) == .holiday)
        #expect(try calendar.kind(of: try day("2026-03-09")) == .transferredDayOff)
        #expect(try calendar.kind(of: try day("2026-05-11")) == .transferredDayOff)
        #expect(try calendar.kind(of: try day("2026-12-31")) == .transferredDayOff)
        #expect(try calendar.isWorkingDay(try day("2026-05-08")))
    }

    @Test func theTransferredWorkingSaturdayOf1November2025Counts() throws {
        let calendar = try russia()
        #expect(try calendar.kind(of: try day("2025-11-01")) == .transferredWorkingDay)
        #expect(try calendar.adding(workingDays: 1, to: try day("2025-10-31")) == day("2025-11-01"))
        // Sunday 2, Monday 3 (its day off) and Tuesday 4 (Unity Day) are skipped.
        #expect(try calendar.adding(workingDays: 2, to: try day("2025-10-31")) == day("2025-11-05"))
        #expect(try calendar.workingDays(from: try day("2025-10-27"), through: try day("2025-11-09")) == 9)
        #expect(try calendar.adding(workingDays: -2, to: try day("2025-11-05")) == day("2025-10-31"))
    }

    @Test func theDecree2025MovedFebruaryAndMarchDaysOffToMayAndJune() throws {
        let calendar = try russia()
        #expect(try calendar.isWorkingDay(try day("2025-02-24")))
        #expect(try calendar.isWorkingDay(try day("2025-03-10")))
        #expect(try !calendar.isWorkingDay(try day("2025-05-08")))
        #expect(try !calendar.isWorkingDay(try day("2025-06-13")))
    }

    @Test func aPeriodInMonthsEndsOnTheSameDateOrTheMonthsLastDay() throws {
        let calendar = try russia()
        #expect(try calendar.endOfPeriod(months: 3, from: try day("2026-01-20")) == day("2026-04-20"))
        // 31 January + 1 month is 28 February 2026, a Saturday: art. 193 moves it to Monday 2 March.
        #expect(try calendar.endOfPeriod(months: 1, from: try day("2026-01-31")) == day("2026-03-02"))
        #expect(try calendar.endOfPeriod(months: 1, from: try day("2025-01-31")) == day("2025-02-28"))
    }

    @Test func aPeriodEndingOnANonWorkingDayEndsOnTheNextWorkingDay() throws {
        let calendar = try russia()
        // Ends on 1 January 2026: the holidays and the decree's 9 January push it to 12 January.
        #expect(try calendar.endOfPeriod(months: 3, from: try day("2025-10-01")) == day("2026-01-12"))
        // Ends on Monday 9 March 2026, the day off for 8 March.
        #expect(try calendar.endOfPeriod(months: 3, from: try day("2025-12-09")) == day("2026-03-10"))
        // Ends on a Sunday.
        #expect(try calendar.endOfPeriod(months: 3, from: try day("2025-11-08")) == day("2026-02-09"))
    }

    @Test func aYearWithoutDataIsAnErrorNotAGuess() throws {
        let calendar = try russia()
        #expect(calendar.coveredYears == [2025, 2026, 2027])
        #expect(throws: CalendarError.yearNotCovered(2024)) { try calendar.isWorkingDay(try day("2024-12-31")) }
        #expect(throws: CalendarError.yearNotCovered(2028)) {
            try calendar.adding(workingDays: 300, to: try day("2027-06-01"))
        }
    }

    @Test func the2027CalendarIsMarkedProvisional() throws {
        let calendar = try russia()
        #expect(calendar.isProvisional(2027))
        #expect(try calendar.adding(workingDays: 1, to: try day("2027-04-30")) == day("2027-05-04"))
        #expect(calendar.isProvisional(from: try day("2026-11-01"), through: try day("2027-02-01")))
        #expect(!calendar.isProvisional(from: try day("2025-11-01"), through: try day("2026-12-31")))
    }

    @Test func inconsistentFilesAreRefused() throws {
        func year(working: [String] = [], off: [String] = [], holidays: [String] = []) throws -> ProductionCalendarYear {
            ProductionCalendarYear(
                country: "RU", year: 2026, status: .decreed, source: "test",
                holidays: try holidays.map { .init(date: try day($0), note: "") },
                transferredDaysOff: try off.map { .init(date: try day($0), note: "") },
                transferredWorkingDays: try working.map { .init(date: try day($0), note: "") }
            )
        }
        #expect(throws: CalendarError.inconsistentDay(file: "ru-2026", date: try day("2026-01-12"), reason: "is a working-day transfer but not a weekend")) {
            try WorkingDayCalendar([try year(working: ["2026-01-12"])])
        }
        #expect(throws: CalendarError.inconsistentDay(file: "ru-2026", date: try day("2026-01-10"), reason: "is a day-off transfer but not a weekday")) {
            try WorkingDayCalendar([try year(off: ["2026-01-10"])])
        }
        #expect(throws: CalendarError.dateOutsideYear(file: "ru-2026", date: try day("2025-12-31"))) {
            try WorkingDayCalendar([try year(holidays: ["2025-12-31"])])
        }
        #expect(throws: CalendarError.duplicateYear(2026)) { try WorkingDayCalendar([try year(), try year()]) }
    }
}
