import Fluent
import Foundation

/// One entry of the append-only, hash-chained audit log.
///
/// `hash = SHA-256(previousHash | sequence | occurredAt | actor | action | subject | payloadDigest)`,
/// so editing, deleting or reordering any row breaks every link after it.
final class AuditEvent: Model, @unchecked Sendable {
    static let schema = "audit_events"

    @ID(key: .id) var id: UUID?
    /// 1, 2, 3, … with no gaps; unique, so two writers cannot both append the same link.
    @Field(key: "sequence") var sequence: Int64
    /// Milliseconds since 1970: an integer hashes the same on every database, a timestamp column may not.
    @Field(key: "occurred_at_ms") var occurredAtMilliseconds: Int64
    /// `user:<uuid>`, `system`, or `cli`; never a name or an e-mail address.
    @Field(key: "actor") var actor: String
    @Field(key: "action") var action: String
    @Field(key: "subject") var subject: String
    /// Canonical JSON (sorted keys) of what the action decided. Holds no personal data.
    @Field(key: "payload") var payload: String
    @Field(key: "payload_digest") var payloadDigest: String
    @Field(key: "previous_hash") var previousHash: String
    @Field(key: "hash") var hash: String

    init() {}

    init(sequence: Int64, occurredAtMilliseconds: Int64, actor: String, action: String, subject: String,
         payload: String, payloadDigest: String, previousHash: String, hash: String) {
        self.sequence = sequence
        self.occurredAtMilliseconds = occurredAtMilliseconds
        self.actor = actor
        self.action = action
        self.subject = subject
        self.payload = payload
        self.payloadDigest = payloadDigest
        self.previousHash = previousHash
        self.hash = hash
    }
}

struct CreateAuditEvent: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(AuditEvent.schema)
            .id()
            .field("sequence", .int64, .required)
            .field("occurred_at_ms", .int64, .required)
            .field("actor", .string, .required)
            .field("action", .string, .required)
            .field("subject", .string, .required)
            .field("payload", .string, .required)
            .field("payload_digest", .string, .required)
            .field("previous_hash", .string, .required)
            .field("hash", .string, .required)
            .unique(on: "sequence")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(AuditEvent.schema).delete()
    }
}
