import Foundation

/// The input as text: a header `sub,day,country,cnt`, then one row per subscriber, day and country — `sub` a 64-bit
/// hash in decimal or 16 hex digits, `day` as YYYY-MM-DD, `country` ISO 3166-1 alpha-2, `cnt` a whole number of
/// events. A row that is not so is reported by its line number.
public enum EventCSV {
    public static let header = ["sub", "day", "country", "cnt"]

    public struct RowError: Error, Hashable, Sendable, CustomStringConvertible {
        public let line: Int
        public let reason: String

        public var description: String { "line \(line): \(reason)" }
    }

    /// Days from 1970-01-01 to 2100-12-31: anything else is a day out of range.
    public static let days: ClosedRange<Int32> = 0...47_846

    public static func checkHeader(_ line: Substring) -> Bool {
        line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces).lowercased() } == header
    }

    /// One data line (without its line break).
    public static func parse(_ line: Substring, number: Int) throws(RowError) -> MobilityEvent {
        let cells = line.split(separator: ",", omittingEmptySubsequences: false)
        guard cells.count == 4 else { throw RowError(line: number, reason: "expected 4 fields (sub,day,country,cnt), found \(cells.count)") }
        let subText = cells[0].trimmingCharacters(in: .whitespaces)
        guard let sub = UInt64(subText) ?? (subText.count == 16 ? UInt64(subText, radix: 16) : nil) else {
            throw RowError(line: number, reason: "sub is not a 64-bit number: \(subText.prefix(40))")
        }
        guard let day = dayNumber(cells[1].trimmingCharacters(in: .whitespaces)) else {
            throw RowError(line: number, reason: "day is not a date (YYYY-MM-DD): \(cells[1].prefix(40))")
        }
        guard days.contains(day) else { throw RowError(line: number, reason: "day out of range (1970-01-01 to 2100-12-31)") }
        guard let country = CountryKey(cells[2].trimmingCharacters(in: .whitespaces)) else {
            throw RowError(line: number, reason: "country is not a two-letter code: \(cells[2].prefix(40))")
        }
        guard let count = UInt32(cells[3].trimmingCharacters(in: .whitespaces)), count > 0 else {
            throw RowError(line: number, reason: "cnt is not a whole number above 0: \(cells[3].prefix(40))")
        }
        return MobilityEvent(subscriber: sub, day: day, country: country, count: count)
    }

    /// YYYY-MM-DD → days since 1970-01-01 (the proleptic Gregorian calendar); nil for anything else.
    public static func dayNumber(_ text: String) -> Int32? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]), (1...12).contains(m) else { return nil }
        let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
        let lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard (1...lengths[m - 1]).contains(d) else { return nil }
        // Days from civil (Howard Hinnant's algorithm).
        let yy = m <= 2 ? y - 1 : y
        let era = (yy >= 0 ? yy : yy - 399) / 400
        let yoe = yy - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return Int32(era * 146_097 + doe - 719_468)
    }

    /// Every line of a text: the events, or every bad line (all reported, none taken) — `skipBad` takes the good ones
    /// and reports the rest.
    public static func read(_ text: String, skipBad: Bool = false) -> (events: [MobilityEvent], errors: [RowError]) {
        var events: [MobilityEvent] = []
        var errors: [RowError] = []
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).makeIterator()
        guard let first = lines.next(), checkHeader(first.hasSuffix("\r") ? first.dropLast() : first) else {
            return ([], [RowError(line: 1, reason: "the first line must be: \(header.joined(separator: ","))")])
        }
        var number = 1
        while let raw = lines.next() {
            number += 1
            let line = raw.hasSuffix("\r") ? raw.dropLast() : raw
            if line.isEmpty { continue }
            do { events.append(try parse(line, number: number)) } catch { errors.append(error) }
        }
        if events.isEmpty && errors.isEmpty { errors.append(RowError(line: number, reason: "no data rows")) }
        return (skipBad || errors.isEmpty ? events : [], errors)
    }
}
