import Fluent
import FluentSQL
import Foundation
import Logging
import NIOConcurrencyHelpers
import FluentPostgresDriver
import Vapor

/// Keeps the in-memory indexes and caches of every instance on one database in step.
///
/// A write that changes what they hold records an `IndexChange` in its own transaction (`publish`); on
/// PostgreSQL that transaction also takes a transaction-level advisory lock just before the insert and sends
/// `NOTIFY`, both released or delivered at commit. So ids rise in commit order, and an instance that has applied
/// up to id n has seen every change below it. Each instance listens on the channel with a connection of its own
/// and also looks every two seconds (a notification lost with a dropped connection is found then); either way it
/// reads the changes after the last one it applied, reloads each subject from the database and updates its
/// indexes. The instance that wrote a change applied it already and skips it. An instance that starts builds its
/// indexes from the tables and takes the newest change id first (`markStart`), so nothing falls between.
actor ChangeFeed {
    static let channel = "caravan_index_changes"
    /// The advisory lock that orders `index_changes` inserts by commit (any constant both sides agree on).
    static let orderLock: Int64 = 0x6361_7261_7661_6e01
    static let pollInterval: Duration = .seconds(2)
    static let retention: TimeInterval = 3600

    /// This instance, as its changes and its scheduled runs name it.
    nonisolated let origin = UUID()
    private var applied: Int?
    private var catchingUp = false
    private var again = false
    private var loops: [Task<Void, Never>] = []
    private var stopped = false
    private var lastPrune = Date.distantPast
    /// Changes from other instances applied so far (for `/metrics` and the tests).
    private(set) var appliedCount = 0

    /// Records that `subject` changed, in `database`'s transaction (or one of its own): other instances apply it
    /// once it commits.
    nonisolated func publish(_ kind: IndexChangeKind, _ subject: UUID, on database: any Database, at date: Date) async throws {
        let origin = self.origin
        try await database.writeTransaction { db in
            let sql = db as? any SQLDatabase
            if let sql, sql.dialect.name == "postgresql" {
                try await sql.raw("SELECT pg_advisory_xact_lock(\(bind: Self.orderLock))").run()
                try await IndexChange(kind: kind, subject: subject, origin: origin, at: date).create(on: db)
                try await sql.raw("SELECT pg_notify(\(bind: Self.channel), '')").run()
            } else {
                try await IndexChange(kind: kind, subject: subject, origin: origin, at: date).create(on: db)
            }
        }
    }

    /// Takes the newest change id as the starting point, before the indexes are built from the tables.
    func markStart(on database: any Database) async throws {
        guard applied == nil else { return }
        applied = try await IndexChange.query(on: database).max(\.$id) ?? 0
    }

    /// Applies every change after the last one applied; returns how many came from other instances.
    @discardableResult
    func catchUp(_ app: Application) async throws -> Int {
        if catchingUp { again = true; return 0 }
        catchingUp = true
        defer { catchingUp = false }
        var count = 0
        repeat {
            again = false
            // Not serving yet: the indexes are built from the tables after `markStart`.
            guard applied != nil else { return 0 }
            while true {
                let changes = try await IndexChange.query(on: app.db).filter(\.$id > (applied ?? 0))
                    .sort(\.$id, .ascending).limit(500).all()
                for change in changes {
                    if change.origin != origin {
                        try await Self.apply(change, app: app)
                        count += 1
                    }
                    applied = change.id
                }
                if changes.count < 500 { break }
            }
        } while again
        appliedCount += count
        return count
    }

    private static func apply(_ change: IndexChange, app: Application) async throws {
        let db = app.db
        switch IndexChangeKind(rawValue: change.kind) {
        case .vacancy:
            guard let vacancy = try await Vacancy.find(change.subject, on: db) else { return }
            let company = try await Company.find(vacancy.$company.id, on: db)
            await app.vacancyIndex.update(vacancy, companyName: company?.legalName ?? "", taxonomy: app.skillTaxonomy)
        case .profile:
            if let profile = try await SpecialistProfile.query(on: db).filter(\.$user.$id == change.subject).first() {
                await app.candidateIndex.update(profile)
            } else {
                await app.candidateIndex.remove(change.subject)
            }
        case .account:
            app.bearerCache.forget(userID: change.subject)
        case .token:
            app.bearerCache.forget(tokenID: change.subject)
        case nil:
            app.logger.warning("unknown index change", metadata: ["kind": .string(change.kind)])
        }
    }

    /// Listens and polls until `stop()`: on PostgreSQL through `LISTEN`, on both every two seconds.
    func start(_ app: Application) {
        guard loops.isEmpty, !stopped else { return }
        let logger = app.logger
        loops.append(Task { [self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: Self.pollInterval)
                guard !Task.isCancelled else { break }
                do {
                    try await catchUp(app)
                    try await pruneIfDue(app)
                } catch {
                    logger.warning("index changes not read", metadata: ["error": .string(String(reflecting: type(of: error)))])
                }
            }
        })
        if case .postgres(let url) = app.caravanConfiguration.database {
            loops.append(Task { [self] in await listen(url: url, app: app) })
        }
    }

    private func listen(url: URL, app: Application) async {
        let logger = app.logger
        while !Task.isCancelled {
            do {
                let configuration = try SQLPostgresConfiguration(url: url).coreConfiguration
                let connection = try await PostgresConnection.connect(
                    on: app.eventLoopGroup.next(), configuration: configuration, id: 1, logger: logger
                )
                defer { Task { try? await connection.close() } }
                let notifications = try await connection.listen(Self.channel)
                // Anything committed while the channel was not heard.
                try await catchUp(app)
                for try await _ in notifications {
                    try await catchUp(app)
                }
            } catch {
                guard !Task.isCancelled else { break }
                logger.warning("index change channel lost; polling until it is back", metadata: ["error": .string(String(reflecting: type(of: error)))])
            }
            try? await Task.sleep(for: .seconds(1))
        }
    }

    private func pruneIfDue(_ app: Application) async throws {
        let now = app.dependencies.now()
        guard now.timeIntervalSince(lastPrune) > 600 else { return }
        lastPrune = now
        try await IndexChange.query(on: app.db).filter(\.$createdAt < now.addingTimeInterval(-Self.retention)).delete()
    }

    /// Stops listening and polling; waits for a catch-up under way.
    func stop() async {
        stopped = true
        let running = loops
        loops = []
        for loop in running { loop.cancel() }
        for loop in running { await loop.value }
    }
}

/// Starts the feed when `serve` or `demo` serves; the graceful shutdown stops it with the other background work.
struct ChangeFeedLifecycle: LifecycleHandler {
    func didBootAsync(_ application: Application) async throws {
        let command = application.environment.commandInput.arguments.first
        guard command == nil || command == "serve" || command == "demo" || command?.hasPrefix("-") == true else { return }
        await application.changeFeed.start(application)
    }

    func shutdownAsync(_ application: Application) async {
        await application.changeFeed.stop()
    }
}

extension Application {
    private struct ChangeFeedKey: StorageKey {
        typealias Value = ChangeFeed
    }

    var changeFeed: ChangeFeed {
        get { storage[ChangeFeedKey.self]! }
        set { storage[ChangeFeedKey.self] = newValue }
    }
}
