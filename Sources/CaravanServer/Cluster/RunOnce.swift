import Fluent
import Foundation

/// Background work that must run once per period however many instances serve: the first to record
/// `(job, slot)` runs it; the unique index turns every other instance's attempt away.
enum RunOnce {
    /// The hour `date` falls in (UTC), as a slot: `2026-12-04T13`.
    static func hour(of date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day, .hour], from: date)
        return String(format: "%04d-%02d-%02dT%02d", parts.year!, parts.month!, parts.day!, parts.hour!)
    }

    /// True when this instance claimed `job` for `slot` and should run it; false when another one has.
    static func claim(_ job: String, slot: String, instance: UUID, at date: Date, on database: any Database) async throws -> Bool {
        do {
            try await ScheduledRun(job: job, slot: slot, instance: instance, at: date).create(on: database)
            return true
        } catch let error as any DatabaseError where error.isConstraintFailure {
            return false
        }
    }
}
