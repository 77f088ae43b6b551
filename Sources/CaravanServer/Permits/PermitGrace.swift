import CaravanDomain
import CaravanPermits
import Fluent
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import Vapor

/// The grace period after a permit holder's contract ends: columns added to permit cases after the first
/// release (nullable, one per statement for SQLite).
struct AddPermitGrace: AsyncMigration {
    static let columns = ["contract_ended_on", "new_contract_on", "grace_warned"]

    func prepare(on database: any Database) async throws {
        try await database.schema(PermitCase.schema).field("contract_ended_on", .string).update()
        try await database.schema(PermitCase.schema).field("new_contract_on", .string).update()
        try await database.schema(PermitCase.schema).field("grace_warned", .int).update()
    }

    func revert(on database: any Database) async throws {
        for column in Self.columns.reversed() {
            try await database.schema(PermitCase.schema).deleteField(.string(column)).update()
        }
    }
}

extension PermitService {
    /// The grace clock of an issued permit whose contract has ended (nil otherwise).
    func grace(of permitCase: PermitCase) -> (clock: GraceClock, status: GraceStatus)? {
        guard let ended = permitCase.contractEndedOn.flatMap(CalendarDate.init),
              let rulebook = app.permitRegistry.rulebooks[permitCase.rulebookVersion],
              let clock = try? GraceClock(contractEndedOn: ended, workingDays: rulebook.graceWorkingDays,
                                          warningThresholds: rulebook.graceWarningThresholds,
                                          newContractStartedOn: permitCase.newContractOn.flatMap(CalendarDate.init)),
              let status = try? clock.status(on: CalendarDate(app.dependencies.now(), in: PermitRegistry.moscow), calendar: app.permitRegistry.calendar)
        else { return nil }
        return (clock, status)
    }

    /// The sponsor reports that the holder's contract ended (its last day): the grace clock starts.
    func contractEnded(on rawDate: String, for permitCase: PermitCase, by user: User) async throws {
        guard permitCase.caseStatus.holdsPermit else {
            throw AppError.stageConflict(current: "permit.\(permitCase.status(for: .sponsor).rawValue)")
        }
        let date = rawDate.trimmingCharacters(in: .whitespaces)
        guard let day = CalendarDate(date) else {
            throw AppError.validation(ValidationFailure(field: "endedOn", code: date.isEmpty ? "field.required" : "date.invalid"))
        }
        // A contract's end is reported when it happens, or shortly before: not a year ahead.
        if day > CalendarDate(app.dependencies.now(), in: PermitRegistry.moscow).adding(days: 90) {
            throw AppError.validation(ValidationFailure(field: "endedOn", code: "date.tooFar"))
        }
        permitCase.contractEndedOn = date
        permitCase.newContractOn = nil
        permitCase.graceWarned = nil
        permitCase.history.append(.init(event: "contract_ended", by: user.role, at: app.dependencies.now(), message: nil))
        let caseID = try permitCase.requireID()
        let grace = grace(of: permitCase)
        try await commit(permitCase, as: .sponsor) { db in
            try await AuditLog(now: app.dependencies.now).append(AuditEntry(
                actor: AuditEntry.user(user.id), action: "permit.contract-ended", subject: Self.subject(caseID),
                payload: ["endedOn": date]
            ), on: db)
            if let (_, status) = grace, case .running(let last, let left, _) = status {
                try await NotificationService(app: app, database: db).notify(
                    [permitCase.$principal.id], kind: "notice.permit.grace-started",
                    arguments: ["lastDay": last.description, "days": String(left)], link: SiteURL.permitCase(caseID).path
                )
            }
        }
        await app.outbox.sweep(app: app, on: database)
    }

    /// A new contract with an accredited company (an accepted offer) stops the holder's grace clock.
    func newContract(startingOn date: String, for holder: UUID, with company: Company) async throws {
        guard company.accredited else { return }
        let running = try await PermitCase.query(on: database).filter(\.$principal.$id == holder)
            .filter(\.$contractEndedOn != nil).filter(\.$newContractOn == nil)
            .all().filter(\.caseStatus.holdsPermit)
        for permitCase in running {
            permitCase.newContractOn = date
            permitCase.history.append(.init(event: "new_contract", by: "specialist", at: app.dependencies.now(), message: nil))
            let caseID = try permitCase.requireID()
            try await commit(permitCase, as: .officer) { db in
                try await AuditLog(now: app.dependencies.now).append(AuditEntry(
                    actor: "system", action: "permit.new-contract", subject: Self.subject(caseID), payload: ["startsOn": date]
                ), on: db)
            }
        }
    }

    /// Goes over every running grace clock: warns holders as thresholds are reached (once each) and cancels the
    /// permits whose period lapsed. Run at start and every hour; idempotent.
    func sweepGrace() async throws {
        let running = try await PermitCase.query(on: database).filter(\.$contractEndedOn != nil)
            .all().filter(\.caseStatus.holdsPermit)
        for permitCase in running {
            guard let (_, status) = grace(of: permitCase) else { continue }
            switch status {
            case .running(let last, let left, let warning?):
                guard permitCase.graceWarned.map({ warning < $0 }) ?? true else { continue }
                permitCase.graceWarned = warning
                try await commit(permitCase, as: .officer) { db in
                    try await NotificationService(app: app, database: db).notify(
                        [permitCase.$principal.id], kind: "notice.permit.grace-warning",
                        arguments: ["lastDay": last.description, "days": String(left)], link: SiteURL.permitCase(try permitCase.requireID()).path
                    )
                }
            case .lapsed:
                try await database.writeTransaction { db in
                    try await PermitService(app: app, database: db).cancel(permitCase, reason: .graceLapsed)
                }
            case .running, .covered:
                continue
            }
        }
        await app.outbox.sweep(app: app, on: database)
    }
}

/// Runs the grace sweep when `serve` or `demo` starts and every hour after — once per clock hour across all
/// instances on the database (`RunOnce`); `stop()` cancels the schedule and waits for a sweep that is running, so
/// a shutdown never closes the database under it.
final class GraceSweeper: LifecycleHandler, Sendable {
    static let job = "grace-sweep"

    private struct State {
        var schedule: RepeatedTask?
        var running: Task<Void, Never>?
        var stopped = false
    }

    private let state = NIOLockedValueBox(State())

    func didBootAsync(_ application: Application) async throws {
        let command = application.environment.commandInput.arguments.first
        guard command == nil || command == "serve" || command == "demo" || command?.hasPrefix("-") == true else { return }
        let app = application
        application.graceSweeper = self
        let schedule = application.eventLoopGroup.next().scheduleRepeatedAsyncTask(initialDelay: .seconds(5), delay: .hours(1)) { [self] _ in
            let sweep: Task<Void, Never>? = state.withLockedValue { state in
                guard !state.stopped else { return nil }
                let task = Task {
                    do {
                        // One instance sweeps each hour; the others find the hour taken.
                        let now = app.dependencies.now()
                        if try await RunOnce.claim(Self.job, slot: RunOnce.hour(of: now), instance: app.changeFeed.origin, at: now, on: app.db) {
                            try await PermitService(app: app, database: app.db).sweepGrace()
                            // The company register's clocks (capital reminders, accreditation reconfirmation) too.
                            try await CompanyRegistryService(app: app, database: app.db).sweepClocks()
                            // Grant places not answered by their round's deadline lapse.
                            try await GrantService(app: app, database: app.db).sweepLapsed()
                            app.logger.info("grace sweep ran", metadata: ["hour": .string(RunOnce.hour(of: now))])
                        } else {
                            app.logger.info("grace sweep left to the instance that took this hour", metadata: ["hour": .string(RunOnce.hour(of: now))])
                        }
                    } catch {
                        app.logger.error("grace sweep failed", metadata: ["error": .string(String(reflecting: type(of: error)))])
                    }
                    // Idempotency keys past their day go with the same hourly beat.
                    try? await IdempotencyRecord.query(on: app.db).filter(\.$expiresAt <= app.dependencies.now()).delete()
                }
                state.running = task
                return task
            }
            return app.eventLoopGroup.next().makeFutureWithTask { await sweep?.value }
        }
        state.withLockedValue { $0.schedule = schedule }
    }

    /// No sweep starts after this returns, and none is running.
    func stop() async {
        let running = state.withLockedValue { state -> Task<Void, Never>? in
            state.stopped = true
            state.schedule?.cancel()
            state.schedule = nil
            return state.running
        }
        await running?.value
    }

    func shutdownAsync(_ application: Application) async {
        await stop()
    }
}

extension Application {
    private struct GraceSweeperKey: StorageKey {
        typealias Value = GraceSweeper
    }

    /// The running sweeper, when this process serves.
    var graceSweeper: GraceSweeper? {
        get { storage[GraceSweeperKey.self] }
        set { storage[GraceSweeperKey.self] = newValue }
    }
}

/// Which officer has taken a case: a nullable column added after the first release.
struct AddPermitAssignment: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(PermitCase.schema).field("assigned_to", .uuid).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(PermitCase.schema).deleteField("assigned_to").update()
    }
}
