import Foundation

/// One year of a production calendar as published: the shape of `Resources/calendars/<country>-<year>.json`.
///
/// Only the exceptions are listed; every other Saturday and Sunday is a day off and every other day a working
/// day (Labour Code art. 111–112). The decree numbers and their caveats live in `source`, next to the data.
public struct ProductionCalendarYear: Codable, Sendable, Equatable {
    public enum Status: String, Codable, Sendable {
        /// The government's decree on transferred days is published and reflected here.
        case decreed
        /// No decree yet: statutory holidays (and the statutory shifts of art. 112 part 2) only.
        /// Deadlines computed into such a year are flagged as provisional.
        case provisional
    }

    /// A listed day with a note saying why it is there (for the person checking the file against the decree).
    public struct Day: Codable, Sendable, Equatable {
        public let date: CalendarDate
        public let note: String

        public init(date: CalendarDate, note: String) {
            self.date = date
            self.note = note
        }
    }

    public let country: String
    public let year: Int
    public let status: Status
    public let source: String
    /// Non-working public holidays (Labour Code art. 112 part 1), including those that fall on a weekend.
    public let holidays: [Day]
    /// Weekdays that are days off: a weekend day moved by decree, or the statutory shift of a holiday that fell
    /// on a weekend.
    public let transferredDaysOff: [Day]
    /// Saturdays or Sundays that are working days because their day off was moved elsewhere by decree.
    public let transferredWorkingDays: [Day]

    public init(
        country: String, year: Int, status: Status, source: String,
        holidays: [Day], transferredDaysOff: [Day], transferredWorkingDays: [Day]
    ) {
        self.country = country
        self.year = year
        self.status = status
        self.source = source
        self.holidays = holidays
        self.transferredDaysOff = transferredDaysOff
        self.transferredWorkingDays = transferredWorkingDays
    }
}
