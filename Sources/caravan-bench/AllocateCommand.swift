import ArgumentParser
import CaravanAllocation
import CaravanFlows
import Dispatch
import Foundation

/// `caravan-bench allocate`: the grant mechanism alone on a seeded market — by default 100,000 applicants with six
/// choices each over 2,000 programmes (skewed popularity, 10–40 seats, per-country ceilings) — timed over several
/// rounds on one core, with the process's peak memory, and the result checked for feasibility and stability.
struct AllocateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "allocate", abstract: "Student-proposing deferred acceptance with country ceilings.")

    @Option(help: "Applicants.") var applicants = 100_000
    @Option(help: "Programmes.") var programmes = 2_000
    @Option(help: "Choices per applicant.") var choices = 6
    @Option(help: "Countries.") var countries = 6
    @Option(help: "Timed rounds.") var rounds = 5
    @Option(help: "The market's seed.") var seed: UInt64 = 20_270_301

    func run() throws {
        let started = DispatchTime.now().uptimeNanoseconds
        let market = Self.market(applicants: applicants, programmes: programmes, choices: choices, countries: countries, seed: seed)
        let built = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        var times: [Double] = []
        var assignment = Assignment(programme: [])
        for _ in 0..<rounds {
            let start = DispatchTime.now().uptimeNanoseconds
            assignment = DeferredAcceptance.run(market)
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        times.sort()
        let placed = assignment.programme.filter { $0 != nil }.count
        let stable = Stability.isFeasible(market, assignment) && Stability.blockingPairs(market, assignment).isEmpty
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        print("allocate_market: \(applicants) applicants x \(choices) choices over \(programmes) programmes, \(countries) countries, seats \(market.capacity.reduce(0) { $0 + Int($1) })")
        print("allocate_market_build_s: \(String(format: "%.3f", built))")
        print("allocate_mechanism_median_s: \(String(format: "%.3f", times[times.count / 2]))")
        print("allocate_mechanism_min_s: \(String(format: "%.3f", times[0]))")
        print("allocate_mechanism_max_s: \(String(format: "%.3f", times[times.count - 1]))")
        print("allocate_placed: \(placed)")
        print("allocate_stable: \(stable ? "yes" : "NO")")
        print("allocate_peak_rss_mb: \(usage.ru_maxrss / 1024)")
        if !stable { throw ExitCode.failure }
    }

    /// Popularity skewed (programme p drawn with weight 1/(p+10)), random priorities, 10–40 seats, and for each
    /// programme a ceiling for each country at 40–70 % of its seats (a third of programmes without ceilings).
    static func market(applicants: Int, programmes: Int, choices: Int, countries: Int, seed: UInt64) -> Market {
        var rng = SplitMix64(seed: seed)
        let weights = (0..<programmes).map { 1.0 / Double($0 + 10) }
        var cumulative: [Double] = []
        var total = 0.0
        for weight in weights { total += weight; cumulative.append(total) }
        func draw() -> Int {
            let x = Double.random(in: 0..<total, using: &rng)
            var low = 0, high = programmes - 1
            while low < high { let mid = (low + high) / 2; if cumulative[mid] < x { low = mid + 1 } else { high = mid } }
            return low
        }
        let country = (0..<applicants).map { _ in Int32(Int.random(in: 0..<countries, using: &rng)) }
        var lists = [[Int32]](repeating: [], count: applicants)
        var applied = [[Int32]](repeating: [], count: programmes)
        for a in 0..<applicants {
            var list: [Int32] = []
            while list.count < min(choices, programmes) {
                let p = Int32(draw())
                if !list.contains(p) { list.append(p) }
            }
            lists[a] = list
            for p in list { applied[Int(p)].append(Int32(a)) }
        }
        // Each programme's priority: a random score per applicant who applied, ties impossible (a permutation).
        var rank = [[Int32: Int32]](repeating: [:], count: programmes)
        for p in 0..<programmes {
            for (position, a) in applied[p].shuffled(using: &rng).enumerated() { rank[p][a] = Int32(position) }
        }
        let choiceLists = (0..<applicants).map { a in lists[a].map { p in Market.Choice(programme: p, rank: rank[Int(p)][Int32(a)]!) } }
        let capacity = (0..<programmes).map { _ in Int32(Int.random(in: 10...40, using: &rng)) }
        let ceilings = capacity.map { seats in
            Int.random(in: 0..<3, using: &rng) == 0 ? [Int32](repeating: Int32.max, count: countries)
                : (0..<countries).map { _ in Int32(Double(seats) * Double.random(in: 0.4...0.7, using: &rng)) }
        }
        return Market(country: country, choices: choiceLists, capacity: capacity, ceilings: ceilings)
    }
}
