/// One subscriber's observed day: the day's number (days since 1970-01-01) and the country with most events that day.
public struct ObservedDay: Hashable, Sendable {
    public let day: Int32
    public let country: CountryKey

    public init(day: Int32, country: CountryKey) {
        self.day = day
        self.country = country
    }
}

/// An ISO 3166-1 alpha-2 code in two bytes: compared as the code is (so "lowest code" breaks ties alphabetically).
public struct CountryKey: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let raw: UInt16

    public init?(_ code: some StringProtocol) {
        let bytes = Array(code.utf8)
        guard bytes.count == 2, bytes.allSatisfy({ (65...90).contains($0) }) else { return nil }
        raw = UInt16(bytes[0]) << 8 | UInt16(bytes[1])
    }

    public var description: String { String(decoding: [UInt8(raw >> 8), UInt8(raw & 0xFF)], as: UTF8.self) }

    public static func < (lhs: CountryKey, rhs: CountryKey) -> Bool { lhs.raw < rhs.raw }
}

/// A maximal run of observed days in one country: its first and last day and how many days were observed in it.
public struct Episode: Hashable, Sendable {
    public let country: CountryKey
    public let first: Int32
    public let last: Int32
    public let observed: Int

    /// First to last day, inclusive.
    public var span: Int { Int(last - first) + 1 }
}

public enum FlowClass: String, CaseIterable, Codable, Hashable, Sendable {
    /// No residence abroad.
    case neverLeft = "never-left"
    /// The first residence at home, the last abroad.
    case departed
    /// At home, abroad, then at home again (for long enough to count as a return).
    case returned
    /// Anything else: first seen abroad, too little data, abroad and back too briefly to say.
    case other
}

/// The default definition, step by step, as `docs/FLOWS.md` states it.
public enum FlowRules {
    /// A day's country: the one with most events; a tie goes to the lowest code.
    public static func dailyCountry(_ counts: [(country: CountryKey, count: UInt64)]) -> CountryKey? {
        counts.max { ($0.count, $1.country) < ($1.count, $0.country) }?.country
    }

    /// Maximal runs of consecutive observed days with the same country (days in order; a gap in observation does not
    /// end a run, a different country does).
    public static func episodes(_ days: [ObservedDay]) -> [Episode] {
        var result: [Episode] = []
        for day in days {
            if let last = result.last, last.country == day.country {
                result[result.count - 1] = Episode(country: last.country, first: last.first, last: day.day, observed: last.observed + 1)
            } else {
                result.append(Episode(country: day.country, first: day.day, last: day.day, observed: 1))
            }
        }
        return result
    }

    /// Episodes of fewer than `noiseDays` observed days dropped as roaming noise, and what is left re-joined into runs
    /// (neighbours of the same country become one).
    public static func runs(_ episodes: [Episode], noiseDays: Int) -> [Episode] {
        var result: [Episode] = []
        for episode in episodes where episode.observed >= noiseDays {
            if let last = result.last, last.country == episode.country {
                result[result.count - 1] = Episode(country: last.country, first: last.first, last: episode.last, observed: last.observed + episode.observed)
            } else {
                result.append(episode)
            }
        }
        return result
    }

    /// A subscriber's class under `definition`, with home country `home`: the residences in order, at home (H) or
    /// abroad (A) — a home run after a residence abroad counts when it spans `returnDays`, any other run when it spans
    /// `residenceDays` — then no A: never left; first H and last A: departed; first H, an A, last H: returned; else
    /// (first seen living abroad): other.
    public static func classify(_ days: [ObservedDay], home: CountryKey, definition: FlowDefinition) -> FlowClass {
        var sequence: [Bool] = []  // true: at home
        for run in runs(episodes(days), noiseDays: definition.noiseDays) {
            let atHome = run.country == home
            let afterAbroad = sequence.contains(false)
            let needed = atHome && afterAbroad ? definition.returnDays : definition.residenceDays
            guard run.span >= needed else { continue }
            if sequence.last != atHome { sequence.append(atHome) }
        }
        guard sequence.contains(false) else { return .neverLeft }
        guard sequence.first == true else { return .other }
        return sequence.last == true ? .returned : .departed
    }
}
