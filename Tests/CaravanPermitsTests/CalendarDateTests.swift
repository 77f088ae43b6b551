import CaravanPermits
import Foundation
import Testing

@Suite struct CalendarDateTests {
    @Test func parsesAndPrintsISODates() throws {
        let date = try day("2026-01-09")
        #expect((date.year, date.month, date.day) == (2026, 1, 9))
        #expect(date.description == "2026-01-09")
        for bad in ["2026-1-09", "2026-02-30", "2026-13-01", "20260109", "2026-01-0x", " 2026-01-09"] {
            #expect(CalendarDate(bad) == nil, "\(bad)")
        }
    }

    @Test func dayNumbersRoundTripAndGiveWeekdays() throws {
        #expect(try day("1970-01-01").dayNumber == 0)
        #expect(try day("2026-01-01").weekday == .thursday)
        #expect(try day("2025-11-01").weekday == .saturday)
        var date = try day("2023-12-25")
        for _ in 0..<1200 {
            #expect(CalendarDate(dayNumber: date.dayNumber) == date)
            let next = date.adding(days: 1)
            #expect(next.dayNumber == date.dayNumber + 1)
            date = next
        }
    }

    @Test func aMonthLaterIsTheSameDateOrTheMonthsLastDay() throws {
        #expect(try day("2026-01-31").adding(months: 1) == day("2026-02-28"))
        #expect(try day("2024-01-31").adding(months: 1) == day("2024-02-29"))
        #expect(try day("2025-11-30").adding(months: 3) == day("2026-02-28"))
        #expect(try day("2026-03-31").adding(months: -1) == day("2026-02-28"))
        #expect(try day("2026-10-15").adding(months: 3) == day("2027-01-15"))
    }

    @Test func ageCountsWholeYearsWithBirthdaysOnTheDay() throws {
        let born = try day("2007-03-02")
        #expect(born.age(on: try day("2025-03-01")) == 17)
        #expect(born.age(on: try day("2025-03-02")) == 18)
        let leapling = try day("2008-02-29")
        #expect(leapling.age(on: try day("2026-02-28")) == 17)
        #expect(leapling.age(on: try day("2026-03-01")) == 18)
    }

    @Test func codesAsAString() throws {
        let data = try JSONEncoder().encode([try day("2025-11-01")])
        #expect(String(decoding: data, as: UTF8.self) == #"["2025-11-01"]"#)
        #expect(try JSONDecoder().decode([CalendarDate].self, from: data) == [try day("2025-11-01")])
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([CalendarDate].self, from: Data(#"["2025-02-29"]"#.utf8)) }
    }

    @Test func aMomentBecomesTheDayOfTheCasesTimeZone() throws {
        // 2025-12-31 22:30 UTC is already 1 January in Moscow (UTC+3).
        let moment = Date(timeIntervalSince1970: 1_767_220_200)
        #expect(CalendarDate(moment, in: TimeZone(identifier: "UTC")!) == (try day("2025-12-31")))
        #expect(CalendarDate(moment, in: TimeZone(identifier: "Europe/Moscow")!) == (try day("2026-01-01")))
    }
}
