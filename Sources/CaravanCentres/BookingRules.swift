import CaravanPermits
import Foundation

/// Why a booking, a cancellation or a move is refused: each its own answer.
public enum BookingProblem: Error, Equatable, Sendable {
    case unknownCentre
    case serviceNotOffered
    case inThePast
    case holiday(note: String)
    case closedThatDay
    /// The time is not a slot start within the day's hours.
    case outsideHours(opens: LocalTime, closes: LocalTime)
    case yearNotCovered(Int)
    /// The whole family's consecutive slots run past closing time.
    case familyDoesNotFit(persons: Int)
    case noPersons
    case tooManyActive(limit: Int)
    case tooManyThatDay(limit: Int)
    case tooManyThisHour(limit: Int)
    /// Cancelling or moving within the service's cut-off before the start.
    case pastChangeCutoff(hours: Int)

    /// The message key's last part (`centre.booking.<code>`).
    public var code: String {
        switch self {
        case .unknownCentre: "unknownCentre"
        case .serviceNotOffered: "serviceNotOffered"
        case .inThePast: "inThePast"
        case .holiday: "holiday"
        case .closedThatDay: "closedThatDay"
        case .outsideHours: "outsideHours"
        case .yearNotCovered: "yearNotCovered"
        case .familyDoesNotFit: "familyDoesNotFit"
        case .noPersons: "noPersons"
        case .tooManyActive: "tooManyActive"
        case .tooManyThatDay: "tooManyThatDay"
        case .tooManyThisHour: "tooManyThisHour"
        case .pastChangeCutoff: "pastChangeCutoff"
        }
    }
}

/// The rules a booking is judged by before any seat is taken.
public struct BookingRules: Sendable {
    public let generator: SlotGenerator

    public init(generator: SlotGenerator) {
        self.generator = generator
    }

    /// The consecutive slots for `persons` people from `start` (seconds since 1970): one each, the first at
    /// `start`, all on the same day within the hours — or why not.
    public func slots(for persons: Int, _ service: CentreService, at centreID: String, startingAt start: Int, now: Date) -> Result<[Slot], BookingProblem> {
        guard let centre = generator.directory.centre(centreID) else { return .failure(.unknownCentre) }
        guard let offer = centre.offer(service) else { return .failure(.serviceNotOffered) }
        guard persons > 0 else { return .failure(.noPersons) }
        guard TimeInterval(start) > now.timeIntervalSince1970 else { return .failure(.inThePast) }
        let day = CalendarDate(Date(timeIntervalSince1970: TimeInterval(start)), in: centre.zone)
        let hours: OpeningHours
        switch generator.hours(of: centre, on: day) {
        case .success(let open): hours = open
        case .failure(.holiday(let note)): return .failure(.holiday(note: note))
        case .failure(.closedOnWeekday): return .failure(.closedThatDay)
        case .failure(.yearNotCovered(let year)): return .failure(.yearNotCovered(year))
        }
        let daySlots = generator.slots(service, at: centre, on: day)
        guard let first = daySlots.firstIndex(where: { $0.start == start }) else {
            return .failure(.outsideHours(opens: hours.opens, closes: hours.closes))
        }
        guard first + persons <= daySlots.count else { return .failure(.familyDoesNotFit(persons: persons)) }
        _ = offer
        return .success(Array(daySlots[first..<(first + persons)]))
    }

    /// Why a booking starting at `start` may no longer be cancelled or moved at `now` (nil: it may).
    public static func changeProblem(startingAt start: Int, cutoffHours: Int, now: Date) -> BookingProblem? {
        TimeInterval(start - cutoffHours * 3600) > now.timeIntervalSince1970 ? nil : .pastChangeCutoff(hours: cutoffHours)
    }

    /// The account's counts before `adding` more bookings: active ones, those on the same local day at the same
    /// centre, and those made in the last hour.
    /// Why staff may not yet mark a visit `next` (nil: they may): someone arrives, or is seen, on the appointment's
    /// own day on the centre's clock (or later, catching up); a no-show only once the appointment has begun.
    /// The code is the desk's message key's last part.
    public static func markProblem(_ next: BookingStatus, startingAt start: Int, in zone: TimeZone, now: Date) -> String? {
        switch next {
        case .arrived, .done:
            CalendarDate(now, in: zone) < CalendarDate(Date(timeIntervalSince1970: TimeInterval(start)), in: zone) ? "notToday" : nil
        case .noShow:
            TimeInterval(start) > now.timeIntervalSince1970 ? "notStarted" : nil
        case .booked, .cancelled:
            nil
        }
    }

    /// (nil: within every limit).
    public static func limitProblem(_ limits: BookingLimits, active: Int, sameDay: Int, lastHour: Int, adding: Int) -> BookingProblem? {
        if active + adding > limits.activeBookingsPerAccount { return .tooManyActive(limit: limits.activeBookingsPerAccount) }
        if sameDay + adding > limits.bookingsPerAccountPerDay { return .tooManyThatDay(limit: limits.bookingsPerAccountPerDay) }
        if lastHour + adding > limits.bookingsPerAccountPerHour { return .tooManyThisHour(limit: limits.bookingsPerAccountPerHour) }
        return nil
    }
}

/// Where an appointment stands. Only `booked` and `arrived` hold a seat's claim on the person and service.
public enum BookingStatus: String, CaseIterable, Codable, Sendable {
    case booked, arrived, done
    case noShow = "no_show"
    case cancelled

    /// Counts against "one active booking per person and service" and the account's limits.
    public var isActive: Bool { self == .booked || self == .arrived }

    /// The staff's marks, in the order a visit goes.
    public func mayMark(_ next: BookingStatus) -> Bool {
        switch (self, next) {
        case (.booked, .arrived), (.booked, .noShow), (.arrived, .done): true
        default: false
        }
    }
}
