import Foundation

/// A generated round in the published format, the same for the same seed: universities across the district groups,
/// their programmes (levels, seats, per-country ceilings within the quotas, score weights), and applicants from the
/// programme's countries ranking up to six programmes of their level with at most two per district group. It is
/// what the demo publishes and what anyone can re-run; nothing in it is a real person.
public enum SampleRound {
    /// The eight federal districts, with Moscow and Saint Petersburg as groups of their own.
    public static let districtGroups = ["moscow", "saint-petersburg", "central", "northwestern", "southern", "north-caucasian", "volga", "ural",
                                        "siberian", "far-eastern"]
    public static let countries = ["UZ", "TJ", "KG", "KZ", "TM", "AZ"]
    public static let subjects = ["math", "informatics", "physics", "russian"]

    public static func input(universities: Int = 40, programmes: Int = 300, applicants: Int = 5_000, seed: UInt64 = 2027,
                             round: String = "2027/2028", lotterySeed: String = "caravan-grants-2027-lottery") -> AllocationInput {
        var rng = Mix(state: seed)
        let levels = ["bachelor", "bachelor", "bachelor", "master"]
        var quotas: [String: Int] = [:]
        var list: [AllocationInput.Programme] = []
        for p in 0..<programmes {
            let university = p % universities
            let group = districtGroups[university % districtGroups.count]
            let seats = Int.random(in: 8...40, using: &rng)
            var ceilings: [String: Int] = [:]
            for country in countries where Int.random(in: 0..<2, using: &rng) == 0 {
                let ceiling = max(1, seats * Int.random(in: 30...60, using: &rng) / 100)
                ceilings[country] = ceiling
                quotas[country, default: 0] += ceiling
            }
            var weights: [String: Int] = [:]
            for subject in subjects { weights[subject] = Int.random(in: 0...3, using: &rng) }
            weights["russian"] = max(1, weights["russian"] ?? 1)
            list.append(AllocationInput.Programme(id: String(format: "P%04d", p), university: String(format: "U%03d", university),
                                                  districtGroup: group, level: levels[p % levels.count], seats: seats, ceilings: ceilings,
                                                  weights: weights))
        }
        // Each country's quota: its ceilings' sum and a margin, as the ministry would split it.
        for country in countries { quotas[country] = (quotas[country] ?? 0) + 50 }
        let byLevel = Dictionary(grouping: list, by: \.level)
        var people: [AllocationInput.Applicant] = []
        for a in 0..<applicants {
            let level = levels[Int.random(in: 0..<levels.count, using: &rng)]
            let pool = byLevel[level] ?? []
            var choices: [String] = []
            var perGroup: [String: Int] = [:]
            var attempts = 0
            let wanted = Int.random(in: 1...6, using: &rng)
            while choices.count < wanted, attempts < 60 {
                attempts += 1
                // Popular programmes first: the lower a programme's number, the likelier it is ranked.
                let index = min(pool.count - 1, Int(Double(pool.count) * pow(Double.random(in: 0..<1, using: &rng), 2)))
                let programme = pool[index]
                guard !choices.contains(programme.id), perGroup[programme.districtGroup, default: 0] < 2 else { continue }
                perGroup[programme.districtGroup, default: 0] += 1
                choices.append(programme.id)
            }
            var scores: [String: Int] = [:]
            for subject in subjects { scores[subject] = Int.random(in: 35...100, using: &rng) }
            people.append(AllocationInput.Applicant(id: String(format: "A%06d", a), country: countries[Int.random(in: 0..<countries.count, using: &rng)],
                                                    level: level, scores: scores, choices: choices))
        }
        return AllocationInput(round: round, seed: lotterySeed, countryQuotas: quotas, programmes: list, applicants: people)
    }

    struct Mix: RandomNumberGenerator {
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
