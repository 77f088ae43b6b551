import Foundation

/// Which days are working days, by year, loaded from production-calendar data.
///
/// A question about a year with no data throws `CalendarError.yearNotCovered`; nothing is extrapolated.
public struct WorkingDayCalendar: Sendable {
    /// What a day is, and why.
    public enum DayKind: Equatable, Sendable {
        case working
        case weekend
        case holiday
        /// A weekday made a day off by a transfer or a statutory shift.
        case transferredDayOff
        /// A weekend day made a working day by a transfer.
        case transferredWorkingDay

        public var isWorking: Bool { self == .working || self == .transferredWorkingDay }
    }

    struct Year: Sendable {
        let status: ProductionCalendarYear.Status
        /// Indexed by `dayOfYear - 1`; a few hundred bytes per year, read without hashing.
        let kinds: [DayKind]
    }

    private let years: [Int: Year]
    public let files: [ProductionCalendarYear]

    public init(_ files: [ProductionCalendarYear]) throws(CalendarError) {
        var years: [Int: Year] = [:]
        for file in files {
            guard years[file.year] == nil else { throw .duplicateYear(file.year) }
            years[file.year] = try Self.table(for: file)
        }
        self.years = years
        self.files = files.sorted { $0.year < $1.year }
    }

    /// The years this calendar can answer for.
    public var coveredYears: [Int] { years.keys.sorted() }

    public func isProvisional(_ year: Int) -> Bool { years[year]?.status == .provisional }

    public func kind(of date: CalendarDate) throws(CalendarError) -> DayKind {
        guard let table = years[date.year] else { throw .yearNotCovered(date.year) }
        return table.kinds[date.dayOfYear - 1]
    }

    public func isWorkingDay(_ date: CalendarDate) throws(CalendarError) -> Bool {
        try kind(of: date).isWorking
    }

    private static func table(for file: ProductionCalendarYear) throws(CalendarError) -> Year {
        let name = "\(file.country.lowercased())-\(file.year)"
        guard let first = CalendarDate(year: file.year, month: 1, day: 1) else {
            throw .unreadable(file: name, reason: "year \(file.year) is out of range")
        }
        let length = CalendarDate.isLeap(file.year) ? 366 : 365
        var kinds = (0..<length).map { first.adding(days: $0).weekday.isWeekend ? DayKind.weekend : .working }
        var seen = Set<CalendarDate>()

        func mark(_ days: [ProductionCalendarYear.Day], as kind: DayKind, weekend: Bool?) throws(CalendarError) {
            for day in days {
                guard day.date.year == file.year else { throw .dateOutsideYear(file: name, date: day.date) }
                guard seen.insert(day.date).inserted else {
                    throw .inconsistentDay(file: name, date: day.date, reason: "is listed more than once")
                }
                if let weekend, day.date.weekday.isWeekend != weekend {
                    throw .inconsistentDay(
                        file: name, date: day.date,
                        reason: weekend ? "is a working-day transfer but not a weekend" : "is a day-off transfer but not a weekday"
                    )
                }
                kinds[day.date.dayOfYear - 1] = kind
            }
        }
        try mark(file.holidays, as: .holiday, weekend: nil)
        try mark(file.transferredDaysOff, as: .transferredDayOff, weekend: false)
        try mark(file.transferredWorkingDays, as: .transferredWorkingDay, weekend: true)
        return Year(status: file.status, kinds: kinds)
    }
}

extension WorkingDayCalendar {
    /// Reads every `*.json` in `folder` (one `ProductionCalendarYear` each).
    public static func load(from folder: URL) throws(CalendarError) -> WorkingDayCalendar {
        let files: [URL]
        do {
            files = try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
                .filter { $0.pathExtension == "json" }
        } catch {
            throw .unreadable(file: folder.lastPathComponent, reason: "\(error)")
        }
        var years: [ProductionCalendarYear] = []
        for file in files {
            do {
                years.append(try JSONDecoder().decode(ProductionCalendarYear.self, from: Data(contentsOf: file)))
            } catch {
                throw .unreadable(file: file.lastPathComponent, reason: "\(error)")
            }
        }
        return try WorkingDayCalendar(years)
    }

    /// Russia's production calendars shipped in this module, parsed once per process.
    public static func bundledRussia() throws(CalendarError) -> WorkingDayCalendar {
        try bundledResult.get()
    }

    private static let bundledResult: Result<WorkingDayCalendar, CalendarError> = {
        guard let folder = Bundle.module.url(forResource: "calendars", withExtension: nil) else {
            return .failure(.unreadable(file: "calendars", reason: "the folder is missing from the bundle"))
        }
        do throws(CalendarError) {
            return .success(try load(from: folder))
        } catch {
            return .failure(error)
        }
    }()
}
