/// Who the synthetic subscribers are, each decided by the seed and their index alone (so any subscriber's day can be
/// drawn without remembering anything: the generator streams day by day in constant memory).
///
/// The standard profile: half never leave (some with a trip abroad of 5–20 days), a fifth depart for good (after at
/// least 45 days at home, at least 75 abroad), a fifth return (abroad 60–240 days, then at least 60 at home), a tenth
/// are first seen abroad (half of them come home later); everyone is seen on 42–82 % of days, some go dark for 3–15
/// days running, most roam into a neighbouring country for a day or two now and then, and one day in twenty has a
/// few events in a second country. Under the default definition (noise 3, residence 30, return 30) the truth is
/// what each was made to be. The adversarial profile is random stays of 1–183 days in five countries with ties,
/// repeated rows, huge counts and stays right at the thresholds: no truth, only edges for the engines to agree on.
public struct FlowsPopulation: Sendable {
    public let seed: UInt64
    public let home: UInt16
    public let firstDay: Int32
    public let days: Int
    public let adversarial: Bool
    let abroad: Weighted<UInt16>
    let neighbours: [UInt16]
    let edgeCountries: [UInt16]

    /// Rows a subscriber-day on average in the standard profile: 62 % of days seen, less the dark days, plus the
    /// second-country and repeated rows (about 0.644: 235 rows a subscriber over a year).
    public static let rowsPerSubscriberDay = 0.644

    public init(seed: UInt64, home: UInt16, firstDay: Int32, days: Int, adversarial: Bool) {
        self.seed = seed
        self.home = home
        self.firstDay = firstDay
        self.days = days
        self.adversarial = adversarial
        let codes: [(String, Int)] = [("RU", 60), ("KZ", 25), ("TR", 10), ("KR", 5), ("DE", 3)]
        abroad = Weighted(codes.compactMap { code, weight in Self.country(code).flatMap { $0 == home ? nil : ($0, weight) } })
        neighbours = ["KZ", "KG", "TJ", "AF", "TM"].compactMap(Self.country).filter { $0 != home }
        edgeCountries = ["AE", "KZ", "RU", "TR"].compactMap(Self.country).filter { $0 != home } + [home]
    }

    public static func country(_ code: String) -> UInt16? {
        let bytes = Array(code.utf8)
        guard bytes.count == 2, bytes.allSatisfy({ (65...90).contains($0) }) else { return nil }
        return UInt16(bytes[0]) << 8 | UInt16(bytes[1])
    }

    public static func dayNumber(_ text: String) -> Int32? {
        let parts = text.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3, (1...12).contains(parts[1]), (1...31).contains(parts[2]) else { return nil }
        let (y, m, d) = (parts[0], parts[1], parts[2])
        let yy = m <= 2 ? y - 1 : y
        let era = (yy >= 0 ? yy : yy - 399) / 400
        let yoe = yy - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        return Int32(era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468)
    }

    /// One stay: a country from `from` (a day index) for `length` days.
    public struct Stay: Sendable {
        var country: UInt16
        var from: Int
        var length: Int
        func covers(_ day: Int) -> Bool { day >= from && day < from + length }
    }

    public struct Plan: Sendable {
        public var sub: UInt64
        public var truth: String
        var seen: Double
        /// What each day is, in order of precedence: dark days, roaming, a trip, the main stays.
        var dark: Stay?
        var roams: (Stay?, Stay?, Stay?)
        var trip: Stay?
        var main: (Stay, Stay?, Stay?)
        var key: UInt64
    }

    /// A subscriber's number: SplitMix's finaliser is a bijection, so different indexes never share one.
    public func subscriber(_ index: Int) -> UInt64 {
        var z = UInt64(index) &+ seed &* 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    public func plan(_ index: Int) -> Plan {
        var rng = SplitMix64.forItem(seed: seed, stream: 18, index: index)
        let sub = subscriber(index)
        let seen = 0.42 + 0.40 * rng.unit()
        let dark = rng.chance(0.3) ? Stay(country: 0, from: rng.below(days), length: rng.int(in: 3...15)) : nil
        func roam() -> Stay? {
            rng.chance(0.6) ? Stay(country: neighbours[rng.below(neighbours.count)], from: rng.below(days), length: rng.int(in: 1...2)) : nil
        }
        let roams = (roam(), roam(), roam())
        let away = abroad.sample(&rng)
        let kind = rng.unit()
        let everywhere = Stay(country: home, from: 0, length: days)
        var plan = Plan(sub: sub, truth: "never-left", seen: seen, dark: dark, roams: roams, trip: nil, main: (everywhere, nil, nil), key: rng.next())
        if kind < 0.5 {
            if rng.chance(0.3) { plan.trip = Stay(country: away, from: rng.below(days - 20), length: rng.int(in: 5...20)) }
        } else if kind < 0.7 {
            let leave = rng.int(in: 45...(days - 75))
            plan.truth = "departed"
            plan.main = (Stay(country: home, from: 0, length: leave), Stay(country: away, from: leave, length: days - leave), nil)
        } else if kind < 0.9 {
            let leave = rng.int(in: 45...(days - 120))
            let length = rng.int(in: 60...min(240, days - 60 - leave))
            plan.truth = "returned"
            plan.main = (Stay(country: home, from: 0, length: leave), Stay(country: away, from: leave, length: length),
                         Stay(country: home, from: leave + length, length: days - leave - length))
        } else {
            plan.truth = "other"
            if rng.chance(0.5) {
                let back = rng.int(in: 60...(days - 60))
                plan.main = (Stay(country: away, from: 0, length: back), Stay(country: home, from: back, length: days - back), nil)
            } else {
                plan.main = (Stay(country: away, from: 0, length: days), nil, nil)
            }
        }
        return plan
    }

    /// The rows of subscriber `index` on day `day` (0-based), appended as (country, count).
    public func rows(_ plan: Plan, day: Int, into rows: inout [(UInt16, UInt32)]) {
        var rng = SplitMix64(seed: plan.key ^ UInt64(day) &* 0xD1B5_4A32_D192_ED03)
        if let dark = plan.dark, dark.covers(day) { return }
        guard rng.unit() < plan.seen else { return }
        var country = plan.main.0.country
        if let stay = plan.main.1, stay.covers(day) { country = stay.country }
        if let stay = plan.main.2, stay.covers(day) { country = stay.country }
        if let trip = plan.trip, trip.covers(day) { country = trip.country }
        for roam in [plan.roams.0, plan.roams.1, plan.roams.2] { if let roam, roam.covers(day) { country = roam.country } }
        let count = UInt32(1 + rng.below(20))
        rows.append((country, count))
        if count > 1, rng.chance(0.05) {
            // A few events in a second country: fewer than the day's own, so the day's country stays.
            var other = neighbours[rng.below(neighbours.count)]
            if other == country { other = home == country ? neighbours[0] : home }
            if other != country { rows.append((other, UInt32(1 + rng.below(Int(count) - 1)))) }
        }
        if rng.chance(0.003) { rows.append((country, 1)) }  // the same country in a second row
    }

    /// The adversarial profile's stays for one subscriber: 0–9 stays of 1 to 183 days, right at the thresholds.
    public func edgeStays(_ index: Int) -> [(stay: Stay, seen: Double)] {
        var rng = SplitMix64.forItem(seed: seed, stream: 1_818, index: index)
        var day = rng.below(30)
        var stays: [(Stay, Double)] = []
        // Half go home, abroad, home… in turn (departures and returns at the thresholds); half wander at random.
        let alternate = rng.chance(0.5)
        for stay in 0..<rng.int(in: 0...9) {
            let length = [1, 2, 3, 4, 29, 30, 31, 60, 90, 182, 183][rng.below(11)]
            let country = alternate && stay % 2 == 0 ? home : edgeCountries[rng.below(edgeCountries.count)]
            stays.append((Stay(country: country, from: day, length: length), 0.3 + 0.7 * rng.unit()))
            day += length + [0, 0, 0, 5, 20][rng.below(5)]
        }
        return stays
    }

    public func edgeRows(_ stays: [(stay: Stay, seen: Double)], index: Int, day: Int, into rows: inout [(UInt16, UInt32)]) {
        guard let (stay, seen) = stays.first(where: { $0.stay.covers(day) }) else { return }
        var rng = SplitMix64(seed: subscriber(index) ^ UInt64(day) &* 0xD1B5_4A32_D192_ED03)
        guard rng.unit() < seen else { return }
        // Now and then a count near 2^32, so that sums must not wrap.
        let count = rng.chance(0.02) ? UInt32.max - UInt32(rng.below(3)) : UInt32(1 + rng.below(4))
        rows.append((stay.country, count))
        let other = edgeCountries[rng.below(edgeCountries.count)]
        switch rng.below(8) {
        case 0: rows.append((other, count))  // a tie: the lowest code wins
        case 1: rows.append((stay.country, 1))  // the same country again: they add up
        case 2: rows.append((other, count == UInt32.max ? count : count + 1))  // more events elsewhere
        default: break
        }
    }
}
