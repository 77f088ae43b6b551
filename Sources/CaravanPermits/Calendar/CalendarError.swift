/// Why a production calendar could not be loaded or could not answer.
public enum CalendarError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The question reached a year with no calendar file. Never guessed: a deadline computed from a
    /// made-up calendar would be shown to an applicant as a fact.
    case yearNotCovered(Int)
    case unreadable(file: String, reason: String)
    case duplicateYear(Int)
    case dateOutsideYear(file: String, date: CalendarDate)
    /// A date listed twice, or a "transferred working day" that is not a weekend, and the like.
    case inconsistentDay(file: String, date: CalendarDate, reason: String)

    public var description: String {
        switch self {
        case .yearNotCovered(let year): "the working-day calendar has no data for \(year)"
        case .unreadable(let file, let reason): "calendar \(file): \(reason)"
        case .duplicateYear(let year): "two calendar files for \(year)"
        case .dateOutsideYear(let file, let date): "calendar \(file): \(date) is not in the file's year"
        case .inconsistentDay(let file, let date, let reason): "calendar \(file): \(date) \(reason)"
        }
    }
}
