import ArgumentParser
import CaravanCentres
import CaravanPermits
import Dispatch
import Foundation

/// `caravan-bench centres`: slot generation for a centre's next three months (every service, from hours, the
/// host country's holidays and the service lengths) — what the public centre pages and the booking rules compute.
/// Reports the median and p99 of one whole three-month generation and the slots it yields.
struct CentresCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "centres", abstract: "Time slot generation for each centre's next three months.")

    @Option(help: "How many times to generate each centre's three months.") var rounds = 2_000
    @Option(help: "The first day (yyyy-MM-dd).") var from = "2027-01-04"

    func run() throws {
        let directory = try CentreDirectory.bundled()
        let generator = SlotGenerator(directory: directory)
        guard let first = CalendarDate(from) else { throw ValidationError("--from is not yyyy-MM-dd") }
        for centre in directory.centres {
            var times: [UInt64] = []
            var slots = 0
            for _ in 0..<rounds {
                let start = DispatchTime.now().uptimeNanoseconds
                var count = 0
                for offer in centre.services { count += generator.slots(offer.service, at: centre, from: first, days: 92).count }
                times.append(DispatchTime.now().uptimeNanoseconds - start)
                slots = count
            }
            times.sort()
            let median = Double(times[times.count / 2]) / 1000
            let p99 = Double(times[min(times.count - 1, times.count * 99 / 100)]) / 1000
            print("centres_\(centre.id)_three_months_slots: \(slots)")
            print("centres_\(centre.id)_three_months_median_us: \(String(format: "%.1f", median))")
            print("centres_\(centre.id)_three_months_p99_us: \(String(format: "%.1f", p99))")
        }
    }
}
