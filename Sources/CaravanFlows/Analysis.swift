/// One row of mobility data: an anonymised subscriber (a 64-bit hash), a day (days since 1970-01-01), a country and
/// how many events the subscriber had there that day.
public struct MobilityEvent: Hashable, Sendable {
    public let subscriber: UInt64
    public let day: Int32
    public let country: CountryKey
    public let count: UInt32

    public init(subscriber: UInt64, day: Int32, country: CountryKey, count: UInt32) {
        self.subscriber = subscriber
        self.day = day
        self.country = country
        self.count = count
    }
}

/// Events in, classes out: each subscriber's days reduced to the day's country, then classified under each
/// definition. Events may come in any order (operators' dumps come sorted by day); a subscriber's days are put in
/// order before they are read.
public struct FlowAnalysis: Sendable {
    public let home: CountryKey
    private var days: [UInt64: [(day: Int32, country: CountryKey, count: UInt32)]] = [:]

    public init(home: CountryKey) {
        self.home = home
    }

    public mutating func add(_ event: MobilityEvent) {
        days[event.subscriber, default: []].append((event.day, event.country, event.count))
    }

    public mutating func add(contentsOf events: some Sequence<MobilityEvent>) {
        for event in events { add(event) }
    }

    public var subscribers: Int { days.count }

    /// A subscriber's observed days, each with its country (most events; ties to the lowest code).
    static func observed(_ rows: [(day: Int32, country: CountryKey, count: UInt32)]) -> [ObservedDay] {
        let sorted = rows.sorted { ($0.day, $0.country) < ($1.day, $1.country) }
        var result: [ObservedDay] = []
        var index = 0
        while index < sorted.count {
            let day = sorted[index].day
            var counts: [(country: CountryKey, count: UInt64)] = []
            while index < sorted.count, sorted[index].day == day {
                // The same country twice in a day (two rows) adds up (in 64 bits: no count wraps around).
                if let last = counts.last, last.country == sorted[index].country {
                    counts[counts.count - 1].count = last.count + UInt64(sorted[index].count)
                } else {
                    counts.append((sorted[index].country, UInt64(sorted[index].count)))
                }
                index += 1
            }
            if let country = FlowRules.dailyCountry(counts) { result.append(ObservedDay(day: day, country: country)) }
        }
        return result
    }

    /// Each definition's class counts over every subscriber.
    public func summaries(_ definitions: [FlowDefinition]) -> [FlowSummary] {
        var counts = Array(repeating: [FlowClass: Int](), count: definitions.count)
        for rows in days.values {
            let observed = Self.observed(rows)
            for (index, definition) in definitions.enumerated() {
                counts[index][FlowRules.classify(observed, home: home, definition: definition), default: 0] += 1
            }
        }
        return zip(definitions, counts).map { FlowSummary(definition: $0, counts: $1) }
    }

    /// Each subscriber's class under one definition (for tests against a known truth).
    public func classes(_ definition: FlowDefinition) -> [UInt64: FlowClass] {
        days.mapValues { FlowRules.classify(Self.observed($0), home: home, definition: definition) }
    }
}
