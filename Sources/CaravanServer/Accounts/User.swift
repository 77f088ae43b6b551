import CaravanDomain
import Fluent
import Foundation
import Vapor

/// A person's account. Storage only: the API and the pages have their own types.
final class User: Model, @unchecked Sendable {
    static let schema = "users"

    @ID(key: .id) var id: UUID?
    /// Normalised (trimmed, lowercased); unique.
    @Field(key: "email") var email: String
    @Field(key: "password_hash") var passwordHash: String
    @Field(key: "display_name") var displayName: String
    /// `Role.rawValue`; a string so that SQLite and PostgreSQL store it alike.
    @Field(key: "role") var role: String
    @Field(key: "language") var language: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    init(id: UUID? = nil, email: EmailAddress, passwordHash: String, displayName: String, role: Role, language: LanguageCode) {
        self.id = id
        self.email = email.value
        self.passwordHash = passwordHash
        self.displayName = displayName
        self.role = role.rawValue
        self.language = language.rawValue
    }

    /// The role as a domain value; an unknown stored value (a hand edit) grants nothing.
    var domainRole: Role? { Role(rawValue: role) }
}

extension User: ModelSessionAuthenticatable {}

struct CreateUser: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(User.schema)
            .id()
            .field("email", .string, .required)
            .field("password_hash", .string, .required)
            .field("display_name", .string, .required)
            .field("role", .string, .required)
            .field("language", .string, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "email")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(User.schema).delete()
    }
}
