/// The period after an employment contract ends in which the permit holder must start a new contract with an
/// accredited company, or lose the permit (115-FZ as amended in 2022; 30 working days by default, from the
/// rulebook).
///
/// The period opens the day after the contract's last day (Civil Code art. 191) and its last day is the
/// `workingDays`-th working day after it; a new contract that starts on or before that day stops the clock.
public struct GraceClock: Sendable, Equatable {
    public let contractEndedOn: CalendarDate
    public let workingDays: Int
    /// Working days left at which the holder is warned, e.g. [10, 5, 1] (1 is the last day).
    public let warningThresholds: [Int]
    public let newContractStartedOn: CalendarDate?

    public init(
        contractEndedOn: CalendarDate, workingDays: Int, warningThresholds: [Int],
        newContractStartedOn: CalendarDate? = nil
    ) throws(ClockError) {
        guard workingDays > 0 else { throw .invalidTerm(workingDays) }
        for threshold in warningThresholds where !(1...workingDays).contains(threshold) {
            throw .invalidWarningThreshold(threshold)
        }
        self.contractEndedOn = contractEndedOn
        self.workingDays = workingDays
        self.warningThresholds = warningThresholds.sorted(by: >)
        self.newContractStartedOn = newContractStartedOn
    }

    /// The last day on which a new contract still saves the permit.
    public func lastDay(calendar: WorkingDayCalendar) throws(CalendarError) -> CalendarDate {
        try calendar.adding(workingDays: workingDays, to: contractEndedOn)
    }

    public func status(on date: CalendarDate, calendar: WorkingDayCalendar) throws(CalendarError) -> GraceStatus {
        let last = try lastDay(calendar: calendar)
        if let started = newContractStartedOn, started <= date, started <= last {
            return .covered(newContractOn: started)
        }
        guard date <= last else { return .lapsed(lastDay: last) }
        // Before the contract ends the whole period is still ahead.
        let from = max(date, contractEndedOn.adding(days: 1))
        let left = try calendar.workingDays(from: from, through: last)
        return .running(lastDay: last, workingDaysLeft: left, warning: warningThresholds.last { left <= $0 })
    }

    /// The working day each warning falls due (the working day with exactly that many working days left), for
    /// scheduling notifications. All are listed even when a new contract makes them moot: the caller asks
    /// `status` before sending.
    public func warningDates(calendar: WorkingDayCalendar) throws(CalendarError) -> [(threshold: Int, date: CalendarDate)] {
        let last = try lastDay(calendar: calendar)
        var dates: [(threshold: Int, date: CalendarDate)] = []
        for threshold in warningThresholds {
            dates.append((threshold, try calendar.adding(workingDays: -(threshold - 1), to: last)))
        }
        return dates
    }
}

public enum GraceStatus: Sendable, Equatable {
    /// The holder has no new contract yet. `warning` is the smallest threshold reached, if any.
    case running(lastDay: CalendarDate, workingDaysLeft: Int, warning: Int?)
    /// A new contract started in time.
    case covered(newContractOn: CalendarDate)
    /// The period ended with no new contract: grounds to cancel the permit.
    case lapsed(lastDay: CalendarDate)
}
