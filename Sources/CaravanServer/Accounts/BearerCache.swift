import CaravanDomain
import Fluent
import Foundation
import NIOConcurrencyHelpers
import Vapor

/// Who a bearer token speaks for, as the busiest read routes need it: the account's id and role, no row.
struct BearerAccount: Sendable, Equatable {
    let userID: UUID
    let role: String
    let tokenID: UUID
    let expiresAt: Date

    var domainRole: Role? { Role(rawValue: role) }
}

/// Valid bearer tokens already looked up, by their SHA-256, so a client polling "vacancies for me" does not
/// cost a database round trip per request.
///
/// It does not vouch for a token the database no longer honours: every save or delete of a token or an
/// account goes through `BearerCacheInvalidation` (a Fluent model middleware), which drops that token or
/// every token of that account before the write and again after it; expiry is checked on every hit; and a
/// lookup that raced with such a change is not stored (the generation moved while it ran). A write inside
/// a transaction commits a moment after its second drop, so an entry also lives at most `lifetime` before
/// the database is asked again. Invalid tokens are never cached — they go to the database each time.
/// Each instance holds its own; a change made on another reaches this one through `ChangeFeed` (the middlewares
/// below record it), usually within milliseconds and at most `lifetime` later.
final class BearerCache: Sendable {
    private struct State {
        var entries: [String: (account: BearerAccount, cachedAt: Date)] = [:]
        var generation: UInt64 = 0
    }

    private let state = NIOLockedValueBox(State())
    /// Past this many live tokens the cache starts over rather than grow without bound.
    let capacity: Int
    let lifetime: TimeInterval

    init(capacity: Int = 50_000, lifetime: TimeInterval = 60) {
        self.capacity = capacity
        self.lifetime = lifetime
    }

    func account(forHash hash: String, now: Date) -> BearerAccount? {
        state.withLockedValue { state in
            guard let entry = state.entries[hash] else { return nil }
            guard now.timeIntervalSince(entry.cachedAt) < lifetime, entry.cachedAt <= now else {
                state.entries[hash] = nil
                return nil
            }
            return entry.account
        }
    }

    /// Taken before a database lookup; `store` refuses the result if anything changed since.
    var generation: UInt64 { state.withLockedValue { $0.generation } }

    func store(_ account: BearerAccount, forHash hash: String, ifGeneration generation: UInt64, now: Date) {
        state.withLockedValue { state in
            guard state.generation == generation else { return }
            if state.entries.count >= capacity { state.entries.removeAll(keepingCapacity: true) }
            state.entries[hash] = (account, now)
        }
    }

    func forget(tokenHash hash: String) {
        state.withLockedValue { state in
            state.generation &+= 1
            state.entries[hash] = nil
        }
    }

    /// A token changed on another instance, which names it by id (`ChangeFeed`).
    func forget(tokenID: UUID) {
        state.withLockedValue { state in
            state.generation &+= 1
            state.entries = state.entries.filter { $0.value.account.tokenID != tokenID }
        }
    }

    func forget(userID: UUID) {
        state.withLockedValue { state in
            state.generation &+= 1
            state.entries = state.entries.filter { $0.value.account.userID != userID }
        }
    }

    var count: Int { state.withLockedValue { $0.entries.count } }
}

/// Keeps `BearerCache` honest: any write to a token or an account through Fluent drops what the cache
/// holds for it, before the write is made (a failed write only costs a database lookup later).
struct BearerCacheInvalidation: AsyncModelMiddleware {
    typealias Model = APIToken
    let cache: BearerCache
    /// Tells the other instances (their caches hold their own lookups), in the write's transaction.
    let feed: ChangeFeed
    let now: @Sendable () -> Date

    func create(model: APIToken, on db: any Database, next: any AnyAsyncModelResponder) async throws {
        cache.forget(tokenHash: model.tokenHash)
        try await next.create(model, on: db)
        cache.forget(tokenHash: model.tokenHash)
    }

    func update(model: APIToken, on db: any Database, next: any AnyAsyncModelResponder) async throws {
        cache.forget(tokenHash: model.tokenHash)
        try await db.writeTransaction { db in
            try await next.update(model, on: db)
            if let id = model.id { try await feed.publish(.token, id, on: db, at: now()) }
        }
        cache.forget(tokenHash: model.tokenHash)
    }

    func delete(model: APIToken, force: Bool, on db: any Database, next: any AnyAsyncModelResponder) async throws {
        cache.forget(tokenHash: model.tokenHash)
        try await db.writeTransaction { db in
            try await next.delete(model, force: force, on: db)
            if let id = model.id { try await feed.publish(.token, id, on: db, at: now()) }
        }
        cache.forget(tokenHash: model.tokenHash)
    }
}

/// The account side: a changed role or a deleted account drops every cached token of that account, here and
/// (through the feed) on every other instance.
struct BearerCacheUserInvalidation: AsyncModelMiddleware {
    typealias Model = User
    let cache: BearerCache
    let feed: ChangeFeed
    let now: @Sendable () -> Date

    func update(model: User, on db: any Database, next: any AnyAsyncModelResponder) async throws {
        if let id = model.id { cache.forget(userID: id) }
        try await db.writeTransaction { db in
            try await next.update(model, on: db)
            if let id = model.id { try await feed.publish(.account, id, on: db, at: now()) }
        }
        if let id = model.id { cache.forget(userID: id) }
    }

    func delete(model: User, force: Bool, on db: any Database, next: any AnyAsyncModelResponder) async throws {
        if let id = model.id { cache.forget(userID: id) }
        try await db.writeTransaction { db in
            try await next.delete(model, force: force, on: db)
            if let id = model.id { try await feed.publish(.account, id, on: db, at: now()) }
        }
        if let id = model.id { cache.forget(userID: id) }
    }
}

extension Application {
    private struct BearerCacheKey: StorageKey {
        typealias Value = BearerCache
    }

    var bearerCache: BearerCache {
        get { storage[BearerCacheKey.self]! }
        set { storage[BearerCacheKey.self] = newValue }
    }
}

extension Request {
    /// The account of the bearer token, from memory when it was seen before; the same errors as
    /// `bearerUser()` otherwise (missing, unknown, revoked, expired).
    func bearerAccount() async throws -> BearerAccount {
        if let account = try cachedBearerAccount() { return account }
        let token = headers.bearerAuthorization?.token ?? ""
        let cache = application.bearerCache
        let now = application.dependencies.now()
        let hash = APIToken.hash(token)
        let generation = cache.generation
        let (user, stored) = try await accounts.user(forToken: token)
        let account = BearerAccount(userID: try user.requireID(), role: user.role, tokenID: try stored.requireID(),
                                    expiresAt: stored.expiresAt)
        cache.store(account, forHash: hash, ifGeneration: generation, now: now)
        return account
    }

    /// The same account from memory alone: the same errors for a missing, malformed or expired token, and nil
    /// when the token is not cached (then `bearerAccount()` asks the database).
    func cachedBearerAccount() throws -> BearerAccount? {
        guard let bearer = headers.bearerAuthorization else {
            throw AppError.unauthorized(code: "authentication-required")
        }
        let token = bearer.token
        guard !token.isEmpty, token.utf8.count <= 256 else { throw AppError.unauthorized(code: "token-invalid") }
        let now = application.dependencies.now()
        guard let account = application.bearerCache.account(forHash: APIToken.hash(token), now: now) else { return nil }
        if account.expiresAt <= now { throw AppError.unauthorized(code: "token-expired") }
        return account
    }
}
