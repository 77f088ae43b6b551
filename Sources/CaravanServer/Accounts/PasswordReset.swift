import CaravanDomain
import Crypto
import Fluent
import FluentSQL
import Foundation
import Vapor

/// One request to reset a password: the SHA-256 of a token mailed to the account's address, good once and for
/// 30 minutes. The token itself is never stored.
final class PasswordReset: Model, @unchecked Sendable {
    static let schema = "password_resets"

    @ID(key: .id) var id: UUID?
    @Parent(key: "user_id") var user: User
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "expires_at") var expiresAt: Date
    @OptionalField(key: "used_at") var usedAt: Date?

    init() {}

    init(userID: UUID, tokenHash: String, createdAt: Date, expiresAt: Date) {
        self.$user.id = userID
        self.tokenHash = tokenHash
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }
}

struct CreatePasswordReset: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(PasswordReset.schema)
            .id()
            .field("user_id", .uuid, .required, .references(User.schema, .id, onDelete: .cascade))
            .field("token_hash", .string, .required)
            .field("created_at", .datetime, .required)
            .field("expires_at", .datetime, .required)
            .field("used_at", .datetime)
            .unique(on: "token_hash")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(PasswordReset.schema).delete()
    }
}

/// Password reset by e-mail. Asking answers the same whether the address has an account or not, and is
/// throttled per address asked for and per client; the link works once, for 30 minutes; a new password signs
/// the account out everywhere (its sessions and API tokens) and goes to the audit chain.
struct PasswordResetService: Sendable {
    static let lifetime: TimeInterval = 30 * 60
    /// The in-process turn every reset write takes (see `request`).
    static let turn = "password-reset"
    /// Three links an hour for one address, ten for one client: enough for a lost mail, too few to flood a box.
    static let perAccount = LoginThrottle.Limit(failures: 3, window: 60 * 60)
    static let perClient = LoginThrottle.Limit(failures: 10, window: 60 * 60)

    let app: Application
    let database: any Database

    private var now: Date { app.dependencies.now() }

    /// Asks for a link to `rawEmail`. Throws `.throttled` past the limits (whether the address exists or not);
    /// otherwise mails a link when the address has an account, and does nothing visible when it has none.
    func request(email rawEmail: String, address: String, language: LanguageCode) async throws {
        let email = (try? EmailAddress(rawEmail))?.value ?? rawEmail.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        guard !email.isEmpty, rawEmail.unicodeScalars.count <= 320 else {
            throw AppError.validation(ValidationFailure(field: "email", code: "email.invalid"))
        }
        let date = now
        let keys = [("reset-account", email, Self.perAccount), ("reset-address", address, Self.perClient)]
        // One reset write at a time in this process: SQLite has one writer, and transactions waiting on its lock would
        // hold the connections the one holding it needs. Across processes PostgreSQL's locks below decide.
        await app.idempotencyTurns.enter(Self.turn)
        defer { Task { await app.idempotencyTurns.leave(Self.turn) } }
        try await database.writeTransaction { db in
            // One asker at a time per key: on PostgreSQL a transaction-scoped advisory lock (taken in a fixed order),
            // so requests sent at once are counted one after another; SQLite's single writer does the same already.
            if let sql = db as? any SQLDatabase, sql.dialect.name == "postgresql" {
                for key in keys.map({ SignInThrottle.key($0.0, $0.1) }).sorted() {
                    try await sql.raw("SELECT pg_advisory_xact_lock(hashtextextended(\(bind: key), 0))").run()
                }
            }
            // Written before it is read, so the count includes this attempt. A refused attempt rolls back with its
            // transaction: asking again while refused does not push the window further out.
            for (kind, value, _) in keys { try await SignInFailure(key: SignInThrottle.key(kind, value), at: date).create(on: db) }
            for (kind, value, limit) in keys {
                let since = date.addingTimeInterval(-limit.window)
                let recent = try await SignInFailure.query(on: db).filter(\.$key == SignInThrottle.key(kind, value)).filter(\.$at > since)
                    .sort(\.$at, .ascending).all()
                if recent.count > limit.failures, let oldest = recent.first {
                    throw AppError.throttled(retryAfter: max(1, Int(oldest.at.addingTimeInterval(limit.window).timeIntervalSince(date).rounded(.up))))
                }
            }
            guard let user = try await User.query(on: db).filter(\.$email == email).first() else { return }
            let token = app.dependencies.newToken()
            try await PasswordReset(userID: try user.requireID(), tokenHash: Self.hash(token), createdAt: date,
                                    expiresAt: date.addingTimeInterval(Self.lifetime)).create(on: db)
            try await NotificationService(app: app, database: db).mail(
                to: user.email, language: LanguageCode(rawValue: user.language) ?? language, kind: "mail.password-reset",
                arguments: ["minutes": "\(Int(Self.lifetime / 60))"], link: SiteURL.passwordResetToken(token).path
            )
        }
    }

    /// The reset a token opens, if it is still good; 410 `password-reset-expired` when it was used, is late, or
    /// was never given (the three answer alike).
    func open(token: String) async throws -> PasswordReset {
        guard token.count <= 200, let reset = try await PasswordReset.query(on: database).filter(\.$tokenHash == Self.hash(token)).first(),
              reset.usedAt == nil, reset.expiresAt > now
        else { throw AppError.gone(code: "password-reset-expired") }
        return reset
    }

    /// Sets the new password once: the reset is marked used in the same transaction (a second use finds it used),
    /// every session and API token of the account ends, and the audit chain records it.
    func complete(token: String, password: String) async throws {
        let reset = try await open(token: token)
        guard let owner = try await User.find(reset.$user.id, on: database) else { throw AppError.notFound }
        // A password the rules refuse spends nothing: the link still works for a better one.
        var validator = Validator()
        SignUpRules.validatePassword(password, email: try? EmailAddress(owner.email), into: &validator)
        do { try validator.check() } catch { throw AppError.validation(error) }
        let date = now
        let accounts = AccountService(app: app, database: database)
        let passwordHash = try await accounts.hashPassword(password)
        await app.idempotencyTurns.enter(Self.turn)
        defer { Task { await app.idempotencyTurns.leave(Self.turn) } }
        try await database.writeTransaction { db in
            // Claim the reset first, in one statement: of two tries at once (on PostgreSQL the second waits for the
            // first's row lock, then finds `used_at` set), exactly one gets the row back.
            guard let sql = db as? any SQLDatabase else { throw AppError.gone(code: "password-reset-expired") }
            let claimed = try await sql.raw("""
                UPDATE \(ident: PasswordReset.schema) SET used_at = \(bind: date)
                WHERE id = \(bind: try reset.requireID()) AND used_at IS NULL AND expires_at > \(bind: date) RETURNING id
                """).all()
            guard !claimed.isEmpty else { throw AppError.gone(code: "password-reset-expired") }
            guard let user = try await User.find(reset.$user.id, on: db) else { throw AppError.notFound }
            user.passwordHash = passwordHash
            try await user.update(on: db)
            let userID = try user.requireID()
            // One by one, so the bearer cache hears of each (its model middleware), on this instance and the others.
            for token in try await APIToken.query(on: db).filter(\.$user.$id == userID).filter(\.$revokedAt == nil).all() {
                token.revokedAt = date
                try await token.update(on: db)
            }
            try await SessionRecord.endAll(of: userID, on: db)
            // Any other link still out for this account is spent too.
            try await PasswordReset.query(on: db).filter(\.$user.$id == userID).filter(\.$usedAt == nil).set(\.$usedAt, to: date).update()
            try await AuditLog(now: app.dependencies.now).append(
                AuditEntry(actor: AuditEntry.user(userID), action: "account.password-reset", subject: AuditEntry.user(userID), payload: [:]), on: db
            )
            // The person proved they hold the mailbox: failed sign-ins before the reset no longer lock them out.
            try await SignInThrottle(database: db, now: app.dependencies.now).recordSuccess(account: user.email)
        }
    }

    static func hash(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}

extension SessionRecord {
    /// Ends every session of an account: each stores the account id in its data.
    static func endAll(of userID: UUID, on db: any Database) async throws {
        for record in try await SessionRecord.query(on: db).all() where record.data["_UserSession"] == userID.uuidString {
            try await record.delete(on: db)
        }
    }
}

extension Request {
    var passwordResets: PasswordResetService { PasswordResetService(app: application, database: database) }
}
