import CaravanDomain
import Fluent
import Foundation

/// One line in a person's inbox. The text is not stored: a message key and its arguments are, so the inbox
/// reads in whatever language its owner uses today.
final class Notice: Model, @unchecked Sendable {
    static let schema = "notices"

    @ID(key: .id) var id: UUID?
    @Parent(key: "user_id") var user: User
    /// A message key under `notice.` in the catalogues, e.g. `notice.application.offer`.
    @Field(key: "kind") var kind: String
    @Field(key: "arguments") var arguments: [String: String]
    /// A local path the notice leads to (the application list, a vacancy page).
    @Field(key: "link") var link: String
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "read_at") var readAt: Date?

    init() {}

    init(userID: UUID, kind: String, arguments: [String: String], link: String, at date: Date) {
        $user.id = userID
        self.kind = kind
        self.arguments = arguments
        self.link = link
        createdAt = date
    }
}

/// An e-mail waiting to be sent, written in the same transaction as the event it reports, so an event
/// never goes unannounced and a rolled-back one is never announced. A sender delivers it afterwards.
final class OutboxMail: Model, @unchecked Sendable {
    static let schema = "mail_outbox"

    @ID(key: .id) var id: UUID?
    /// The recipient's account; nil for someone invited who has none yet (then `address` and `language` say where and how).
    @OptionalParent(key: "user_id") var user: User?
    @OptionalField(key: "address") var address: String?
    @OptionalField(key: "language") var language: String?
    @Field(key: "kind") var kind: String
    @Field(key: "arguments") var arguments: [String: String]
    @Field(key: "link") var link: String
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "sent_at") var sentAt: Date?
    @Field(key: "attempts") var attempts: Int
    /// Not tried again before this moment after a failed send; nil when due (never tried, or written before it existed).
    @OptionalField(key: "next_attempt_at") var nextAttemptAt: Date?
    /// An iCalendar file sent with the mail (an appointment at a centre); holds no personal data.
    @OptionalField(key: "calendar") var calendar: String?

    /// Kinds whose link holds a one-time secret (a password reset's token): erased once the mail is sent, so the
    /// token lives in the recipient's mailbox only.
    static let secretKinds: Set<String> = ["mail.password-reset"]

    init() {}

    init(userID: UUID?, address: String? = nil, language: LanguageCode? = nil, kind: String, arguments: [String: String], link: String, at date: Date) {
        $user.id = userID
        self.address = address
        self.language = language?.rawValue
        self.kind = kind
        self.arguments = arguments
        self.link = link
        createdAt = date
        attempts = 0
    }
}

struct CreateNotices: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Notice.schema)
            .id()
            .field("user_id", .uuid, .required, .references(User.schema, .id, onDelete: .cascade))
            .field("kind", .string, .required)
            .field("arguments", .json, .required)
            .field("link", .string, .required)
            .field("created_at", .datetime, .required)
            .field("read_at", .datetime)
            .create()
        try await database.schema(OutboxMail.schema)
            .id()
            .field("user_id", .uuid, .references(User.schema, .id, onDelete: .cascade))
            .field("address", .string)
            .field("language", .string)
            .field("kind", .string, .required)
            .field("arguments", .json, .required)
            .field("link", .string, .required)
            .field("created_at", .datetime, .required)
            .field("sent_at", .datetime)
            .field("attempts", .int, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(OutboxMail.schema).delete()
        try await database.schema(Notice.schema).delete()
    }
}
