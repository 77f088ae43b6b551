import CaravanDomain
import CaravanPermits
import Fluent
import FluentSQL
import Foundation
import Vapor

/// Who writes to the registry: a registry officer at the desk or through the API, or the command line.
enum EntryBanActor: Sendable {
    case officer(User)
    case cli

    var auditActor: String {
        switch self {
        case .officer(let user): AuditEntry.user(user.id)
        case .cli: "cli"
        }
    }
}

/// The entry-ban registry: the check's answers (as an `EntryBanRegistry`) and the registry officers' list, additions,
/// lifts and imports, each write in one transaction with its audit event. Audit payloads carry ids, counts and
/// citizenships only: never a passport number, a name or a birth date.
struct EntryBanService: EntryBanRegistry {
    let app: Application
    let database: any Database

    /// A page of the list; 200 rows is a screenful many times over and stays a small answer.
    static let limitMaximum = 200

    struct Listed: Sendable {
        let bans: [EntryBan]
        /// How many match the search, before the limit.
        let total: Int
    }

    enum ImportOutcome: Sendable {
        case imported(count: Int)
        /// Nothing was written.
        case refused(EntryBanImport.Report)
    }

    private var audit: AuditLog { AuditLog(now: app.dependencies.now) }
    private var keyring: DataKeyring { app.dataKeyring }
    /// Bans are dated in Moscow time, like every decision of the programme.
    private var today: CalendarDate { CalendarDate(app.dependencies.now(), in: PermitRegistry.moscow) }

    // MARK: The check

    func bans(naming subject: EntryBanSubject, on date: CalendarDate) async throws -> [EntryBanRecord] {
        let day = date.description
        let candidates = try await EntryBan.query(on: database)
            .filter(\.$citizenship == subject.citizenship.rawValue)
            .filter(\.$liftedAt == nil)
            .filter(\.$fromDate <= day)
            .group(.or) { $0.filter(\.$untilDate == nil).filter(\.$untilDate >= day) }
            .group(.or) { group in
                // The number itself is sealed: its blind index is what the database can compare.
                if let passport = subject.passportNumber { group.filter(\.$passportIndex == keyring.blindIndex(passport: passport)) }
                group.filter(\.$name == subject.name)
            }
            .all()
        // SQL narrows; the domain decides (the same `names` and `isInForce` the tests pin down).
        return candidates.compactMap(\.record)
            .filter { $0.isInForce(on: date) && $0.names(subject) }
            .sorted { ($0.from, $0.id) > ($1.from, $1.id) }
    }

    // MARK: The registry officers' work

    /// The longest search the page and the API take (`q`'s `maxLength`).
    static let searchMaximum = 200

    /// Newest first; `search` matches a whole passport number or a part of a name, however either is spelt.
    func list(search: String?, limit: Int, offset: Int = 0, by user: User) async throws -> Listed {
        try requireManager(user)
        guard (1...Self.limitMaximum).contains(limit) else {
            throw AppError.validation(ValidationFailure(field: "limit", code: "limit.range", arguments: ["max": "\(Self.limitMaximum)"]))
        }
        guard (search ?? "").unicodeScalars.count <= Self.searchMaximum else {
            throw AppError.validation(ValidationFailure(field: "q", code: "text.tooLong", arguments: ["max": "\(Self.searchMaximum)"]))
        }
        let query = EntryBan.query(on: database)
        let words = (search ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if !words.isEmpty {
            // LIKE's own wildcards are not search words.
            let name = EntryBanSubject.normalizedName(words).filter { $0 != "%" && $0 != "_" && $0 != "\\" }
            let passport = EntryBanSubject.normalizedPassport(words)
            // Only punctuation: nothing can match it.
            if name.trimmingCharacters(in: .whitespaces).isEmpty && passport.isEmpty { return Listed(bans: [], total: 0) }
            query.group(.or) { group in
                if !name.isEmpty { group.filter(\.$name ~~ name) }
                // Sealed numbers are found whole (through their blind index), not by a part of them.
                if !passport.isEmpty { group.filter(\.$passportIndex == keyring.blindIndex(passport: passport)) }
            }
        }
        let total = try await query.copy().count()
        let bans = try await query.sort(\.$createdAt, .descending).sort(\.$id).range(offset..<(offset + limit)).all()
        return Listed(bans: bans, total: total)
    }

    func add(_ input: EntryBanInput, by user: User) async throws -> EntryBan {
        try requireManager(user)
        let valid: ValidEntryBan
        do {
            valid = try EntryBanRules.validate(input, id: UUID().uuidString.lowercased(), today: today, defaultSource: Self.deskSource)
        } catch {
            throw AppError.validation(error)
        }
        let ban = EntryBan(valid, createdBy: EntryBanActor.officer(user).auditActor)
        try await database.writeTransaction { db in
            try await ban.create(on: db)
            try await audit.append(
                AuditEntry(actor: AuditEntry.user(user.id), action: "entry-ban.added", subject: AuditEntry.entryBan(ban.id),
                           payload: Self.payload(of: valid.record)),
                on: db
            )
        }
        return ban
    }

    /// Lifting keeps the record (checks that found it still point at it); a ban is lifted once.
    func lift(_ id: UUID, by user: User) async throws -> EntryBan {
        try requireManager(user)
        guard let ban = try await EntryBan.find(id, on: database) else { throw AppError.notFound }
        guard !ban.isLifted else { throw AppError.conflict(code: "entry-ban-lifted") }
        let now = app.dependencies.now()
        try await database.writeTransaction { db in
            // Of two officers lifting at once, only the first update matches; the other is told it is lifted.
            guard let sql = db as? any SQLDatabase else { throw AppError.conflict(code: "entry-ban-lifted") }
            let claimed = try await sql.update(EntryBan.schema).set("lifted_at", to: now)
                .where("id", .equal, id).where("lifted_at", .is, SQLLiteral.null).returning("id").all()
            guard !claimed.isEmpty else { throw AppError.conflict(code: "entry-ban-lifted") }
            // Written again through the model so the stored form of the date is Fluent's on every database.
            ban.liftedAt = now
            try await ban.save(on: db)
            try await audit.append(
                AuditEntry(actor: AuditEntry.user(user.id), action: "entry-ban.lifted", subject: AuditEntry.entryBan(ban.id),
                           payload: ["citizenship": ban.citizenship]),
                on: db
            )
        }
        return ban
    }

    /// A file's rows, all or nothing: one refused row and nothing is written.
    func importRows(header: [String], rows: [EntryBanImport.Row], source: String, by actor: EntryBanActor) async throws -> ImportOutcome {
        if case .officer(let user) = actor { try requireManager(user) }
        let report = EntryBanImport.check(
            header: header, rows: rows, today: today, defaultSource: source, newID: { UUID().uuidString.lowercased() }
        )
        guard report.isClean else { return .refused(report) }
        let bans = report.taken.map { EntryBan($0.ban, createdBy: actor.auditActor) }
        try await database.writeTransaction { db in
            // 500 rows of 13 columns stay under every database's limit on bound values in one statement.
            for start in stride(from: 0, to: bans.count, by: 500) {
                try await Array(bans[start..<min(start + 500, bans.count)]).create(on: db)
            }
            let citizenships = Set(bans.map(\.citizenship)).sorted().joined(separator: ",")
            try await audit.append(
                AuditEntry(actor: actor.auditActor, action: "entry-ban.imported", subject: "entry-bans",
                           payload: ["count": "\(bans.count)", "citizenships": citizenships]),
                on: db
            )
        }
        return .imported(count: bans.count)
    }

    /// What `source` says when the officer leaves it empty at the desk.
    static let deskSource = "registry officer"

    private func requireManager(_ user: User) throws {
        guard let role = user.domainRole, EntryBanPolicy.mayManage(role) else { throw AppError.forbidden }
    }

    /// Enough to tell bans apart in the log without saying whom they name.
    static func payload(of record: EntryBanRecord) -> [String: String] {
        let identifiedBy = [record.passportNumber == nil ? nil : "passport", record.name == nil ? nil : "name"].compactMap { $0 }
        return ["citizenship": record.citizenship.rawValue, "identifiedBy": identifiedBy.joined(separator: "+"),
                "from": record.from.description, "until": record.until?.description ?? ""]
    }
}

extension AuditEntry {
    static func entryBan(_ id: UUID?) -> String { "entry-ban:\(id?.uuidString.lowercased() ?? "unknown")" }
}

extension Request {
    var entryBans: EntryBanService { EntryBanService(app: application, database: database) }
}

extension Application {
    /// The registry the permit case asks (the other engineer's `PermitService` takes it as an `EntryBanRegistry`).
    var entryBans: EntryBanService { EntryBanService(app: self, database: db) }
}
