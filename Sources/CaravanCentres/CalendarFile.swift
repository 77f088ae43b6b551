import Foundation

/// One appointment as an iCalendar file (RFC 5545): a VEVENT with UTC times, escaped text and lines folded at 75
/// octets, CRLF line ends — what mail clients and phones add to a calendar.
public struct CalendarFile: Sendable {
    public var uid: String
    public var stamp: Date
    public var start: Date
    public var end: Date
    public var summary: String
    public var location: String
    public var description: String
    /// `CONFIRMED`, or `CANCELLED` for a cancellation (same `uid`, a higher `sequence`).
    public var cancelled = false
    public var sequence = 0

    public init(uid: String, stamp: Date, start: Date, end: Date, summary: String, location: String, description: String,
                cancelled: Bool = false, sequence: Int = 0) {
        self.uid = uid
        self.stamp = stamp
        self.start = start
        self.end = end
        self.summary = summary
        self.location = location
        self.description = description
        self.cancelled = cancelled
        self.sequence = sequence
    }

    public var text: String {
        let lines = [
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "PRODID:-//Caravan//Centres//EN",
            "CALSCALE:GREGORIAN",
            "METHOD:\(cancelled ? "CANCEL" : "PUBLISH")",
            "BEGIN:VEVENT",
            "UID:\(Self.escape(uid))",
            "SEQUENCE:\(sequence)",
            "DTSTAMP:\(Self.utc(stamp))",
            "DTSTART:\(Self.utc(start))",
            "DTEND:\(Self.utc(end))",
            "SUMMARY:\(Self.escape(summary))",
            "LOCATION:\(Self.escape(location))",
            "DESCRIPTION:\(Self.escape(description))",
            "STATUS:\(cancelled ? "CANCELLED" : "CONFIRMED")",
            "END:VEVENT",
            "END:VCALENDAR",
        ]
        return lines.map(Self.fold).joined(separator: "\r\n") + "\r\n"
    }

    /// `20270115T040000Z`.
    static func utc(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        let p = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(format: "%04d%02d%02dT%02d%02d%02dZ", p.year ?? 0, p.month ?? 0, p.day ?? 0, p.hour ?? 0, p.minute ?? 0, p.second ?? 0)
    }

    /// TEXT escaping (RFC 5545 §3.3.11): backslash, semicolon, comma, and newlines as `\n`.
    static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "\\": out += "\\\\"
            case ";": out += "\\;"
            case ",": out += "\\,"
            case "\n", "\r\n": out += "\\n"
            case "\r": continue
            default: out.append(character)
            }
        }
        return out
    }

    /// Folds a content line so no physical line exceeds 75 octets, never splitting a UTF-8 character (§3.1).
    static func fold(_ line: String) -> String {
        var result = ""
        var octets = 0
        var limit = 75
        for character in line {
            let size = String(character).utf8.count
            if octets + size > limit {
                result += "\r\n "
                octets = 0
                limit = 74 // the leading space counts
            }
            result.append(character)
            octets += size
        }
        return result
    }
}
