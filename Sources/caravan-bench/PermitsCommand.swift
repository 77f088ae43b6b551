import ArgumentParser
import CaravanFlows
import CaravanPermits
import Dispatch
import Foundation

/// `caravan-bench permits`: eligibility for one case (principal + family) over a million generated cases —
/// the median and p99 time of one case on one core, and cases per second on one core and across all of them.
/// The budget (issue 5): median ≤ 50 µs a case.
struct PermitsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "permits", abstract: "Time permit eligibility over generated cases.")

    @Option(help: "How many cases to generate and judge.") var cases = 1_000_000
    @Option(help: "The generator's seed.") var seed: UInt64 = 20_220_901
    @Option(help: "Where to write the JSON figures.") var output = "bench-results/permits.json"

    struct Case {
        let applicant: PersonFacts
        let family: [FamilyMemberFacts]
        let offer: OfferFacts
    }

    /// SplitMix64, as the other generators use: the same cases on every machine.
    struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(next() % UInt64(range.count)) }
        mutating func chance(_ probability: Double) -> Bool { Double(next() % 10_000) / 10_000 < probability }
    }

    /// Families as the programme sees them: most bring a spouse and children, some parents; a few name a
    /// relation the route does not cover; documents are mostly but not always complete.
    static func generate(_ count: Int, seed: UInt64) -> [Case] {
        var random = Random(state: seed)
        let relations: [Relation] = [.spouse, .child, .child, .child, .parent, .grandparent, .childSpouse, .grandchild, .sibling]
        func date(_ years: ClosedRange<Int>) -> CalendarDate {
            CalendarDate(year: random.int(years), month: random.int(1...12), day: random.int(1...28))!
        }
        func documents() -> DocumentSet {
            DocumentSet(rawValue: random.chance(0.7) ? 0x1FF : UInt32(random.int(0...0x1FF)))
        }
        func person(_ born: ClosedRange<Int>) -> PersonFacts {
            PersonFacts(birthDate: date(born), passportExpiresOn: random.chance(0.95) ? date(2026...2036) : nil,
                        entryBan: random.chance(0.9) ? false : (random.chance(0.5) ? nil : true), documents: documents())
        }
        return (0..<count).map { _ in
            let family = (0..<random.int(0...5)).map { _ in
                let relation = relations[random.int(0...(relations.count - 1))]
                let born = relation == .child || relation == .grandchild ? 2005...2025 : 1945...2000
                return FamilyMemberFacts(person: person(born), relation: relation, isDependent: random.chance(0.5) ? nil : random.chance(0.5))
            }
            return Case(applicant: person(1975...2002), family: family,
                        offer: OfferFacts(sponsorAccredited: random.chance(0.9) ? true : (random.chance(0.5) ? false : nil),
                                          accepted: random.chance(0.95), monthlySalaryRub: random.chance(0.9) ? random.int(120...450) * 1000 : nil))
        }
    }

    func run() throws {
        let rulebook = try Rulebook.bundled().values.max { $0.version < $1.version }!
        let on = CalendarDate(year: 2026, month: 11, day: 29)!
        let started = DispatchTime.now().uptimeNanoseconds
        let all = Self.generate(cases, seed: seed)
        let generated = DispatchTime.now().uptimeNanoseconds
        print("permits_cases: \(all.count)")
        print("permits_generate_s: \(String(format: "%.2f", Double(generated - started) / 1e9))")

        // One core, each case timed on its own; one reused result buffer, as a server worker would.
        var results: [RuleResult] = []
        var times = [UInt64](repeating: 0, count: all.count)
        var failed = 0
        let oneCoreStart = DispatchTime.now().uptimeNanoseconds
        for (index, item) in all.enumerated() {
            let before = DispatchTime.now().uptimeNanoseconds
            Eligibility.evaluate(applicant: item.applicant, family: item.family, offer: item.offer, rulebook: rulebook, on: on, into: &results)
            times[index] = DispatchTime.now().uptimeNanoseconds - before
            if results.contains(where: { $0.person == 0 && $0.outcome == .failed }) { failed += 1 }
        }
        let oneCoreSeconds = Double(DispatchTime.now().uptimeNanoseconds - oneCoreStart) / 1e9
        times.sort()
        let median = Double(times[times.count / 2]) / 1000
        let p99 = Double(times[min(times.count - 1, times.count * 99 / 100)]) / 1000

        // Every core: the cases split evenly, no timing inside the loop.
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let allCoresStart = DispatchTime.now().uptimeNanoseconds
        let chunk = (all.count + cores - 1) / cores
        DispatchQueue.concurrentPerform(iterations: cores) { worker in
            var buffer: [RuleResult] = []
            for index in (worker * chunk)..<min(all.count, (worker + 1) * chunk) {
                let item = all[index]
                Eligibility.evaluate(applicant: item.applicant, family: item.family, offer: item.offer, rulebook: rulebook, on: on, into: &buffer)
            }
        }
        let allCoresSeconds = Double(DispatchTime.now().uptimeNanoseconds - allCoresStart) / 1e9

        let figures: [(String, String)] = [
            ("permits_median_us", String(format: "%.3f", median)),
            ("permits_p99_us", String(format: "%.3f", p99)),
            ("permits_cases_per_s_one_core", String(format: "%.0f", Double(all.count) / oneCoreSeconds)),
            ("permits_cores", "\(cores)"),
            ("permits_cases_per_s_all_cores", String(format: "%.0f", Double(all.count) / allCoresSeconds)),
            ("permits_principal_fails_share", String(format: "%.3f", Double(failed) / Double(all.count))),
            ("permits_rulebook", "\"\(rulebook.qualifiedVersion)\""),
        ]
        for (name, value) in figures { print("\(name): \(value.replacingOccurrences(of: "\"", with: ""))") }
        let json = "{\n" + figures.map { "  \"\($0.0)\": \($0.1)" }.joined(separator: ",\n") + "\n}\n"
        try FileManager.default.createDirectory(atPath: (output as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try json.write(toFile: output, atomically: true, encoding: .utf8)
    }
}
