@testable import CaravanFlows
import Foundation
import Testing

@Suite struct FlowRulesTests {
    static let uz = CountryKey("UZ")!
    static let ru = CountryKey("RU")!
    static let kz = CountryKey("KZ")!

    /// `days` consecutive observed days in `country` from `start`.
    static func stay(_ country: CountryKey, from start: Int32, days: Int, every step: Int32 = 1) -> [ObservedDay] {
        (0..<days).map { ObservedDay(day: start + Int32($0) * step, country: country) }
    }

    @Test func theDaysCountryIsTheOneWithMostEventsTiesToTheLowestCode() {
        #expect(FlowRules.dailyCountry([(Self.uz, 3), (Self.ru, 5)]) == Self.ru)
        #expect(FlowRules.dailyCountry([(Self.uz, 4), (Self.ru, 4), (Self.kz, 4)]) == Self.kz)
        #expect(FlowRules.dailyCountry([]) == nil)
        #expect(CountryKey("uz") == nil && CountryKey("UZB") == nil && CountryKey("U1") == nil)
        #expect(Self.uz.description == "UZ")
    }

    @Test func roamingNoiseIsDroppedAndTheRestRejoined() {
        // 40 days at home, 2 days roaming in Kazakhstan, 40 more at home: one home run of 82 days.
        let days = Self.stay(Self.uz, from: 0, days: 40) + Self.stay(Self.kz, from: 40, days: 2) + Self.stay(Self.uz, from: 42, days: 40)
        let episodes = FlowRules.episodes(days)
        #expect(episodes.map(\.country) == [Self.uz, Self.kz, Self.uz])
        let runs = FlowRules.runs(episodes, noiseDays: 3)
        #expect(runs.count == 1 && runs[0].span == 82 && runs[0].observed == 80)
    }

    @Test func theClassesFollowTheDefinition() {
        let home = Self.uz
        let standard = FlowDefinition.standard
        let stayed = Self.stay(home, from: 0, days: 200)
        #expect(FlowRules.classify(stayed, home: home, definition: standard) == .neverLeft)
        let left = Self.stay(home, from: 0, days: 60) + Self.stay(Self.ru, from: 60, days: 120)
        #expect(FlowRules.classify(left, home: home, definition: standard) == .departed)
        let back = left + Self.stay(home, from: 180, days: 40)
        #expect(FlowRules.classify(back, home: home, definition: standard) == .returned)
        #expect(FlowRules.classify(back, home: home, definition: .un183) == .neverLeft, "120 days abroad is not a residence under 183")
        let leftAgain = back + Self.stay(Self.ru, from: 220, days: 60)
        #expect(FlowRules.classify(leftAgain, home: home, definition: standard) == .departed)
        let firstSeenAbroad = Self.stay(Self.ru, from: 0, days: 60) + Self.stay(home, from: 60, days: 60)
        #expect(FlowRules.classify(firstSeenAbroad, home: home, definition: standard) == .other)
        // A short trip abroad (20 days) is not a residence: still never left.
        let trip = Self.stay(home, from: 0, days: 60) + Self.stay(Self.ru, from: 60, days: 20) + Self.stay(home, from: 80, days: 60)
        #expect(FlowRules.classify(trip, home: home, definition: standard) == .neverLeft)
        // Back for 40 days: a return when a return needs 30 days at home, not when it needs 90.
        var strict = standard
        strict.returnDays = 90
        #expect(FlowRules.classify(back, home: home, definition: strict) == .departed)
        // Observed every third day, the span still counts (days first to last), the noise rule counts observed days.
        let sparse = Self.stay(home, from: 0, days: 20, every: 3) + Self.stay(Self.ru, from: 60, days: 15, every: 3)
        #expect(FlowRules.classify(sparse, home: home, definition: standard) == .departed)
    }

    @Test func wilsonIntervalsMatchPublishedValues() {
        // Newcombe (1998), "Two-sided confidence intervals for the single proportion", Table I, method 3 (Wilson):
        // 81/263 → 0.2553–0.3662, 15/148 → 0.0624–0.1605, 0/10 → 0–0.2775.
        let share = Share(count: 81, total: 263)
        #expect(abs(share.lower - 0.2553) < 0.00005 && abs(share.upper - 0.3662) < 0.00005, "\(share)")
        let fifteen = Share(count: 15, total: 148)
        #expect(abs(fifteen.lower - 0.0624) < 0.00005 && abs(fifteen.upper - 0.1605) < 0.00005, "\(fifteen)")
        let none = Share(count: 0, total: 10)
        #expect(none.lower == 0 && abs(none.upper - 0.2775) < 0.0001)
        #expect(Share(count: 0, total: 0).upper == 0)
        #expect(FlowSummary.published(15) == "≤15" && FlowSummary.published(16) == "16")
    }

    @Test func definitionFilesRefuseUnknownParametersAndImpossibleValues() throws {
        let good = try FlowDefinition.parse(Data(#"{"format":"caravan-flows-definition/1","name":"strict","returnDays":90}"#.utf8))
        #expect(good.returnDays == 90 && good.residenceDays == 30 && good.noiseDays == 3)
        #expect(throws: FlowDefinition.ParseError.unknownParameters(["returnDay"])) {
            try FlowDefinition.parse(Data(#"{"format":"caravan-flows-definition/1","returnDay":90}"#.utf8))
        }
        #expect(throws: FlowDefinition.ParseError.formatUnknown) { try FlowDefinition.parse(Data(#"{"noiseDays":3}"#.utf8)) }
        #expect(throws: FlowDefinition.ParseError.notWholeDays("noiseDays")) {
            try FlowDefinition.parse(Data(#"{"format":"caravan-flows-definition/1","noiseDays":2.5}"#.utf8))
        }
        do {
            _ = try FlowDefinition.parse(Data(#"{"format":"caravan-flows-definition/1","noiseDays":40,"residenceDays":30,"returnDays":0}"#.utf8))
            Issue.record("impossible values were taken")
        } catch .impossible(let problems) {
            #expect(Set(problems.map(\.parameter)) == ["returnDays", "residenceDays"])
        } catch {
            Issue.record("\(error)")
        }
        #expect(throws: FlowDefinition.ParseError.notJSON) { try FlowDefinition.parse(Data("noise=3".utf8)) }
    }
}

@Suite struct FlowInputTests {
    @Test func csvRowsAreReadOrReportedByLine() {
        let text = "sub,day,country,cnt\n42,2025-01-01,UZ,5\n42,2025-01-01,RU,7\nff00ff00ff00ff00,2025-02-29,UZ,1\n43,2025-01-02,Uzbekistan,1\n44,2025-01-03,UZ,0\n\n"
        let strict = EventCSV.read(text)
        #expect(strict.events.isEmpty, "one bad line and nothing is taken")
        #expect(strict.errors.map(\.line) == [4, 5, 6])
        let lenient = EventCSV.read(text, skipBad: true)
        #expect(lenient.events.count == 2 && lenient.errors.count == 3)
        #expect(EventCSV.read("").errors.first?.line == 1)
        #expect(EventCSV.read("sub,day,country,cnt\n").errors.first?.reason == "no data rows")
        #expect(EventCSV.dayNumber("1970-01-01") == 0 && EventCSV.dayNumber("2000-03-01") == 11_017 && EventCSV.dayNumber("2024-02-29") == 19_782)
        #expect(EventCSV.dayNumber("2023-02-29") == nil && EventCSV.dayNumber("2023-1-01") == nil)
        #expect(EventCSV.read("sub,day,country,cnt\n1,1969-12-31,UZ,1").errors.first?.reason.contains("out of range") == true)
    }

    /// A seeded population with a known truth — stayers, leavers, returners, roaming and short trips, gaps in
    /// observation, events sorted by day — is classified back to its truth under the default definition.
    @Test func theEstimatorRecoversAKnownTruth() {
        let uz = CountryKey("UZ")!, ru = CountryKey("RU")!, kz = CountryKey("KZ")!
        var rng = SplitMix(state: 2026)
        var truth: [UInt64: FlowClass] = [:]
        var events: [MobilityEvent] = []
        for subscriber in UInt64(1)...3_000 {
            let kind = [FlowClass.neverLeft, .departed, .returned][Int(subscriber % 3)]
            truth[subscriber] = kind
            let leave = Int32.random(in: 60...120, using: &rng)
            let back = leave + Int32.random(in: 60...100, using: &rng)
            for day in Int32(0)..<300 {
                // Gaps: about one day in five is not observed at all.
                if Int.random(in: 0..<5, using: &rng) == 0 { continue }
                var country = uz
                if kind == .departed && day >= leave { country = ru }
                if kind == .returned && day >= leave && day < back { country = ru }
                // Roaming: now and then a day or two in Kazakhstan; a 10-day trip for stayers.
                if Int.random(in: 0..<40, using: &rng) == 0 { country = kz }
                if kind == .neverLeft && (200..<210).contains(day) { country = ru }
                events.append(MobilityEvent(subscriber: subscriber, day: day, country: country, count: UInt32.random(in: 1...20, using: &rng)))
                // A few events of another country the same day, fewer than the day's own.
                if Int.random(in: 0..<6, using: &rng) == 0 {
                    events.append(MobilityEvent(subscriber: subscriber, day: day, country: kz, count: 0 + 1))
                }
            }
        }
        events.sort { ($0.day, $0.subscriber) < ($1.day, $1.subscriber) }
        var analysis = FlowAnalysis(home: uz)
        analysis.add(contentsOf: events)
        let classes = analysis.classes(.standard)
        let wrong = truth.filter { classes[$0.key] != $0.value }
        #expect(wrong.count <= 30, "\(wrong.count) of 3,000 misread: \(wrong.prefix(5))")
        let summary = analysis.summaries([.standard])[0]
        #expect(summary.total == 3_000)
        // A third returned: the interval holds it.
        let returned = summary.share(.returned)
        #expect(returned.lower <= 1.0 / 3 && 1.0 / 3 <= returned.upper, "\(returned)")
    }

    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }
}
