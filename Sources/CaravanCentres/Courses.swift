import CaravanDomain
import CaravanPermits
import Foundation

/// A Russian course as staff describe it, before it is saved.
public struct CourseInput: Sendable {
    public var title: String
    public var level: String
    /// A centre id, or `online`.
    public var place: String
    public var city: String
    public var schedule: String
    public var startsOn: String
    public var endsOn: String
    public var capacity: String
    public var sponsored: Bool

    public init(title: String, level: String, place: String, city: String, schedule: String, startsOn: String, endsOn: String,
                capacity: String, sponsored: Bool) {
        self.title = title
        self.level = level
        self.place = place
        self.city = city
        self.schedule = schedule
        self.startsOn = startsOn
        self.endsOn = endsOn
        self.capacity = capacity
        self.sponsored = sponsored
    }
}

/// A course that passed its rules.
public struct ValidCourse: Sendable, Equatable {
    public let title: String
    public let level: CEFRLevel
    /// nil: online.
    public let centre: String?
    public let city: String
    public let schedule: String
    public let startsOn: CalendarDate
    public let endsOn: CalendarDate
    public let capacity: Int
    public let sponsored: Bool
}

/// Where one person stands on a course. Only `enrolled` holds a seat; `waiting` people are promoted in the order
/// they asked when a seat frees.
public enum EnrolmentStatus: String, CaseIterable, Codable, Sendable {
    case enrolled, waiting, withdrawn, completed

    /// On the course's list (a seat or a place in the queue).
    public var isActive: Bool { self == .enrolled || self == .waiting }
}

public enum CourseRules {
    public static let maximumCapacity = 200
    public static let maximumTitle = 200
    public static let maximumSchedule = 300

    /// Every problem at once, by field; `today` on the centre's clock (a course starts today or later).
    public static func validate(_ input: CourseInput, centres: CentreDirectory, today: CalendarDate) -> Result<ValidCourse, ValidationFailure> {
        var errors: [FieldError] = []
        let title = input.title.trimmingCharacters(in: .whitespacesAndNewlines)
        if title.isEmpty { errors.append(FieldError(field: "title", code: "field.required")) }
        if title.count > maximumTitle { errors.append(FieldError(field: "title", code: "text.tooLong", arguments: ["max": String(maximumTitle)])) }
        let level = CEFRLevel(rawValue: input.level)
        if level == nil { errors.append(FieldError(field: "level", code: input.level.isEmpty ? "field.required" : "course.levelUnknown")) }
        let online = input.place == "online"
        let centre = online ? nil : centres.centre(input.place)
        if !online, centre == nil { errors.append(FieldError(field: "place", code: input.place.isEmpty ? "field.required" : "centre.booking.unknownCentre")) }
        let city = input.city.trimmingCharacters(in: .whitespacesAndNewlines)
        if city.count > 100 { errors.append(FieldError(field: "city", code: "text.tooLong", arguments: ["max": "100"])) }
        let schedule = input.schedule.trimmingCharacters(in: .whitespacesAndNewlines)
        if schedule.isEmpty { errors.append(FieldError(field: "schedule", code: "field.required")) }
        if schedule.count > maximumSchedule { errors.append(FieldError(field: "schedule", code: "text.tooLong", arguments: ["max": String(maximumSchedule)])) }
        let starts = CalendarDate(input.startsOn)
        let ends = CalendarDate(input.endsOn)
        if starts == nil { errors.append(FieldError(field: "startsOn", code: input.startsOn.isEmpty ? "field.required" : "date.invalid")) }
        if ends == nil { errors.append(FieldError(field: "endsOn", code: input.endsOn.isEmpty ? "field.required" : "date.invalid")) }
        if let starts, starts < today { errors.append(FieldError(field: "startsOn", code: "course.startsInPast")) }
        if let starts, let ends, ends < starts { errors.append(FieldError(field: "endsOn", code: "course.endsBeforeStart")) }
        if let starts, let ends, ends > starts.adding(days: 366) { errors.append(FieldError(field: "endsOn", code: "course.tooLong")) }
        let capacity = Int(input.capacity.trimmingCharacters(in: .whitespaces))
        if capacity.map({ !(1...maximumCapacity).contains($0) }) ?? true {
            errors.append(FieldError(field: "capacity", code: input.capacity.isEmpty ? "field.required" : "course.capacityRange", arguments: ["max": String(maximumCapacity)]))
        }
        guard errors.isEmpty, let level, let starts, let ends, let capacity else { return .failure(ValidationFailure(errors)) }
        return .success(ValidCourse(title: title, level: level, centre: centre?.id, city: online ? "" : (city.isEmpty ? centre?.city.ru ?? "" : city),
                                    schedule: schedule, startsOn: starts, endsOn: ends, capacity: capacity, sponsored: input.sponsored))
    }

    /// Where a new request lands: a seat while one is free and nobody waits before it, the queue otherwise.
    public static func placement(enrolled: Int, capacity: Int, waiting: Int) -> EnrolmentStatus {
        enrolled < capacity && waiting == 0 ? .enrolled : .waiting
    }
}
