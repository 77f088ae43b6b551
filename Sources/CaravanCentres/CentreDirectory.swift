import CaravanPermits
import Foundation

/// Why the centres' data could not be loaded: the server refuses to start rather than offer made-up slots.
public enum CentreDataError: Error, Equatable, Sendable, CustomStringConvertible {
    case unreadable(file: String, reason: String)
    case invalid(centre: String, reason: String)

    public var description: String {
        switch self {
        case .unreadable(let file, let reason): "centres data \(file): \(reason)"
        case .invalid(let centre, let reason): "centre \(centre): \(reason)"
        }
    }
}

/// Every centre with its host country's public holidays: what slot generation and booking rules read.
public struct CentreDirectory: Sendable {
    struct File: Codable {
        let source: String
        let limits: BookingLimits
        let centres: [Centre]
    }

    public let centres: [Centre]
    public let limits: BookingLimits
    public let source: String
    /// Host-country calendars by country code (`UZ`): holidays, transfers, provisional years.
    public let calendars: [String: WorkingDayCalendar]

    public init(centres: [Centre], limits: BookingLimits, source: String = "", calendars: [String: WorkingDayCalendar]) throws(CentreDataError) {
        var ids = Set<String>()
        for centre in centres {
            guard ids.insert(centre.id).inserted else { throw .invalid(centre: centre.id, reason: "listed twice") }
            guard TimeZone(identifier: centre.timeZone) != nil else { throw .invalid(centre: centre.id, reason: "unknown time zone \(centre.timeZone)") }
            guard calendars[centre.country] != nil else { throw .invalid(centre: centre.id, reason: "no holiday calendar for \(centre.country)") }
            guard centre.code.count == 3 else { throw .invalid(centre: centre.id, reason: "code must be three letters") }
            for (day, span) in centre.hours {
                guard Weekday.allCases.contains(where: { $0.name == day }) else { throw .invalid(centre: centre.id, reason: "unknown weekday \(day)") }
                guard span.opens < span.closes else { throw .invalid(centre: centre.id, reason: "\(day) closes before it opens") }
            }
            var services = Set<CentreService>()
            for offer in centre.services {
                guard services.insert(offer.service).inserted else { throw .invalid(centre: centre.id, reason: "\(offer.service.rawValue) listed twice") }
                guard offer.minutes > 0, offer.desks > 0, offer.changeCutoffHours >= 0 else {
                    throw .invalid(centre: centre.id, reason: "\(offer.service.rawValue) needs positive minutes and desks")
                }
            }
        }
        self.centres = centres
        self.limits = limits
        self.source = source
        self.calendars = calendars
    }

    public func centre(_ id: String) -> Centre? { centres.first { $0.id == id } }

    public func calendar(of centre: Centre) -> WorkingDayCalendar? { calendars[centre.country] }

    /// The centres and holiday files shipped in this module.
    public static func bundled() throws(CentreDataError) -> CentreDirectory {
        guard let centresURL = Bundle.module.url(forResource: "centres", withExtension: "json"),
              let holidays = Bundle.module.url(forResource: "holidays", withExtension: nil)
        else { throw .unreadable(file: "centres.json", reason: "missing from the bundle") }
        return try load(centres: centresURL, holidays: holidays)
    }

    /// Reads the centres file and every `<country>-<year>.json` holiday file in `holidays`.
    public static func load(centres url: URL, holidays folder: URL) throws(CentreDataError) -> CentreDirectory {
        let file: File
        do {
            file = try JSONDecoder().decode(File.self, from: Data(contentsOf: url))
        } catch {
            throw .unreadable(file: url.lastPathComponent, reason: "\(error)")
        }
        var years: [String: [ProductionCalendarYear]] = [:]
        do {
            let names = try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil).filter { $0.pathExtension == "json" }
            for name in names {
                let year = try JSONDecoder().decode(ProductionCalendarYear.self, from: Data(contentsOf: name))
                years[year.country.uppercased(), default: []].append(year)
            }
        } catch {
            throw .unreadable(file: folder.lastPathComponent, reason: "\(error)")
        }
        var calendars: [String: WorkingDayCalendar] = [:]
        for (country, files) in years {
            do {
                calendars[country] = try WorkingDayCalendar(files)
            } catch {
                throw .unreadable(file: "holidays/\(country.lowercased())", reason: error.description)
            }
        }
        return try CentreDirectory(centres: file.centres, limits: file.limits, source: file.source, calendars: calendars)
    }
}
