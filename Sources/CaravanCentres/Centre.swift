import CaravanPermits
import Foundation

/// What a centre does for people, each at desks of its own.
public enum CentreService: String, CaseIterable, Codable, Sendable {
    /// A person's identity checked against the passport in person; the evidence later services rely on.
    case identityVerification = "identity_verification"
    /// Photo and fingerprints, which stand for the permit's fingerprint registration.
    case biometrics
    /// The state test of Russian as a foreign language (ТРКИ).
    case russianTest = "russian_test"
    /// An IT skills assessment.
    case itAssessment = "it_assessment"
}

/// Text in the languages the pages speak.
public struct LocalizedText: Codable, Sendable, Equatable {
    public let ru: String
    public let en: String

    public init(ru: String, en: String) {
        self.ru = ru
        self.en = en
    }

    /// The text in `language` (`ru` or `en`), Russian for any other.
    public func text(_ language: String) -> String { language == "en" ? en : ru }
}

/// A time of day on the centre's wall clock, in minutes after midnight.
public struct LocalTime: Codable, Sendable, Hashable, Comparable, CustomStringConvertible {
    public let minutes: Int

    public init?(minutes: Int) {
        guard (0...(24 * 60)).contains(minutes) else { return nil }
        self.minutes = minutes
    }

    /// `HH:mm`.
    public init?(_ text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2,
              let hours = Int(parts[0]), let minutes = Int(parts[1]), (0...24).contains(hours), (0..<60).contains(minutes)
        else { return nil }
        self.init(minutes: hours * 60 + minutes)
    }

    public var description: String { String(format: "%02d:%02d", minutes / 60, minutes % 60) }

    public static func < (lhs: LocalTime, rhs: LocalTime) -> Bool { lhs.minutes < rhs.minutes }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let time = LocalTime(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "\(text) is not HH:mm"))
        }
        self = time
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// When a centre is open on one weekday (one span; a day without one is closed).
public struct OpeningHours: Codable, Sendable, Equatable {
    public let opens: LocalTime
    public let closes: LocalTime

    public init(opens: LocalTime, closes: LocalTime) {
        self.opens = opens
        self.closes = closes
    }
}

/// A service as one centre offers it: how long an appointment takes, how many desks serve it at once, and until
/// how many hours before its start a booking may still be cancelled or moved.
public struct ServiceOffer: Codable, Sendable, Equatable {
    public let service: CentreService
    public let minutes: Int
    public let desks: Int
    public let changeCutoffHours: Int

    public init(service: CentreService, minutes: Int, desks: Int, changeCutoffHours: Int) {
        self.service = service
        self.minutes = minutes
        self.desks = desks
        self.changeCutoffHours = changeCutoffHours
    }
}

/// A programme centre abroad, as data (`Resources/centres.json`).
public struct Centre: Codable, Sendable, Equatable, Identifiable {
    public let id: String
    /// Three letters in certificate numbers (`TAS`).
    public let code: String
    /// ISO 3166-1 alpha-2 of the host country, whose public holidays close the centre.
    public let country: String
    /// An IANA zone: every appointment is shown on this clock, with the zone named.
    public let timeZone: String
    public let city: LocalizedText
    /// The clock named as a sentence names it ("по времени Ташкента", "Tashkent time").
    public let clock: LocalizedText
    public let address: LocalizedText
    /// Keyed by English weekday name in lower case (`monday` … `sunday`).
    public let hours: [String: OpeningHours]
    public let services: [ServiceOffer]

    public init(id: String, code: String, country: String, timeZone: String, city: LocalizedText, clock: LocalizedText? = nil,
                address: LocalizedText, hours: [String: OpeningHours], services: [ServiceOffer]) {
        self.id = id
        self.code = code
        self.country = country
        self.timeZone = timeZone
        self.city = city
        self.clock = clock ?? LocalizedText(ru: "время: \(city.ru)", en: "\(city.en) time")
        self.address = address
        self.hours = hours
        self.services = services
    }

    public func offer(_ service: CentreService) -> ServiceOffer? { services.first { $0.service == service } }

    public func hours(on weekday: Weekday) -> OpeningHours? { hours[weekday.name] }

    /// The zone (validated when the directory loads, so never nil there).
    public var zone: TimeZone { TimeZone(identifier: timeZone) ?? .gmt }
}

extension Weekday {
    /// The English name in lower case, as the centres file keys opening hours.
    public var name: String {
        switch self {
        case .monday: "monday"
        case .tuesday: "tuesday"
        case .wednesday: "wednesday"
        case .thursday: "thursday"
        case .friday: "friday"
        case .saturday: "saturday"
        case .sunday: "sunday"
        }
    }
}

/// Limits that keep one account (or one script) from taking a day's slots.
public struct BookingLimits: Codable, Sendable, Equatable {
    /// Bookings not yet held, cancelled or missed, across every centre and service.
    public let activeBookingsPerAccount: Int
    /// Bookings on one local day at one centre (a family of eight fits).
    public let bookingsPerAccountPerDay: Int
    /// Bookings made in the last hour (a script booking, cancelling and booking again).
    public let bookingsPerAccountPerHour: Int

    public init(activeBookingsPerAccount: Int, bookingsPerAccountPerDay: Int, bookingsPerAccountPerHour: Int) {
        self.activeBookingsPerAccount = activeBookingsPerAccount
        self.bookingsPerAccountPerDay = bookingsPerAccountPerDay
        self.bookingsPerAccountPerHour = bookingsPerAccountPerHour
    }
}
