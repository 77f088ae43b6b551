import CaravanDomain
import Crypto
import Fluent
import Foundation
import NIOCore
import Vapor

/// Makes a create safe to repeat. A request that carries a key (the API's `Idempotency-Key` header, a page form's
/// one-time `form_token`) runs in one database transaction that first claims the key, then does the write, then
/// stores the answer; so the write and its stored answer commit together or not at all — a crash between them
/// leaves neither. A repeat of the key gets the stored answer (`Idempotent-Replayed: true`) and writes nothing.
///
/// Twins at the same moment: in this process they take turns on the key (`KeyedTurns`), so the second finds the
/// first's answer; across processes the unique (scope, key) index makes the second claim wait for the first
/// transaction and fail, and the second then answers with what the first stored.
///
/// Only a success is stored (2xx for the API, a redirect for a page): a refused request wrote nothing, and its
/// repeat is tried afresh. Handlers must reach the database through `Request.database` (never `req.database`), which is
/// the transaction while one is open.
struct IdempotencyMiddleware: AsyncMiddleware {
    enum Door: Sendable {
        /// The JSON API: the `Idempotency-Key` header on the operations that create something.
        case api
        /// The web pages: a form's `form_token` field.
        case web
    }

    static let headerName = "Idempotency-Key"
    static let formField = "form_token"
    /// A day, as the IETF draft and the payment APIs keep theirs: long enough for any client's retries.
    static let lifetime: TimeInterval = 24 * 3600
    /// Printable ASCII without spaces, 1 to 128 characters (a UUID is 36): what openapi.yaml says.
    static let maximumKeyLength = 128

    /// The API paths (`*` for an id) whose POST creates something and so takes a key. Signing in does not: a
    /// session is a new token each time, not a thing a retry could duplicate.
    static let creatingOperations: [[String]] = [
        ["accounts"], ["companies"], ["vacancies"], ["vacancies", "*", "applications"], ["vacancies", "*", "invitations"],
        ["companies", "mine", "invitations"], ["permit-cases"], ["permit-cases", "*", "documents"], ["entry-bans"],
        ["centres", "*", "bookings"], ["courses"], ["me", "residency", "application"], ["me", "residency", "documents"],
        ["me", "company-filings"], ["register", "companies", "*", "change"], ["grants", "universities"],
        ["grants", "universities", "*", "programmes"], ["grants", "rounds"], ["grants", "rounds", "*", "second-round"],
    ]

    let door: Door

    /// Only a POST can be a repeat: anything else passes straight on from the event loop, without starting a task
    /// (an async middleware starts one for every request, and with it two thread hops).
    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        guard request.method == .POST else { return next.respond(to: request) }
        return request.eventLoop.makeFutureWithTask {
            try await self.respond(to: request, chainingTo: AsyncBasicResponder { try await next.respond(to: $0).get() })
        }
    }

    static func isValidKey(_ key: String) -> Bool {
        !key.isEmpty && key.count <= maximumKeyLength
            && key.unicodeScalars.allSatisfy { $0.value > 0x20 && $0.value < 0x7f }
    }

    /// Creating an account is the one create open to a caller without one.
    static func isSignUp(_ request: Request) -> Bool {
        request.url.path.split(separator: "/").map(String.init) == ["api", "v1", "accounts"]
    }

    static func takesKey(_ request: Request) -> Bool {
        guard request.method == .POST else { return false }
        let parts = request.url.path.split(separator: "/").map(String.init)
        guard parts.count > 2, parts[0] == "api", parts[1] == "v1" else { return false }
        let rest = Array(parts.dropFirst(2))
        return creatingOperations.contains { pattern in
            pattern.count == rest.count && zip(pattern, rest).allSatisfy { $0 == "*" || $0 == $1 }
        }
    }

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard request.method == .POST else { return try await next.respond(to: request) }
        let key: String
        let scope: String
        switch door {
        case .api:
            guard let sent = request.headers.first(name: Self.headerName) else { return try await next.respond(to: request) }
            guard Self.takesKey(request), Self.isValidKey(sent) else { throw AppError.malformedRequest }
            key = sent
            if request.headers.bearerAuthorization != nil {
                // A token that does not open an account: the handler answers 401, nothing to keep.
                guard let (user, _) = try? await request.bearerUser() else { return try await next.respond(to: request) }
                scope = "api:" + (try user.requireID().uuidString.lowercased())
            } else if Self.isSignUp(request) {
                scope = "api:anonymous"
            } else {
                // Every other create needs an account: the handler answers 401 before any key is looked at.
                return try await next.respond(to: request)
            }
        case .web:
            guard let sent = try? request.content.get(String.self, at: Self.formField), Self.isValidKey(sent) else {
                return try await next.respond(to: request)
            }
            // One page may hold several such forms (one per hired application, each opening its own case) and
            // they share the page's token: what the form sends is part of the key, so only the same form sent
            // again is a repeat.
            key = sent + " " + Self.hash(request)
            scope = "web:" + (request.auth.get(User.self)?.id?.uuidString.lowercased() ?? "anonymous")
        }
        let hash = Self.hash(request)
        let turns = request.application.idempotencyTurns
        let turn = scope + "\n" + key
        await turns.enter(turn)
        do {
            let response = try await answer(request, scope: scope, key: key, hash: hash, next: next)
            await turns.leave(turn)
            return response
        } catch {
            await turns.leave(turn)
            throw error
        }
    }

    private func answer(_ request: Request, scope: String, key: String, hash: String, next: any AsyncResponder) async throws -> Response {
        let now = request.application.dependencies.now()
        if let stored = try await Self.stored(scope: scope, key: key, on: request.db, now: now) {
            return try replay(stored, hash: hash, request: request)
        }
        // An expired record of the same key makes way for the new one.
        try await IdempotencyRecord.query(on: request.db).filter(\.$scope == scope).filter(\.$key == key)
            .filter(\.$expiresAt <= now).delete()
        let keyring = request.application.dataKeys
        let door = door
        let context = APIRequestContext.request
        do {
            return try await request.db.writeTransaction { database in
                request.storage[ScopedDatabaseKey.self] = database
                defer { request.storage[ScopedDatabaseKey.self] = nil }
                // The claim comes first: on SQLite it takes the write lock before anything is read, so the
                // transaction cannot find its snapshot stale when it writes; on PostgreSQL a twin waits here.
                let record = IdempotencyRecord(scope: scope, key: key, requestHash: hash, at: now, lifetime: Self.lifetime)
                try await record.create(on: database)
                // The driver runs this closure on a task of its own: the API handlers' request goes along.
                let response = try await APIRequestContext.$request.withValue(context) { try await next.respond(to: request) }
                let kept = switch door {
                case .api: (200..<300).contains(response.status.code)
                case .web: (300..<400).contains(response.status.code)
                }
                guard kept else { throw NotKept(response: response) }
                let body = try await response.body.collect(on: request.eventLoop).get() ?? ByteBuffer()
                record.status = Int(response.status.code)
                record.contentType = response.headers.first(name: .contentType)
                record.location = response.headers.first(name: .location)
                record.body = try keyring.keyring.seal(bytes: Data(body.readableBytesView))
                try await record.update(on: database)
                response.body = .init(buffer: body)
                return response
            }
        } catch let notKept as NotKept {
            return notKept.response
        } catch {
            // A twin in another process claimed the key first and has committed: answer as it did.
            if let stored = try? await Self.stored(scope: scope, key: key, on: request.db, now: now) {
                return try replay(stored, hash: hash, request: request)
            }
            throw error
        }
    }

    /// A refused request: its transaction rolls back (it wrote nothing) and its answer goes out as it is.
    private struct NotKept: Error, @unchecked Sendable {
        let response: Response
    }

    private static func stored(scope: String, key: String, on database: any Database, now: Date) async throws -> IdempotencyRecord? {
        try await IdempotencyRecord.query(on: database).filter(\.$scope == scope).filter(\.$key == key)
            .filter(\.$expiresAt > now).first()
    }

    private func replay(_ record: IdempotencyRecord, hash: String, request: Request) throws -> Response {
        // The API refuses a key sent again with another request; a page form sent twice (perhaps edited in
        // between) lands where the first one did.
        if door == .api, record.requestHash != hash {
            throw AppError.conflict(code: "idempotency-key-reused")
        }
        var headers = HTTPHeaders()
        if let type = record.contentType { headers.replaceOrAdd(name: .contentType, value: type) }
        if let location = record.location { headers.replaceOrAdd(name: .location, value: location) }
        headers.replaceOrAdd(name: "Idempotent-Replayed", value: "true")
        let body = try request.application.dataKeys.keyring.open(bytes: record.body)
        return Response(status: HTTPResponseStatus(statusCode: record.status), headers: headers, body: .init(data: body))
    }

    static func hash(_ request: Request) -> String {
        var hasher = SHA256()
        hasher.update(data: Data("\(request.method.rawValue) \(request.url.path)?\(request.url.query ?? "")\n".utf8))
        hasher.update(data: Data((request.headers.first(name: .contentType) ?? "").utf8))
        hasher.update(data: Data("\n".utf8))
        if let body = request.body.data { hasher.update(data: Data(body.readableBytesView)) }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}

struct ScopedDatabaseKey: StorageKey {
    typealias Value = any Database
}

extension Request {
    /// The database for this request's work: the transaction of an idempotent request while it is open (its
    /// answer is stored in the same transaction), else the pool's. Use it instead of `db`, which would wait for a
    /// connection the transaction holds.
    var database: any Database { storage[ScopedDatabaseKey.self] ?? db }
}

/// One request at a time per key in this process; the others wait their turn.
actor KeyedTurns {
    private var waiting: [String: [CheckedContinuation<Void, Never>]] = [:]

    func enter(_ key: String) async {
        if waiting[key] == nil {
            waiting[key] = []
            return
        }
        await withCheckedContinuation { waiting[key, default: []].append($0) }
    }

    func leave(_ key: String) {
        guard var queue = waiting[key] else { return }
        if queue.isEmpty {
            waiting[key] = nil
        } else {
            let next = queue.removeFirst()
            waiting[key] = queue
            next.resume()
        }
    }
}

extension Application {
    private struct IdempotencyTurnsKey: StorageKey {
        typealias Value = KeyedTurns
    }

    var idempotencyTurns: KeyedTurns {
        get {
            guard let turns = storage[IdempotencyTurnsKey.self] else { preconditionFailure("configure sets the turns") }
            return turns
        }
        set { storage[IdempotencyTurnsKey.self] = newValue }
    }
}
