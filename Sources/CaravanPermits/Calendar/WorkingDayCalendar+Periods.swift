/// Legal period arithmetic (Civil Code art. 191–193) on a working-day calendar.
///
/// Every period starts the day after the event that opens it (art. 191), so `start` itself is never counted.
extension WorkingDayCalendar {
    /// `date` when it is a working day, else the first working day after it.
    public func nextWorkingDay(onOrAfter date: CalendarDate) throws(CalendarError) -> CalendarDate {
        var day = date
        while try !isWorkingDay(day) { day = day.adding(days: 1) }
        return day
    }

    /// The last day of a period of `months` months that opened on `start`: the same date that many months
    /// later, or that month's last day when it is shorter (art. 192); moved to the next working day when it
    /// is not one (art. 193).
    public func endOfPeriod(months: Int, from start: CalendarDate) throws(CalendarError) -> CalendarDate {
        try nextWorkingDay(onOrAfter: start.adding(months: months))
    }

    /// The `count`-th working day after `date` (before it, for a negative count); `date` itself for zero.
    /// Weekends and holidays are skipped, transferred working Saturdays counted.
    public func adding(workingDays count: Int, to date: CalendarDate) throws(CalendarError) -> CalendarDate {
        let step = count < 0 ? -1 : 1
        var day = date, remaining = abs(count)
        while remaining > 0 {
            day = day.adding(days: step)
            if try isWorkingDay(day) { remaining -= 1 }
        }
        return day
    }

    /// Working days in `start ... end`, both ends included; zero when `end` is before `start`.
    public func workingDays(from start: CalendarDate, through end: CalendarDate) throws(CalendarError) -> Int {
        guard start <= end else { return 0 }
        var count = 0, day = start
        while day <= end {
            if try isWorkingDay(day) { count += 1 }
            day = day.adding(days: 1)
        }
        return count
    }

    /// Whether any year from `start` to `end` has only provisional data.
    public func isProvisional(from start: CalendarDate, through end: CalendarDate) -> Bool {
        guard start <= end else { return false }
        return (start.year...end.year).contains(where: isProvisional)
    }
}
