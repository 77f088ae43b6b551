import Fluent
import Foundation

/// The first answer to a request that carried an idempotency key (an API `Idempotency-Key`, a page form's one-time
/// token), written in the transaction of the write it reports, so a repeat gets this answer instead of a second
/// write. Scoped by caller; kept `IdempotencyMiddleware.lifetime`.
final class IdempotencyRecord: Model, @unchecked Sendable {
    static let schema = "idempotency_records"

    @ID(key: .id) var id: UUID?
    /// Whose key: `api:<account id>`, `api:anonymous` (sign-up), `web:<account id>`, `web:anonymous`.
    @Field(key: "scope") var scope: String
    @Field(key: "key") var key: String
    /// SHA-256 of method, path, content type and body: a key sent again with another request is refused.
    @Field(key: "request_hash") var requestHash: String
    @Field(key: "status") var status: Int
    @OptionalField(key: "content_type") var contentType: String?
    @OptionalField(key: "location") var location: String?
    /// The answer's body, sealed like personal data (it may carry some: an account's e-mail, a passport number).
    @Field(key: "body") var body: Data
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "expires_at") var expiresAt: Date

    init() {}

    init(scope: String, key: String, requestHash: String, at date: Date, lifetime: TimeInterval) {
        self.scope = scope
        self.key = key
        self.requestHash = requestHash
        status = 0
        body = Data()
        createdAt = date
        expiresAt = date.addingTimeInterval(lifetime)
    }
}

struct CreateIdempotencyRecord: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(IdempotencyRecord.schema)
            .id()
            .field("scope", .string, .required)
            .field("key", .string, .required)
            .field("request_hash", .string, .required)
            .field("status", .int, .required)
            .field("content_type", .string)
            .field("location", .string)
            .field("body", .data, .required)
            .field("created_at", .datetime, .required)
            .field("expires_at", .datetime, .required)
            // The guarantee against a twin in another process (or on another PostgreSQL connection): the second
            // insert waits for the first transaction and then fails, and the twin answers with what was stored.
            .unique(on: "scope", "key")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(IdempotencyRecord.schema).delete()
    }
}
