import CaravanPermits
import Testing

@Suite struct DecisionClockTests {
    /// Submitted Monday 2 February 2026: three months end on Saturday 2 May, so the base deadline is Monday 4 May.
    func clock(_ pauses: [DecisionClock.Pause] = []) throws -> DecisionClock {
        try DecisionClock(submittedOn: try day("2026-02-02"), termMonths: 3, pauses: pauses)
    }

    @Test func withoutPausesTheDeadlineIsThreeMonthsOnTheWorkingDayCalendar() throws {
        let status = try clock().status(on: try day("2026-02-02"), calendar: try russia())
        #expect(status.baseDeadline == (try day("2026-05-04")))
        #expect(status.expectedDecisionDate == status.baseDeadline)
        #expect(!status.isPaused && !status.isOverdue && !status.isProvisional)
    }

    @Test func aPauseExtendsTheDeadlineByItsWorkingDays() throws {
        let calendar = try russia()
        // Requested Thursday 5 March, answered Thursday 12 March: 6, 10, 11 and 12 March are paused
        // (7–8 are the weekend, 9 the day off for 8 March).
        let clock = try clock([.init(requestedOn: try day("2026-03-05"), answeredOn: try day("2026-03-12"))])
        let after = try clock.status(on: try day("2026-03-13"), calendar: calendar)
        #expect(after.pausedWorkingDays == 4)
        #expect(after.expectedDecisionDate == (try day("2026-05-08")))
        #expect(!after.isPaused)
        #expect(after.workingDaysLeft == (try calendar.workingDays(from: try day("2026-03-13"), through: try day("2026-05-08"))))

        // Before the request nothing is known of it.
        #expect(try clock.status(on: try day("2026-03-04"), calendar: calendar).expectedDecisionDate == day("2026-05-04"))
    }

    @Test func whilePausedTheWorkingDaysLeftStandStill() throws {
        let calendar = try russia()
        let open = try clock([.init(requestedOn: try day("2026-03-05"))])
        let onRequestDay = try open.status(on: try day("2026-03-05"), calendar: calendar)
        #expect(onRequestDay.isPaused && onRequestDay.pausedWorkingDays == 0)
        // The request day is still the authority's; from the next day nothing is used up.
        let frozen = onRequestDay.workingDaysLeft - 1
        var date = try day("2026-03-06")
        while date <= (try day("2026-03-20")) {
            let status = try open.status(on: date, calendar: calendar)
            #expect(status.isPaused)
            #expect(status.workingDaysLeft == frozen, "\(date)")
            date = date.adding(days: 1)
        }
        #expect(try open.status(on: try day("2026-03-10"), calendar: calendar).expectedDecisionDate == day("2026-05-06"))

        // Answered on 12 March: that day is paused too, the count moves again from Friday 13 March.
        let answered = try clock([.init(requestedOn: try day("2026-03-05"), answeredOn: try day("2026-03-12"))])
        #expect(try answered.status(on: try day("2026-03-12"), calendar: calendar).workingDaysLeft == frozen)
        #expect(try answered.status(on: try day("2026-03-13"), calendar: calendar).workingDaysLeft == frozen)
        #expect(try answered.status(on: try day("2026-03-16"), calendar: calendar).workingDaysLeft == frozen - 1)
    }

    @Test func aRequestAfterTheDeadlineDoesNotReviveIt() throws {
        let late = try clock([.init(requestedOn: try day("2026-05-06"), answeredOn: try day("2026-05-20"))])
        let status = try late.status(on: try day("2026-05-21"), calendar: try russia())
        #expect(status.expectedDecisionDate == (try day("2026-05-04")))
        #expect(status.pausedWorkingDays == 0)
        #expect(status.isOverdue)
    }

    @Test func aPauseOverTheNewYearCostsOnlyItsWorkingDays() throws {
        // Base: 1 March 2026 is a Sunday, so Monday 2 March. Paused 27 December – 13 January: only 29 and 30 December
        // and 12 and 13 January are working days.
        let clock = try DecisionClock(
            submittedOn: try day("2025-12-01"), termMonths: 3,
            pauses: [.init(requestedOn: try day("2025-12-26"), answeredOn: try day("2026-01-13"))]
        )
        let status = try clock.status(on: try day("2026-02-01"), calendar: try russia())
        #expect(status.baseDeadline == (try day("2026-03-02")))
        #expect(status.pausedWorkingDays == 4)
        #expect(status.expectedDecisionDate == (try day("2026-03-06")))
    }

    @Test func leftAndOverdueCountWorkingDays() throws {
        let calendar = try russia()
        let clock = try clock([.init(requestedOn: try day("2026-03-05"), answeredOn: try day("2026-03-12"))])
        #expect(try clock.status(on: try day("2026-05-08"), calendar: calendar).workingDaysLeft == 1)
        let late = try clock.status(on: try day("2026-05-12"), calendar: calendar)
        #expect(late.workingDaysLeft == 0)
        #expect(late.overdueWorkingDays == 1) // 9–11 May are days off
        #expect(late.isOverdue)
    }

    @Test func impossibleHistoriesAreRefused() throws {
        #expect(throws: ClockError.pausesOutOfOrder(at: 0)) {
            try DecisionClock(submittedOn: try day("2026-02-02"), termMonths: 3, pauses: [.init(requestedOn: try day("2026-02-01"))])
        }
        #expect(throws: ClockError.openPauseNotLast(at: 0)) {
            try DecisionClock(submittedOn: try day("2026-02-02"), termMonths: 3, pauses: [
                .init(requestedOn: try day("2026-02-05")), .init(requestedOn: try day("2026-02-10")),
            ])
        }
        #expect(throws: ClockError.pausesOutOfOrder(at: 1)) {
            try DecisionClock(submittedOn: try day("2026-02-02"), termMonths: 3, pauses: [
                .init(requestedOn: try day("2026-02-05"), answeredOn: try day("2026-02-10")),
                .init(requestedOn: try day("2026-02-09"), answeredOn: try day("2026-02-11")),
            ])
        }
        #expect(throws: ClockError.invalidTerm(0)) { try DecisionClock(submittedOn: try day("2026-02-02"), termMonths: 0) }
    }

    @Test func aDeadlineInAProvisionalYearIsFlagged() throws {
        let clock = try DecisionClock(submittedOn: try day("2026-11-02"), termMonths: 3)
        let status = try clock.status(on: try day("2026-11-02"), calendar: try russia())
        #expect(status.expectedDecisionDate == (try day("2027-02-02")))
        #expect(status.isProvisional)
    }
}

@Suite struct GraceClockTests {
    /// The contract ended Friday 19 December 2025; the 30 working days run over the New Year holidays.
    func clock(newContract: String? = nil) throws -> GraceClock {
        try GraceClock(
            contractEndedOn: try day("2025-12-19"), workingDays: 30, warningThresholds: [1, 10, 5],
            newContractStartedOn: try newContract.map { try day($0) }
        )
    }

    @Test func theLastDaySkipsTheHolidays() throws {
        #expect(try clock().lastDay(calendar: try russia()) == day("2026-02-11"))
    }

    @Test func warningsFallDueAtTenFiveAndOneWorkingDaysLeft() throws {
        let calendar = try russia()
        let warnings = try clock().warningDates(calendar: calendar)
        #expect(warnings.map(\.threshold) == [10, 5, 1])
        #expect(warnings.map(\.date) == [try day("2026-01-29"), try day("2026-02-05"), try day("2026-02-11")])

        let grace = try clock()
        #expect(try grace.status(on: try day("2025-12-10"), calendar: calendar) == .running(lastDay: try day("2026-02-11"), workingDaysLeft: 30, warning: nil))
        #expect(try grace.status(on: try day("2026-01-28"), calendar: calendar) == .running(lastDay: try day("2026-02-11"), workingDaysLeft: 11, warning: nil))
        #expect(try grace.status(on: try day("2026-01-29"), calendar: calendar) == .running(lastDay: try day("2026-02-11"), workingDaysLeft: 10, warning: 10))
        #expect(try grace.status(on: try day("2026-02-07"), calendar: calendar) == .running(lastDay: try day("2026-02-11"), workingDaysLeft: 3, warning: 5))
        #expect(try grace.status(on: try day("2026-02-11"), calendar: calendar) == .running(lastDay: try day("2026-02-11"), workingDaysLeft: 1, warning: 1))
    }

    @Test func withoutANewContractTheGraceLapses() throws {
        let status = try clock().status(on: try day("2026-02-12"), calendar: try russia())
        #expect(status == .lapsed(lastDay: try day("2026-02-11")))
    }

    @Test func aNewContractOnTheLastDayCoversTheHolder() throws {
        let calendar = try russia()
        #expect(try clock(newContract: "2026-02-11").status(on: try day("2026-03-01"), calendar: calendar) == .covered(newContractOn: try day("2026-02-11")))
        #expect(try clock(newContract: "2026-02-12").status(on: try day("2026-02-12"), calendar: calendar) == .lapsed(lastDay: try day("2026-02-11")))
        // A contract signed for later is not yet known on an earlier day.
        #expect(try clock(newContract: "2026-02-02").status(on: try day("2026-01-30"), calendar: calendar) == .running(lastDay: try day("2026-02-11"), workingDaysLeft: 9, warning: 10))
    }

    @Test func thresholdsOutsideThePeriodAreRefused() throws {
        #expect(throws: ClockError.invalidWarningThreshold(31)) {
            try GraceClock(contractEndedOn: try day("2025-12-19"), workingDays: 30, warningThresholds: [31])
        }
    }

    @Test func theRulebookSetsTheGracePeriod() throws {
        let rulebook = try fastTrack()
        #expect(rulebook.graceWorkingDays == 30)
        #expect(rulebook.graceWarningThresholds == [10, 5, 1])
        #expect(rulebook.decisionTermMonths == 3)
    }
}
