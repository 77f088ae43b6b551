/// The statutory decision deadline of a case, paused only by recorded requests for information.
///
/// Definition (the one the applicant is shown):
/// 1. The base deadline is the end of a period of `termMonths` months opened by the submission
///    (`WorkingDayCalendar.endOfPeriod`: same date that many months later, moved to the next working day).
/// 2. A pause runs from a request for information to the applicant's answer. It costs the working days
///    strictly after the request day up to and including the answer day: the officer still had the request
///    day, and the answer day is lost because the answer arrives during it. A request answered the same day
///    costs nothing.
/// 3. The expected decision date is the base deadline moved forward by all paused working days, counted on the
///    calendar (so a pause that spans the New Year holidays costs only the working days in it).
/// 4. While a pause is still open on the day asked about, it is treated as answered that day: the date shown
///    is the earliest the decision can now be due.
/// 5. Working days left are counted from the start of the day asked about to the deadline, both included,
///    leaving out paused days: 1 on the deadline day, and frozen from the day after a request through the
///    answer day.
/// 6. A request made after the deadline has passed does not extend it (the clock had already run out).
public struct DecisionClock: Sendable, Equatable {
    /// One request for information and, once it came, the answer.
    public struct Pause: Sendable, Equatable {
        public let requestedOn: CalendarDate
        public let answeredOn: CalendarDate?

        public init(requestedOn: CalendarDate, answeredOn: CalendarDate? = nil) {
            self.requestedOn = requestedOn
            self.answeredOn = answeredOn
        }
    }

    public let submittedOn: CalendarDate
    public let termMonths: Int
    public let pauses: [Pause]

    /// Pauses must be in order, must not overlap, must start on or after the submission, and only the last may
    /// still be open: anything else is a corrupt case history, reported rather than guessed around.
    public init(submittedOn: CalendarDate, termMonths: Int, pauses: [Pause] = []) throws(ClockError) {
        guard termMonths > 0 else { throw .invalidTerm(termMonths) }
        var earliest = submittedOn
        for (index, pause) in pauses.enumerated() {
            guard pause.requestedOn >= earliest else { throw .pausesOutOfOrder(at: index) }
            guard let answered = pause.answeredOn else {
                guard index == pauses.count - 1 else { throw .openPauseNotLast(at: index) }
                continue
            }
            guard answered >= pause.requestedOn else { throw .pausesOutOfOrder(at: index) }
            earliest = answered
        }
        self.submittedOn = submittedOn
        self.termMonths = termMonths
        self.pauses = pauses
    }

    /// Where the clock stands on `date`, knowing only what had happened by then (pauses requested later are
    /// ignored; an answer that came later is not yet in).
    public func status(on date: CalendarDate, calendar: WorkingDayCalendar) throws(CalendarError) -> DecisionClockStatus {
        let base = try calendar.endOfPeriod(months: termMonths, from: submittedOn)
        var deadline = base, paused = 0, isPaused = false, todayPaused = false
        for pause in pauses where pause.requestedOn <= date {
            // A request made after the deadline had passed cannot revive it.
            guard pause.requestedOn <= deadline else { break }
            let answered = pause.answeredOn.flatMap { $0 <= date ? $0 : nil }
            if answered == nil { isPaused = true }
            let end = answered ?? date
            if pause.requestedOn < date, date <= end { todayPaused = true }
            let days = try calendar.workingDays(from: pause.requestedOn.adding(days: 1), through: end)
            paused += days
            deadline = try calendar.adding(workingDays: days, to: deadline)
        }
        // Counted from the start of `date`; a paused working day is not the authority's to use.
        var left = try calendar.workingDays(from: date, through: deadline)
        if todayPaused, try calendar.isWorkingDay(date) { left = max(0, left - 1) }
        let overdue = date > deadline ? try calendar.workingDays(from: deadline.adding(days: 1), through: date) : 0
        return DecisionClockStatus(
            baseDeadline: base,
            expectedDecisionDate: deadline,
            pausedWorkingDays: paused,
            isPaused: isPaused,
            workingDaysLeft: left,
            overdueWorkingDays: overdue,
            isProvisional: calendar.isProvisional(from: submittedOn, through: deadline)
        )
    }
}

public struct DecisionClockStatus: Sendable, Equatable {
    /// The deadline with no pauses.
    public let baseDeadline: CalendarDate
    /// The date shown to the applicant: the base deadline plus the paused working days.
    public let expectedDecisionDate: CalendarDate
    public let pausedWorkingDays: Int
    public let isPaused: Bool
    /// Working days from the start of the day asked about to the deadline, both included, paused days left out:
    /// 1 on the deadline day itself, 0 once it has passed. The officers' queue sorts by this.
    public let workingDaysLeft: Int
    /// Working days after the deadline up to the day asked about; 0 while not overdue.
    public let overdueWorkingDays: Int
    /// True when any year the clock runs through has only a provisional calendar.
    public let isProvisional: Bool

    public var isOverdue: Bool { overdueWorkingDays > 0 }
}

/// A clock built from impossible inputs.
public enum ClockError: Error, Equatable, Sendable {
    case invalidTerm(Int)
    case pausesOutOfOrder(at: Int)
    case openPauseNotLast(at: Int)
    case invalidWarningThreshold(Int)
}
