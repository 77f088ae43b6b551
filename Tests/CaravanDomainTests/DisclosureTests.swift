import CaravanDomain
import Testing

/// The public tables' suppression: small counts hidden, and no small count left to be worked out by subtraction —
/// checked here by an attacker written separately from the rule, on worked examples and on random tables.
@Suite struct DisclosureTests {
    @Test func smallCountsAndZeroAreHidden() {
        let control = DisclosureControl(counts: ["a": 15, "b": 16, "c": 0, "d": 1_000], relations: [])
        #expect(control.hidden() == ["a", "c"])
    }

    @Test func aLoneHiddenPartTakesAnotherWithIt() {
        // Moscow 500, Kazan 10, Tomsk 40, total 550: hiding Kazan alone gives it away as 550 − 500 − 40.
        let counts = ["moscow": 500, "kazan": 10, "tomsk": 40, "total": 550]
        let hidden = DisclosureControl(counts: counts, relations: [.init(total: "total", parts: ["moscow", "kazan", "tomsk"])]).hidden()
        #expect(hidden == ["kazan", "tomsk"])
    }

    @Test func aFunnelStepThatGivesAwayFewDropOutsIsHidden() {
        // 100 accounts, 95 profiles: showing both says 5 people have no profile.
        let steps = ["accounts", "profiles", "applied", "hired"]
        let counts = ["accounts": 100, "profiles": 95, "applied": 60, "hired": 50]
        let hidden = DisclosureControl(counts: counts, relations: DisclosureControl.nested(steps)).hidden()
        #expect(hidden.contains("profiles"))
        #expect(hidden.contains("hired"), "60 − 50 = 10 would be given away")
        #expect(!hidden.contains("accounts") && !hidden.contains("applied"))
    }

    /// Everything a reader can work out from the shown figures and the relations together (a part that is the only
    /// one not shown; a total whose parts are all shown), repeated until nothing new follows — and, for each
    /// relation, what its parts not shown hold together. Written without the rule's code.
    static func attack(_ relations: [DisclosureControl.Relation], shown: [String: Int]) -> (derived: [String: Int], groups: [Int]) {
        var known = shown
        var changed = true
        while changed {
            changed = false
            for relation in relations {
                let unknown = relation.parts.filter { known[$0] == nil }
                let sum = relation.parts.compactMap { known[$0] }.reduce(0, +)
                if let total = known[relation.total], unknown.count == 1 {
                    known[unknown[0]] = total - sum
                    changed = true
                } else if known[relation.total] == nil, unknown.isEmpty {
                    known[relation.total] = sum
                    changed = true
                }
            }
        }
        let groups = relations.compactMap { relation -> Int? in
            let unknown = relation.parts.filter { known[$0] == nil }
            guard let total = known[relation.total], unknown.count >= 2 else { return nil }
            return total - relation.parts.compactMap { known[$0] }.reduce(0, +)
        }
        return (known.filter { shown[$0.key] == nil }, groups)
    }

    @Test func randomTablesLeaveNothingSmallToSubtract() {
        var generator = SplitMix(seed: 20_221_201)
        for _ in 0..<500 {
            var counts: [String: Int] = [:]
            var relations: [DisclosureControl.Relation] = []
            // A partition: cities of a total.
            let cities = (0..<Int.random(in: 2...6, using: &generator)).map { "city\($0)" }
            for city in cities { counts[city] = [0, 3, 12, 15, 16, 20, 40, 300].randomElement(using: &generator)! }
            counts["total"] = cities.map { counts[$0]! }.reduce(0, +)
            relations.append(.init(total: "total", parts: cities))
            // A funnel: each step a part of the one before.
            var value = Int.random(in: 0...400, using: &generator)
            var steps: [String] = []
            for index in 0..<Int.random(in: 2...7, using: &generator) {
                steps.append("step\(index)")
                counts["step\(index)"] = value
                value -= min(value, [0, 2, 10, 15, 16, 30, 80].randomElement(using: &generator)!)
            }
            relations += DisclosureControl.nested(steps)
            let hidden = DisclosureControl(counts: counts, relations: relations).hidden()
            let shown = counts.filter { !hidden.contains($0.key) }
            #expect(shown.values.allSatisfy { $0 > DisclosureControl.threshold })
            let (derived, groups) = Self.attack(relations, shown: shown)
            for (key, value) in derived { #expect(value > DisclosureControl.threshold, "\(key) = \(value) follows from \(shown)") }
            for value in groups { #expect(value > DisclosureControl.threshold, "a group of hidden counts holds \(value): \(shown)") }
        }
    }

    @Test func spreadsUseTheNearestRank() {
        let spread = Spread([5, 1, 9, 3, 7, 2, 8, 4, 6, 10])
        #expect(spread.count == 10 && spread.median == 5 && spread.p90 == 9)
        #expect(Spread([]).median == nil)
        #expect(Spread([4]).median == 4 && Spread([4]).p90 == 4)
    }
}

/// A small seeded generator, so a failing random table can be found again.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
