import CaravanPermits
import Foundation
import Vapor

extension WorkingDayCalendar {
    /// Working days from `today` to a decision due on `due` (negative when overdue); nil where the calendar has no
    /// year for them.
    func workingDaysLeft(from today: CalendarDate, until due: CalendarDate) -> Int? {
        if due >= today { return try? workingDays(from: today.adding(days: 1), through: due) }
        return (try? workingDays(from: due.adding(days: 1), through: today)).map { -$0 }
    }
}

extension Request {
    /// "3 working days left" or "overdue by 2 working days", in this request's language.
    func workingDaysLeftText(_ left: Int) -> String {
        left >= 0 ? t("residency.workingDaysLeft", ["count": String(left)]) : t("residency.overdue", ["count": String(-left)])
    }
}
