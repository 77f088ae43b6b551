/// Day of the week, ISO numbering (Monday is 1).
public enum Weekday: Int, CaseIterable, Sendable {
    case monday = 1, tuesday, wednesday, thursday, friday, saturday, sunday

    public var isWeekend: Bool { self == .saturday || self == .sunday }
}

extension CalendarDate {
    /// Days since 1970-01-01 (negative before). Howard Hinnant's `days_from_civil`: exact for the proleptic
    /// Gregorian calendar with integer operations only, so stepping through a year costs no `Calendar` calls.
    public var dayNumber: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let shiftedMonth = month > 2 ? month - 3 : month + 9
        let dayOfYear = (153 * shiftedMonth + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The inverse of `dayNumber` (Hinnant's `civil_from_days`). Outside years 1–9999 it clamps, which no
    /// legal period reaches.
    public init(dayNumber: Int) {
        let z = dayNumber + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        self = CalendarDate(year: min(max(year, 1), 9999), month: month, day: day)
            ?? CalendarDate(year: 1970, month: 1, day: 1)!
    }

    public var weekday: Weekday {
        // 1970-01-01 was a Thursday (ISO 4).
        let offset = ((dayNumber % 7) + 7) % 7
        return Weekday(rawValue: (offset + 3) % 7 + 1)!
    }

    /// 1-based position in the year, the index into a production calendar's table.
    public var dayOfYear: Int {
        dayNumber - CalendarDate(year: year, month: 1, day: 1)!.dayNumber + 1
    }

    public func adding(days: Int) -> CalendarDate {
        CalendarDate(dayNumber: dayNumber + days)
    }

    /// The same day `months` later (or earlier); when that month is shorter, its last day
    /// (Civil Code art. 192 §3: 31 January + 1 month is 28 or 29 February).
    public func adding(months: Int) -> CalendarDate {
        let index = year * 12 + (month - 1) + months
        let newYear = index / 12, newMonth = index % 12 + 1
        let newDay = min(day, Self.daysIn(month: newMonth, year: newYear))
        return CalendarDate(year: newYear, month: newMonth, day: newDay) ?? self
    }

    /// Whole years completed on `date` (a birthday counts on the day itself). Someone born on 29 February
    /// completes a year on 1 March in common years: the day before that they have not yet reached 29 February.
    public func age(on date: CalendarDate) -> Int {
        var years = date.year - year
        if (date.month, date.day) < (month, day) { years -= 1 }
        return years
    }

    /// Whole months from `self` to `date` in the sense of `adding(months:)`: the largest `n` with
    /// `self.adding(months: n) <= date`; negative when `date` is earlier.
    public func wholeMonths(until date: CalendarDate) -> Int {
        var months = (date.year - year) * 12 + (date.month - month)
        if adding(months: months) > date { months -= 1 }
        return months
    }
}
