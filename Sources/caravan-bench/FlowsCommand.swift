import ArgumentParser
import CaravanFlows
import Dispatch
import Foundation

/// `caravan-bench flows generate`: seeded synthetic mobility events with a known truth, for `scripts/flows-check`
/// and `scripts/bench flows` (issue 18). The definition they are read under is docs/FLOWS.md.
struct FlowsBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flows", abstract: "Synthetic mobility events for the flows engine.", subcommands: [FlowsGenerateCommand.self])
}

struct FlowsGenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Seeded event CSV (sub,day,country,cnt) in day order, with the truth of who left and who came back.")

    @Option(help: "Subscribers (or give --events).") var subscribers: Int?
    @Option(help: "Aim at about this many rows instead: subscribers = events / (days x rows per subscriber-day).") var events: Int?
    @Option(help: "Days observed.") var days = 365
    @Option(help: "The first day (YYYY-MM-DD).") var start = "2025-01-01"
    @Option(help: "The seed.") var seed: UInt64 = 18
    @Option(help: "The home country's two-letter code.") var home = "UZ"
    @Option(help: "standard (a population with a truth) or adversarial (random edges: ties, thresholds, huge counts).")
    var profile = "standard"
    @Option(help: "The CSV to write.") var output: String
    @Option(help: "Also write each subscriber's true class here (sub,class; standard profile).") var truth: String?
    @Flag(help: "Write gzip'd CSV (through /bin/gzip -1).") var gzip = false

    func run() throws {
        guard let homeKey = FlowsPopulation.country(home) else { throw ValidationError("--home must be a two-letter code in capitals") }
        guard let first = FlowsPopulation.dayNumber(start) else { throw ValidationError("--start must be a date YYYY-MM-DD") }
        guard (1...3_660).contains(days) else { throw ValidationError("--days must be 1 to 3660") }
        let adversarial: Bool
        switch profile {
        case "standard": adversarial = false
        case "adversarial": adversarial = true
        default: throw ValidationError("--profile must be standard or adversarial")
        }
        guard adversarial || days >= 200 else { throw ValidationError("the standard profile needs --days 200 or more (stays of 60 days and more)") }
        let count = subscribers ?? events.map { max(1, Int((Double($0) / (Double(days) * FlowsPopulation.rowsPerSubscriberDay)).rounded())) }
        guard let count, count > 0 else { throw ValidationError("give --subscribers N or --events N") }
        let population = FlowsPopulation(seed: seed, home: homeKey, firstDay: first, days: days, adversarial: adversarial)
        let started = DispatchTime.now().uptimeNanoseconds
        let rows = try FlowsCSVWriter.write(population, subscribers: count, to: output, gzip: gzip)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        print("flows_generate_subscribers: \(count)")
        print("flows_generate_rows: \(rows)")
        print("flows_generate_days: \(days)")
        print("flows_generate_seconds: \(String(format: "%.2f", seconds))")
        if !adversarial {
            var totals = [String: Int]()
            let writer = truth.map { path -> UnsafeMutablePointer<FILE>? in fopen(path, "w") }
            if let writer, writer == nil { throw ValidationError("cannot write \(truth!)") }
            if let file = writer ?? nil { fputs("sub,class\n", file) }
            for index in 0..<count {
                let plan = population.plan(index)
                totals[plan.truth, default: 0] += 1
                if let file = writer ?? nil { fputs("\(plan.sub),\(plan.truth)\n", file) }
            }
            if let file = writer ?? nil { fclose(file) }
            for name in ["never-left", "departed", "returned", "other"] { print("truth_\(name): \(totals[name] ?? 0)") }
        }
    }
}
