/// Which counts a public table may show. A count of 15 or fewer is never shown ("≤15", FlowKit's rule), and neither
/// is any count that would let a reader work out such a count by subtraction from what is shown.
///
/// The method, as `docs/OBSERVATORY.md` states it:
/// 1. Every count of 15 or fewer is hidden (primary suppression), zero included.
/// 2. Each published identity `total = part₁ + … + partₙ` is a *relation*. A part may be a key that is never
///    published (the people who dropped out between two funnel steps): it is always unknown to the reader.
/// 3. For each relation, what a reader can work out from the shown figures is checked:
///    - the total shown and some parts unknown: the unknown parts together are `total − shown parts`; if that is 15
///      or fewer, the smallest shown part is hidden too (or, with none left, the total);
///    - the total hidden and every part shown: the total is their sum; if it is 15 or fewer, the smallest part is
///      hidden too.
/// 4. Step 3 repeats until nothing changes (hiding only ever grows, so it ends).
///
/// Nested figures (a funnel: everyone counted at a step was counted at every earlier one) are published as one
/// relation for every pair of steps, so the difference between any two shown steps is either 0 — nobody dropped —
/// which is hidden as well, or more than 15.
public struct DisclosureControl: Sendable {
    /// The largest count that is never shown.
    public static let threshold = 15

    /// `total = sum(parts)`; keys absent from the counts are never published.
    public struct Relation: Hashable, Sendable {
        public let total: String
        public let parts: [String]

        public init(total: String, parts: [String]) {
            self.total = total
            self.parts = parts
        }
    }

    public let counts: [String: Int]
    public let relations: [Relation]

    public init(counts: [String: Int], relations: [Relation]) {
        self.counts = counts
        self.relations = relations
    }

    /// Relations for nested steps (each a subset of the one before): for every pair `i < j`, step i = step j + the
    /// people who left between them (a key never published).
    public static func nested(_ steps: [String]) -> [Relation] {
        var relations: [Relation] = []
        for i in steps.indices {
            for j in steps.indices where j > i {
                relations.append(Relation(total: steps[i], parts: [steps[j], "\(steps[i])→\(steps[j]).left"]))
            }
        }
        return relations
    }

    /// The keys that must not be shown.
    public func hidden() -> Set<String> {
        var hidden = Set(counts.filter { $0.value <= Self.threshold }.keys)
        func shown(_ key: String) -> Int? { hidden.contains(key) ? nil : counts[key] }
        var changed = true
        while changed {
            changed = false
            for relation in relations {
                let shownParts = relation.parts.compactMap { key in shown(key).map { (key: key, value: $0) } }
                let unknownParts = relation.parts.count - shownParts.count
                let known = shownParts.reduce(0) { $0 + $1.value }
                let smallest = shownParts.min { ($0.value, $0.key) < ($1.value, $1.key) }?.key
                if let total = shown(relation.total) {
                    // What the unknown parts hold together.
                    guard unknownParts > 0, total - known <= Self.threshold else { continue }
                    hidden.insert(smallest ?? relation.total)
                    changed = true
                } else if unknownParts == 0, known <= Self.threshold, let smallest {
                    // The hidden total, given away by its parts.
                    hidden.insert(smallest)
                    changed = true
                }
            }
        }
        return hidden
    }
}

/// The middle and the 90th percentile of a set of durations (nearest rank: always a value that occurred).
public struct Spread: Hashable, Sendable {
    public let count: Int
    public let median: Int?
    public let p90: Int?

    public init(_ values: [Int]) {
        let sorted = values.sorted()
        count = sorted.count
        func rank(_ p: Double) -> Int? {
            guard !sorted.isEmpty else { return nil }
            let index = Int((p * Double(sorted.count)).rounded(.up)) - 1
            return sorted[min(max(index, 0), sorted.count - 1)]
        }
        median = rank(0.5)
        p90 = rank(0.9)
    }
}

/// People through nested steps (an account, a complete profile, an application, …): each person is counted at the
/// furthest step they reached and at every step before it, so every step is a part of the one above; the time between
/// steps is counted in whole days from the previous step that carries a day (some steps carry none).
public struct Funnel: Sendable {
    public let steps: Int
    /// Steps whose reaching carries no day.
    public let undated: Set<Int>
    private var people: [(furthest: Int, days: [Int?])] = []

    public init(steps: Int, undated: Set<Int> = []) {
        self.steps = steps
        self.undated = undated
    }

    /// One person: the furthest step reached, and the day number (days since 1970-01-01) each step was first reached.
    public mutating func add(furthest: Int, days: [Int?]) {
        people.append((min(max(furthest, 0), steps - 1), days))
    }

    /// How many reached each step (or a later one).
    public var counts: [Int] {
        var counts = Array(repeating: 0, count: steps)
        for person in people {
            for step in 0...person.furthest { counts[step] += 1 }
        }
        return counts
    }

    /// The step a duration to `step` is counted from: the nearest earlier step that carries a day.
    public func previousDated(_ step: Int) -> Int? {
        guard step > 0, !undated.contains(step) else { return nil }
        return (0..<step).last { !undated.contains($0) }
    }

    /// Days from the previous dated step to `step`, over the people who have both days (never negative).
    public func spread(to step: Int) -> Spread? {
        guard let previous = previousDated(step) else { return nil }
        let days = people.compactMap { person -> Int? in
            guard person.furthest >= step, step < person.days.count, let from = person.days[previous], let to = person.days[step], to >= from
            else { return nil }
            return to - from
        }
        return Spread(days)
    }
}
