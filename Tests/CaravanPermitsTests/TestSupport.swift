import CaravanPermits
import Testing

/// A date from `YYYY-MM-DD`; a typo in a test is a failed test, not a crash.
func day(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> CalendarDate {
    try #require(CalendarDate(text), "not a date: \(text)", sourceLocation: sourceLocation)
}

/// The calendars shipped with the module: the tests check the real data, not a fixture.
func russia() throws -> WorkingDayCalendar {
    try WorkingDayCalendar.bundledRussia()
}

func fastTrack() throws -> Rulebook {
    try #require(try Rulebook.bundled()["ru-it-fast-track@2022.1"])
}
