import Fluent
import Foundation

/// A person's consent to the processing of their personal data (152-FZ): who, which version of the text, when;
/// and when it was withdrawn (an erasure withdraws it). Recorded at sign-up; staff accounts made by an admin have none.
final class ProcessingConsent: Model, @unchecked Sendable {
    static let schema = "processing_consents"

    @ID(key: .id) var id: UUID?
    @Field(key: "user_id") var userID: UUID
    /// `PersonalDataConsent.currentVersion` when they agreed (`2026.1`).
    @Field(key: "version") var version: String
    @Field(key: "given_at") var givenAt: Date
    @OptionalField(key: "withdrawn_at") var withdrawnAt: Date?

    init() {}

    init(userID: UUID, version: String, givenAt: Date) {
        self.userID = userID
        self.version = version
        self.givenAt = givenAt
    }
}

struct CreateProcessingConsent: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(ProcessingConsent.schema)
            .id()
            .field("user_id", .uuid, .required, .references(User.schema, .id, onDelete: .cascade))
            .field("version", .string, .required)
            .field("given_at", .datetime, .required)
            .field("withdrawn_at", .datetime)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(ProcessingConsent.schema).delete()
    }
}
