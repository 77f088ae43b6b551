import CaravanDomain
import CaravanFlows
import Fluent
import Foundation
import Vapor

/// A published estimate of departures and returns: one data set read under a grid of definitions (`caravan flows
/// sensitivity --publish`), with where the data came from. Only class counts are kept — never a subscriber.
final class FlowEstimate: Model, @unchecked Sendable {
    static let schema = "flow_estimates"

    struct Reading: Codable, Hashable, Sendable {
        var name: String
        var noiseDays: Int
        var residenceDays: Int
        var returnDays: Int
        /// `FlowClass` raw value → subscribers.
        var counts: [String: Int]

        var definition: FlowDefinition { FlowDefinition(name: name, noiseDays: noiseDays, residenceDays: residenceDays, returnDays: returnDays) }
        var summary: FlowSummary {
            FlowSummary(definition: definition, counts: Dictionary(uniqueKeysWithValues: FlowClass.allCases.map { ($0, counts[$0.rawValue] ?? 0) }))
        }
    }

    @ID(key: .id) var id: UUID?
    @Field(key: "published_at") var publishedAt: Date
    /// Where the events came from, as the publisher wrote it ("synthetic: caravan flows generate, seed 42").
    @Field(key: "source") var source: String
    @Field(key: "home") var home: String
    @Field(key: "events") var events: Int
    @Field(key: "subscribers") var subscribers: Int
    @Field(key: "readings") var readings: [Reading]

    init() {}

    init(publishedAt: Date, source: String, home: String, events: Int, subscribers: Int, summaries: [FlowSummary]) {
        self.publishedAt = publishedAt
        self.source = source
        self.home = home
        self.events = events
        self.subscribers = subscribers
        readings = summaries.map { summary in
            let d = summary.definition
            return Reading(name: d.name, noiseDays: d.noiseDays, residenceDays: d.residenceDays, returnDays: d.returnDays,
                           counts: Dictionary(uniqueKeysWithValues: summary.counts.map { ($0.key.rawValue, $0.value) }))
        }
    }

    /// The longest source text kept.
    static let sourceMaximum = 300
}

struct CreateFlowEstimate: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(FlowEstimate.schema)
            .id()
            .field("published_at", .datetime, .required)
            .field("source", .string, .required)
            .field("home", .string, .required)
            .field("events", .int64, .required)
            .field("subscribers", .int64, .required)
            .field("readings", .array(of: .json), .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(FlowEstimate.schema).delete()
    }
}

extension ObservatoryService {
    /// Publishes an estimate (the audit chain records who, and how many subscribers; never a subscriber).
    func publish(_ estimate: FlowEstimate, by actor: String) async throws {
        guard !estimate.source.trimmingCharacters(in: .whitespaces).isEmpty, estimate.source.count <= FlowEstimate.sourceMaximum else {
            throw AppError.validation(ValidationFailure([FieldError(field: "source", code: "field.required")]))
        }
        try await database.writeTransaction { db in
            try await estimate.create(on: db)
            try await AuditLog(now: app.dependencies.now).append(AuditEntry(
                actor: actor, action: "observatory.flows-published", subject: "flow-estimate:\(estimate.id?.uuidString.lowercased() ?? "")",
                payload: ["subscribers": "\(estimate.subscribers)", "definitions": "\(estimate.readings.count)"]
            ), on: db)
        }
    }

    /// The latest published estimate.
    func latestFlows() async throws -> FlowEstimate? {
        try await FlowEstimate.query(on: database).sort(\.$publishedAt, .descending).first()
    }
}
