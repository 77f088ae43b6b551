/// `FlowRules` without allocating: one subscriber's rows (sorted by day, then country) reduced to the day's country
/// and to episodes in reused buffers, then each definition's runs and residences read in one pass over the episodes.
/// The rules are `FlowRules`' and nothing else; `FastPathEquivalenceTests` holds the two to the same answers on
/// random data. Why it is safe to stream the sequence step: a run abroad counts as a residence by its span alone
/// (`residenceDays`), so "after a residence abroad" is known by the time each home run is reached.
public struct SubscriberClassifier: Sendable {
    public let home: CountryKey
    public let definitions: [FlowDefinition]
    private var episodeCountry: [UInt16] = []
    private var episodeFirst: [Int32] = []
    private var episodeLast: [Int32] = []
    private var episodeObserved: [Int32] = []

    public init(home: CountryKey, definitions: [FlowDefinition]) {
        self.home = home
        self.definitions = definitions
        episodeCountry.reserveCapacity(64); episodeFirst.reserveCapacity(64)
        episodeLast.reserveCapacity(64); episodeObserved.reserveCapacity(64)
    }

    /// One subscriber's rows as columns, sorted by (day, country); each definition's class added to `tally`.
    public mutating func add(days: UnsafeBufferPointer<UInt16>, countries: UnsafeBufferPointer<UInt16>,
                             counts: UnsafeBufferPointer<UInt32>, to tally: inout FlowTally) {
        resetEpisodes()
        var index = 0
        let n = days.count
        while index < n {
            let day = days[index]
            var best: UInt16 = 0, bestCount: UInt64 = 0
            while index < n, days[index] == day {
                // Rows of one country in a day are neighbours (sorted by country): they add up.
                let country = countries[index]
                var sum: UInt64 = 0
                while index < n, days[index] == day, countries[index] == country {
                    sum += UInt64(counts[index]); index += 1
                }
                // Ascending codes: only a strictly larger count displaces, so a tie stays with the lowest code.
                if sum > bestCount { best = country; bestCount = sum }
            }
            observe(day: Int32(day), country: best)
        }
        tallyDefinitions(into: &tally, events: n)
    }

    /// One subscriber's packed events, sorted by `key` (day, country, count).
    public mutating func add(_ events: UnsafeBufferPointer<PackedEvent>, to tally: inout FlowTally) {
        resetEpisodes()
        var index = 0
        let n = events.count
        while index < n {
            let day = events[index].day
            var best: UInt16 = 0, bestCount: UInt64 = 0
            while index < n, events[index].day == day {
                let country = events[index].country
                var sum: UInt64 = 0
                while index < n, events[index].key >> 32 == UInt64(day) << 16 | UInt64(country) {
                    sum += UInt64(events[index].count); index += 1
                }
                if sum > bestCount { best = country; bestCount = sum }
            }
            observe(day: Int32(day), country: best)
        }
        tallyDefinitions(into: &tally, events: n)
    }

    /// Each definition's class for the episodes just read (for tests: one subscriber at a time).
    public mutating func classes(_ events: [PackedEvent]) -> [FlowClass] {
        var tally = FlowTally(definitions: definitions.count)
        let sorted = events.sorted { $0.key < $1.key }
        sorted.withUnsafeBufferPointer { add($0, to: &tally) }
        return (0..<definitions.count).map { d in FlowClass.allCases.first { tally.count(definition: d, $0) == 1 }! }
    }

    @inline(__always) private mutating func resetEpisodes() {
        episodeCountry.removeAll(keepingCapacity: true); episodeFirst.removeAll(keepingCapacity: true)
        episodeLast.removeAll(keepingCapacity: true); episodeObserved.removeAll(keepingCapacity: true)
    }

    /// Step 2: a day in the same country as the episode before extends it (a gap in observation does not end it).
    @inline(__always) private mutating func observe(day: Int32, country: UInt16) {
        if let last = episodeCountry.last, last == country {
            episodeLast[episodeLast.count - 1] = day
            episodeObserved[episodeObserved.count - 1] += 1
        } else {
            episodeCountry.append(country); episodeFirst.append(day); episodeLast.append(day); episodeObserved.append(1)
        }
    }

    private func tallyDefinitions(into tally: inout FlowTally, events: Int) {
        tally.subscribers += 1
        tally.events += events
        for (index, definition) in definitions.enumerated() {
            tally.counts[index * 4 + Self.classify(
                countries: episodeCountry, first: episodeFirst, last: episodeLast, observed: episodeObserved,
                home: home.raw, noise: Int32(definition.noiseDays), residence: Int32(definition.residenceDays),
                return: Int32(definition.returnDays))] += 1
        }
    }

    /// Steps 3–5 in one pass: 0 never left, 1 departed, 2 returned, 3 other (`FlowClass.allCases` order).
    @inline(__always)
    static func classify(countries: [UInt16], first: [Int32], last: [Int32], observed: [Int32], home: UInt16,
                         noise: Int32, residence: Int32, return returnDays: Int32) -> Int {
        var abroad = false  // a residence abroad accepted so far
        var firstKind: Int8 = -1, lastKind: Int8 = -1  // 1 at home, 0 abroad
        var runCountry: UInt16 = 0, runFirst: Int32 = 0, runLast: Int32 = 0, haveRun = false
        @inline(__always) func accept() {
            let atHome = runCountry == home
            let needed = atHome && abroad ? returnDays : residence
            guard runLast - runFirst + 1 >= needed else { return }
            let kind: Int8 = atHome ? 1 : 0
            if firstKind < 0 { firstKind = kind }
            lastKind = kind
            if !atHome { abroad = true }
        }
        for index in countries.indices where observed[index] >= noise {
            if haveRun, countries[index] == runCountry {
                runLast = last[index]
            } else {
                if haveRun { accept() }
                runCountry = countries[index]; runFirst = first[index]; runLast = last[index]; haveRun = true
            }
        }
        if haveRun { accept() }
        guard abroad else { return 0 }
        guard firstKind == 1 else { return 3 }
        return lastKind == 1 ? 2 : 1
    }
}

/// Class counts for a list of definitions, added up subscriber by subscriber (and thread by thread).
public struct FlowTally: Hashable, Sendable {
    /// definition × class (`FlowClass.allCases` order).
    public var counts: [Int]
    public var subscribers = 0
    public var events = 0

    public init(definitions: Int) {
        counts = Array(repeating: 0, count: definitions * 4)
    }

    public func count(definition: Int, _ flowClass: FlowClass) -> Int {
        counts[definition * 4 + FlowClass.allCases.firstIndex(of: flowClass)!]
    }

    public mutating func merge(_ other: FlowTally) {
        for index in counts.indices { counts[index] += other.counts[index] }
        subscribers += other.subscribers
        events += other.events
    }

    public func summaries(_ definitions: [FlowDefinition]) -> [FlowSummary] {
        definitions.enumerated().map { index, definition in
            // Classes nobody is in are left out, as `FlowAnalysis.summaries` leaves them.
            FlowSummary(definition: definition, counts: Dictionary(uniqueKeysWithValues: FlowClass.allCases.compactMap { flowClass in
                count(definition: index, flowClass) > 0 ? (flowClass, count(definition: index, flowClass)) : nil
            }))
        }
    }
}
