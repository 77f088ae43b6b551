import CaravanCentres
import CaravanDomain
import CaravanPermits
import Foundation
import Vapor

/// Appointment times as people read them: on the centre's clock, with the city and the offset named
/// ("понедельник, 1 марта 2027 г. в 10:00 (по времени Ташкента, UTC+5)"), never an ISO string or a zone id in a sentence.
enum CentreText {
    /// The bundled centres, for texts made without an application at hand (notice arguments).
    static let bundled: CentreDirectory? = try? CentreDirectory.bundled()
    static let russianTest: RussianTestRules? = try? RussianTestRules.bundled()

    /// A notice argument naming a moment at a centre: `<seconds>@<centre id>`; made into words when read.
    static func whenArgument(_ booking: CentreBooking) -> String { "\(booking.startsAt)@\(booking.centre)" }

    /// `<seconds>@<centre>` in words, or nil when it is not one.
    static func when(argument: String, in language: LanguageCode) -> String? {
        let parts = argument.split(separator: "@")
        guard parts.count == 2, let seconds = Int(parts[0]), let centre = bundled?.centre(String(parts[1])) else { return nil }
        return moment(seconds, at: centre, in: language)
    }

    /// The day, the time and the centre's clock named.
    static func moment(_ seconds: Int, at centre: Centre, in language: LanguageCode) -> String {
        let date = Date(timeIntervalSince1970: TimeInterval(seconds))
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: language.rawValue)
        formatter.timeZone = centre.zone
        formatter.setLocalizedDateFormatFromTemplate("EEEEdMMMMyyyyHHmm")
        return "\(formatter.string(from: date)) (\(clock(centre, at: date, in: language)))"
    }

    /// The time only ("10:20"), for a list under a day's heading.
    static func time(_ seconds: Int, at centre: Centre) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_GB")
        formatter.timeZone = centre.zone
        formatter.dateFormat = "HH:mm"
        return formatter.string(from: Date(timeIntervalSince1970: TimeInterval(seconds)))
    }

    /// A local day as a heading ("понедельник, 1 марта").
    static func day(_ day: CalendarDate, in language: LanguageCode) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        guard let date = calendar.date(from: DateComponents(year: day.year, month: day.month, day: day.day, hour: 12)) else { return day.description }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: language.rawValue)
        formatter.timeZone = .gmt
        formatter.setLocalizedDateFormatFromTemplate("EEEEdMMMMyyyy")
        return formatter.string(from: date)
    }

    /// "по времени Ташкента, UTC+5" / "Tashkent time, UTC+5".
    static func clock(_ centre: Centre, at date: Date = Date(), in language: LanguageCode) -> String {
        let offset = centre.zone.secondsFromGMT(for: date)
        let hours = offset / 3600
        let minutes = abs(offset % 3600) / 60
        let utc = "UTC\(hours >= 0 ? "+" : "−")\(abs(hours))" + (minutes == 0 ? "" : String(format: ":%02d", minutes))
        return "\(centre.clock.text(language.rawValue)), \(utc)"
    }
}

extension CentreText {
    /// `2027-03-01T05:00:00Z`: how the API and the forms name a slot's start.
    static func rfc3339(_ seconds: Int) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: Date(timeIntervalSince1970: TimeInterval(seconds)))
    }

    /// A start as sent: RFC 3339 with any offset (nil for anything else, or a start not on a whole second).
    static func start(_ text: String?) -> Int? {
        guard let text = text?.trimmingCharacters(in: .whitespaces), !text.isEmpty, text.count <= 40 else { return nil }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        guard let date = formatter.date(from: text) ?? fractional.date(from: text) else { return nil }
        let seconds = date.timeIntervalSince1970
        guard seconds.rounded() == seconds, abs(seconds) < 1e11 else { return nil }
        return Int(seconds)
    }
}

extension Request {
    /// Free slots offered after a refusal, each named on its centre's clock.
    func freeSlotTexts(_ slots: [FreeSlot]) -> [Problem.NextFreeSlot] {
        slots.compactMap { slot in
            application.centres.centre(slot.centre).map {
                Problem.NextFreeSlot(start: CentreText.rfc3339(slot.start), label: CentreText.moment(slot.start, at: $0, in: language))
            }
        }
    }
}

extension String {
    func trimmingSuffix(_ suffix: String) -> String { hasSuffix(suffix) ? String(dropLast(suffix.count)) : self }
}
