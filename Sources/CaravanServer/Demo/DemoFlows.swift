import CaravanFlows
import Fluent
import Foundation
import Vapor

/// The demo's departures-and-returns estimate: a seeded synthetic population (the one `caravan-bench flows generate`
/// writes — people who stay, leave, come back, roam and go dark), read under the sensitivity grid and published on
/// the observatory with its source saying plainly that it is synthetic. No real SIM record exists in the demo.
enum DemoFlows {
    static let seed: UInt64 = 2022
    static let subscribers = 2_000

    static func load(on app: Application) async throws {
        guard try await FlowEstimate.query(on: app.db).count() == 0,
              let firstDay = FlowsPopulation.dayNumber("2022-01-01"), let home = CountryKey("UZ"), let code = FlowsPopulation.country("UZ")
        else { return }
        let population = FlowsPopulation(seed: seed, home: code, firstDay: firstDay, days: 365, adversarial: false)
        var analysis = FlowAnalysis(home: home)
        var rows: [(UInt16, UInt32)] = []
        var events = 0
        for index in 0..<subscribers {
            let plan = population.plan(index)
            for day in 0..<population.days {
                rows.removeAll(keepingCapacity: true)
                population.rows(plan, day: day, into: &rows)
                for (country, count) in rows {
                    guard let key = CountryKey(String(decoding: [UInt8(country >> 8), UInt8(country & 0xFF)], as: UTF8.self)) else { continue }
                    analysis.add(MobilityEvent(subscriber: plan.sub, day: firstDay + Int32(day), country: key, count: count))
                    events += 1
                }
            }
        }
        let estimate = FlowEstimate(
            publishedAt: app.dependencies.now(),
            source: "synthetic, not real SIM data / синтетические данные, не реальные SIM-карты: caravan-bench flows generate --seed \(seed), 2022",
            home: "UZ", events: events, subscribers: analysis.subscribers, summaries: analysis.summaries(FlowDefinition.sensitivityGrid)
        )
        try await ObservatoryService(app: app, database: app.db).publish(estimate, by: "operator:demo")
    }
}
