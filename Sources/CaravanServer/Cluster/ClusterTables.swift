import Fluent
import FluentSQL
import Foundation

/// One write that changed what the in-memory indexes or caches hold, recorded in the transaction of that write
/// (a transactional outbox), so every instance on the same database applies it through `ChangeFeed`.
/// Kept an hour: an instance that starts builds its indexes from the tables themselves.
final class IndexChange: Model, @unchecked Sendable {
    static let schema = "index_changes"

    /// Rising in commit order (see `ChangeFeed.publish`), so "everything after n" is a complete answer.
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "kind") var kind: String
    /// The vacancy, the specialist (account id), the account or the API token that changed.
    @Field(key: "subject") var subject: UUID
    /// The instance that wrote it: it applied the change already and skips it.
    @Field(key: "origin") var origin: UUID
    @Field(key: "created_at") var createdAt: Date

    init() {}

    init(kind: IndexChangeKind, subject: UUID, origin: UUID, at date: Date) {
        self.kind = kind.rawValue
        self.subject = subject
        self.origin = origin
        createdAt = date
    }
}

/// What changed, and so what an instance reloads.
enum IndexChangeKind: String, Sendable {
    /// A vacancy saved or its status moved: the vacancy index and its text search.
    case vacancy
    /// A specialist's profile saved or erased: the candidate index, the pool and the text search.
    case profile
    /// An account changed (a role, an erasure): its cached bearer tokens.
    case account
    /// An API token changed or went (a sign-out): that cached token.
    case token
}

/// A failed sign-in, counted by every instance (`SignInThrottle`). The key is a SHA-256 of the e-mail or the
/// address, never the value itself: the table says how often, not who.
final class SignInFailure: Model, @unchecked Sendable {
    static let schema = "sign_in_failures"

    @ID(key: .id) var id: UUID?
    @Field(key: "key") var key: String
    @Field(key: "at") var at: Date

    init() {}

    init(key: String, at date: Date) {
        self.key = key
        at = date
    }
}

/// Background work claimed for one period: the first instance to insert `(job, slot)` runs it, the others skip.
final class ScheduledRun: Model, @unchecked Sendable {
    static let schema = "scheduled_runs"

    @ID(key: .id) var id: UUID?
    /// `grace-sweep`.
    @Field(key: "job") var job: String
    /// The period, e.g. the hour `2026-12-04T13`.
    @Field(key: "slot") var slot: String
    /// Which instance ran it (its `ChangeFeed.origin`).
    @Field(key: "instance") var instance: UUID
    @Field(key: "started_at") var startedAt: Date

    init() {}

    init(job: String, slot: String, instance: UUID, at date: Date) {
        self.job = job
        self.slot = slot
        self.instance = instance
        startedAt = date
    }
}

struct CreateClusterTables: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(IndexChange.schema)
            .field("id", .int64, .identifier(auto: true))
            .field("kind", .string, .required)
            .field("subject", .uuid, .required)
            .field("origin", .uuid, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await database.schema(SignInFailure.schema)
            .id()
            .field("key", .string, .required)
            .field("at", .datetime, .required)
            .create()
        // Every sign-in asks for one key's recent failures.
        if let sql = database as? any SQLDatabase {
            try await sql.raw("CREATE INDEX sign_in_failures_key_at ON sign_in_failures (key, at)").run()
        }
        try await database.schema(ScheduledRun.schema)
            .id()
            .field("job", .string, .required)
            .field("slot", .string, .required)
            .field("instance", .uuid, .required)
            .field("started_at", .datetime, .required)
            .unique(on: "job", "slot")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(ScheduledRun.schema).delete()
        try await database.schema(SignInFailure.schema).delete()
        try await database.schema(IndexChange.schema).delete()
    }
}
