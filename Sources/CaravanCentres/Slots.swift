import CaravanPermits
import Foundation

/// One appointment time of one service at one centre: stored by its start in UTC, shown on the centre's clock.
public struct Slot: Sendable, Hashable, Comparable {
    public let centre: String
    public let service: CentreService
    /// The start, as seconds since 1970 in UTC: the slot's key in storage.
    public let start: Int
    public let minutes: Int
    /// The centre's local day and time of the start.
    public let localDay: CalendarDate
    public let localTime: LocalTime
    public let desks: Int

    public var startDate: Date { Date(timeIntervalSince1970: TimeInterval(start)) }
    public var endDate: Date { Date(timeIntervalSince1970: TimeInterval(start + minutes * 60)) }

    public static func < (lhs: Slot, rhs: Slot) -> Bool { lhs.start < rhs.start }
}

/// Why a day has no slots (or a time is not one): what a person is told.
public enum DayClosure: Error, Equatable, Sendable {
    case holiday(note: String)
    case closedOnWeekday
    /// No holiday data for the year: never guessed.
    case yearNotCovered(Int)
}

/// Generates slots from opening hours, the host country's holidays and the service's length.
public struct SlotGenerator: Sendable {
    public let directory: CentreDirectory

    public init(directory: CentreDirectory) {
        self.directory = directory
    }

    /// The opening hours on `day`, or why the centre is closed. A weekend day the host country made a working day
    /// opens with Monday's hours.
    public func hours(of centre: Centre, on day: CalendarDate) -> Result<OpeningHours, DayClosure> {
        guard let calendar = directory.calendar(of: centre) else { return .failure(.yearNotCovered(day.year)) }
        let kind: WorkingDayCalendar.DayKind
        do { kind = try calendar.kind(of: day) } catch { return .failure(.yearNotCovered(day.year)) }
        switch kind {
        case .holiday, .transferredDayOff:
            return .failure(.holiday(note: holidayNote(centre, day) ?? ""))
        case .transferredWorkingDay:
            guard let hours = centre.hours(on: .monday) ?? centre.hours(on: day.weekday) else { return .failure(.closedOnWeekday) }
            return .success(hours)
        case .working, .weekend:
            guard let hours = centre.hours(on: day.weekday) else { return .failure(.closedOnWeekday) }
            return .success(hours)
        }
    }

    /// The holiday's note as the data file gives it.
    public func holidayNote(_ centre: Centre, _ day: CalendarDate) -> String? {
        guard let file = directory.calendar(of: centre)?.files.first(where: { $0.year == day.year }) else { return nil }
        return (file.holidays + file.transferredDaysOff).first { $0.date == day }?.note
    }

    /// Whether the host country's holidays for `year` are still an estimate.
    public func isProvisional(_ centre: Centre, year: Int) -> Bool {
        directory.calendar(of: centre)?.isProvisional(year) ?? true
    }

    /// Every slot of `service` on the centre's local `day` (none on a closed day).
    public func slots(_ service: CentreService, at centre: Centre, on day: CalendarDate) -> [Slot] {
        guard let offer = centre.offer(service), case .success(let hours) = hours(of: centre, on: day) else { return [] }
        var slots: [Slot] = []
        var minute = hours.opens.minutes
        while minute + offer.minutes <= hours.closes.minutes {
            if let time = LocalTime(minutes: minute), let start = Self.moment(day, time, in: centre.zone) {
                slots.append(Slot(centre: centre.id, service: service, start: start, minutes: offer.minutes,
                                  localDay: day, localTime: time, desks: offer.desks))
            }
            minute += offer.minutes
        }
        return slots
    }

    /// Every slot from `day` for `days` days.
    public func slots(_ service: CentreService, at centre: Centre, from day: CalendarDate, days: Int) -> [Slot] {
        (0..<max(0, days)).flatMap { slots(service, at: centre, on: day.adding(days: $0)) }
    }

    /// The slot that starts at `start` (seconds since 1970), if the schedule has one.
    public func slot(_ service: CentreService, at centre: Centre, startingAt start: Int) -> Slot? {
        let day = CalendarDate(Date(timeIntervalSince1970: TimeInterval(start)), in: centre.zone)
        return slots(service, at: centre, on: day).first { $0.start == start }
    }

    /// Seconds since 1970 of a wall-clock time on the centre's day (nil when the clock skips it).
    public static func moment(_ day: CalendarDate, _ time: LocalTime, in zone: TimeZone) -> Int? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let parts = DateComponents(year: day.year, month: day.month, day: day.day, hour: time.minutes / 60, minute: time.minutes % 60)
        guard let date = calendar.date(from: parts) else { return nil }
        return Int(date.timeIntervalSince1970)
    }
}
