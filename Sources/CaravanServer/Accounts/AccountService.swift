import CaravanDomain
import Crypto
import Fluent
import Foundation
import NIOPosix
import Vapor

/// Opening accounts, signing in, tokens and roles: the steps around the domain's rules, each in one
/// transaction with its audit event.
struct AccountService: Sendable {
    let app: Application
    let database: any Database

    init(app: Application, database: (any Database)? = nil) {
        self.app = app
        self.database = database ?? app.db
    }

    private var now: Date { app.dependencies.now() }
    private var audit: AuditLog { AuditLog(now: app.dependencies.now) }

    // MARK: Sign-up

    /// Opens an account. `actor` is the admin creating a staff account, or `nil` for a sign-up;
    /// `asOperator` is the command line of the machine itself, which may create any role.
    func create(_ request: SignUpRequest, by actor: User?, asOperator: Bool = false) async throws -> User {
        let allowed = asOperator ? Set(Role.allCases) : AccountsPolicy.creatableRoles(by: actor?.domainRole)
        let valid: ValidSignUp
        do {
            valid = try SignUpRules.validate(
                request, allowedRoles: allowed, languages: app.catalogs.languages, defaultLanguage: app.catalogs.fallback,
                // A person signing themselves up agrees to the processing of their data; an admin or the operator
                // making a staff account does not ask them (their processing rests on their employment).
                requiresConsent: actor == nil && !asOperator
            )
        } catch {
            throw AppError.validation(error)
        }
        if try await User.query(on: database).filter(\.$email == valid.email.value).first() != nil {
            throw AppError.conflict(code: "account-email-taken")
        }
        let hash = try await hashPassword(valid.password)
        let user = User(
            email: valid.email, passwordHash: hash, displayName: valid.displayName, role: valid.role, language: valid.language
        )
        do {
            try await database.writeTransaction { db in
                try await user.create(on: db)
                if let version = valid.consent {
                    try await ProcessingConsent(userID: user.requireID(), version: version, givenAt: now).create(on: db)
                }
                try await audit.append(
                    AuditEntry(
                        actor: asOperator ? "cli" : actor.map { AuditEntry.user($0.id) } ?? AuditEntry.user(user.id),
                        action: "account.created",
                        subject: AuditEntry.user(user.id),
                        payload: ["role": valid.role.rawValue, "by": asOperator ? "operator" : actor == nil ? "self" : "admin"]
                            .merging(valid.consent.map { ["consent": $0] } ?? [:]) { first, _ in first }
                    ),
                    on: db
                )
            }
        } catch let error as any DatabaseError where error.isConstraintFailure {
            // Two sign-ups with one address at the same moment: the unique index decides, the loser is told.
            throw AppError.conflict(code: "account-email-taken")
        }
        return user
    }

    // MARK: Sign-in

    /// Checks credentials. A wrong e-mail and a wrong password take the same time and get the same answer.
    func authenticate(email rawEmail: String, password: String, address: String) async throws -> User {
        let key = rawEmail.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        // Counted apart from the request's own work (a refusal must not roll a failure back), on every instance.
        let throttle = SignInThrottle(database: app.db, now: app.dependencies.now)
        if let wait = try await throttle.retryAfter(account: key, address: address) {
            throw AppError.throttled(retryAfter: wait)
        }
        let user: User?
        if let email = EmailAddress(rawEmail), password.unicodeScalars.count <= SignUpRules.passwordMaximum {
            user = try await User.query(on: database).filter(\.$email == email.value).first()
        } else {
            user = nil
        }
        // Unknown accounts are checked against a fixed hash, so timing does not tell which accounts exist.
        let hash = user?.passwordHash ?? app.decoyPasswordHash
        let matches = try await verifyPassword(password, hash: hash)
        guard let user, matches, user.domainRole != nil else {
            try await throttle.recordFailure(account: key, address: address)
            throw AppError.unauthorized(code: "invalid-credentials")
        }
        try await throttle.recordSuccess(account: key)
        try await audit.appendAlone(
            AuditEntry(actor: AuditEntry.user(user.id), action: "account.signed-in", subject: AuditEntry.user(user.id)),
            on: database
        )
        return user
    }

    // MARK: API tokens

    /// Issues a bearer token. Returns the token itself, which is shown once.
    func issueToken(for user: User) async throws -> (token: String, expiresAt: Date) {
        let token = app.dependencies.newToken()
        let expiresAt = now.addingTimeInterval(app.caravanConfiguration.tokenLifetime)
        try await APIToken(userID: user.requireID(), tokenHash: APIToken.hash(token), expiresAt: expiresAt).create(on: database)
        return (token, expiresAt)
    }

    /// The account a bearer token belongs to, or why it does not let anyone in.
    func user(forToken token: String) async throws -> (User, APIToken) {
        guard !token.isEmpty, token.utf8.count <= 256,
              let stored = try await APIToken.query(on: database).filter(\.$tokenHash == APIToken.hash(token)).with(\.$user).first()
        else {
            throw AppError.unauthorized(code: "token-invalid")
        }
        if stored.revokedAt != nil { throw AppError.unauthorized(code: "token-revoked") }
        if stored.expiresAt <= now { throw AppError.unauthorized(code: "token-expired") }
        return (stored.user, stored)
    }

    func revoke(_ token: APIToken) async throws {
        token.revokedAt = now
        try await token.update(on: database)
    }

    /// Revokes every live token of an account (the account page's "sign out everywhere").
    func revokeAllTokens(of user: User) async throws -> Int {
        let live = try await APIToken.query(on: database)
            .filter(\.$user.$id == user.requireID())
            .filter(\.$revokedAt == nil)
            .all()
        for token in live {
            token.revokedAt = now
            try await token.update(on: database)
        }
        return live.count
    }

    // MARK: Finding accounts

    /// The order an admin may list accounts in; the first is the default.
    enum AccountOrder: String, CaseIterable, Sendable {
        case newest, name, email
    }

    /// Accounts whose name or e-mail contains `search` (as typed, in lower case, or capitalised: names are
    /// stored as people wrote them, and neither database folds Cyrillic case in `LIKE`), of `role` when given,
    /// one page of them in `order`, with how many match in all.
    func accounts(matching search: String, role: Role?, order: AccountOrder, page: Paging, by actor: User) async throws -> (users: [User], total: Int) {
        guard let actorRole = actor.domainRole, AccountsPolicy.mayListAccounts(actor: actorRole) else { throw AppError.forbidden }
        let term = search.trimmingCharacters(in: .whitespaces)
        func query() -> QueryBuilder<User> {
            let query = User.query(on: database)
            if let role { query.filter(\.$role == role.rawValue) }
            if !term.isEmpty {
                let variants = Set([term, term.lowercased(), term.prefix(1).uppercased() + term.dropFirst().lowercased()])
                query.group(.or) { group in
                    for variant in variants {
                        group.filter(\.$displayName, .contains(inverse: false, .anywhere), variant)
                        group.filter(\.$email, .contains(inverse: false, .anywhere), variant.lowercased())
                    }
                }
            }
            return query
        }
        let total = try await query().count()
        let sorted = query()
        switch order {
        case .newest: sorted.sort(\.$createdAt, .descending).sort(\.$id)
        case .name: sorted.sort(\.$displayName).sort(\.$id)
        case .email: sorted.sort(\.$email)
        }
        return (try await sorted.range(page.range).all(), total)
    }

    // MARK: Roles

    func changeRole(of target: User, to role: Role, by actor: User) async throws {
        guard let actorRole = actor.domainRole,
              AccountsPolicy.mayChangeRole(actor: actorRole, actorID: try actor.requireID().uuidString, targetID: try target.requireID().uuidString)
        else {
            throw AppError.forbidden
        }
        let previous = target.role
        guard previous != role.rawValue else { return }
        try await database.writeTransaction { db in
            target.role = role.rawValue
            try await target.update(on: db)
            try await audit.append(
                AuditEntry(
                    actor: AuditEntry.user(actor.id), action: "account.role-changed", subject: AuditEntry.user(target.id),
                    payload: ["from": previous, "to": role.rawValue]
                ),
                on: db
            )
        }
    }

    func setLanguage(of user: User, to language: LanguageCode) async throws {
        guard app.catalogs.languages.contains(language) else {
            throw AppError.validation(ValidationFailure(field: "language", code: "language.unsupported"))
        }
        user.language = language.rawValue
        try await user.update(on: database)
    }

    // MARK: Passwords (bcrypt, off the event loop)

    func hashPassword(_ password: String) async throws -> String {
        let cost = app.caravanConfiguration.bcryptCost
        let input = Self.bcryptInput(password)
        return try await app.threadPool.runIfActive { try Bcrypt.hash(input, cost: cost) }
    }

    func verifyPassword(_ password: String, hash: String) async throws -> Bool {
        let input = Self.bcryptInput(password)
        return try await app.threadPool.runIfActive { (try? Bcrypt.verify(input, created: hash)) ?? false }
    }

    /// bcrypt reads only the first 72 bytes of what it is given: a longer password (128 Cyrillic letters are 256
    /// bytes) is given as its SHA-256 digest, so every character counts. Passwords of 72 bytes or fewer are given
    /// as they are, so the hashes stored before this rule still verify.
    static func bcryptInput(_ password: String) -> String {
        guard password.utf8.count > 72 else { return password }
        return "sha256:" + Data(SHA256.hash(data: Data(password.utf8))).base64EncodedString()
    }
}

extension AuditLog {
    /// Appends in a transaction of its own (for events that change nothing else, like a sign-in).
    func appendAlone(_ entry: AuditEntry, on database: any Database) async throws {
        try await database.writeTransaction { db in try await append(entry, on: db) }
    }
}

extension Application {
    private struct DecoyKey: StorageKey {
        typealias Value = String
    }

    /// A bcrypt hash of a random password at the configured cost, made once at start.
    var decoyPasswordHash: String {
        get { storage[DecoyKey.self]! }
        set { storage[DecoyKey.self] = newValue }
    }
}

extension Request {
    var accounts: AccountService { AccountService(app: application, database: database) }
}
