import CaravanDomain
import Fluent
import FluentSQL
import Foundation
import Vapor

/// Tells people what happened: a notice in the inbox and an e-mail in the outbox, written with the change.
struct NotificationService: Sendable {
    let app: Application
    let database: any Database

    /// Notices and e-mails for `userIDs`. Call inside the transaction of the change they report.
    func notify(_ userIDs: [UUID], kind: String, arguments: [String: String], link: String) async throws {
        let now = app.dependencies.now()
        for userID in Set(userIDs).sorted(by: { $0.uuidString < $1.uuidString }) {
            try await Notice(userID: userID, kind: kind, arguments: arguments, link: link, at: now).create(on: database)
            try await OutboxMail(userID: userID, kind: kind, arguments: arguments, link: link, at: now).create(on: database)
        }
    }

    /// A notice and an e-mail carrying an iCalendar file (an appointment booked, moved or cancelled).
    func notify(_ userID: UUID, kind: String, arguments: [String: String], link: String, calendar: String) async throws {
        let now = app.dependencies.now()
        try await Notice(userID: userID, kind: kind, arguments: arguments, link: link, at: now).create(on: database)
        let mail = OutboxMail(userID: userID, kind: kind, arguments: arguments, link: link, at: now)
        mail.calendar = calendar
        try await mail.create(on: database)
    }

    /// An application entered `stage` because `party` moved it (or created it): the other party is told.
    func applicationMoved(_ application: JobApplication, to stage: ApplicationStage, by party: ApplicationParty) async throws {
        let vacancy = try await application.$vacancy.get(on: database)
        let specialist = try await application.$specialist.get(on: database)
        let company = try await Company.find(application.companyID, on: database)
        let arguments = ["vacancy": vacancy.title, "company": company?.legalName ?? "", "person": specialist.displayName]
        switch party.other {
        case .specialist:
            try await notify([try specialist.requireID()], kind: "notice.specialist.\(stage.rawValue)", arguments: arguments,
                             link: SiteURL.applications.path)
        case .employer:
            let members = try await CompanyMember.query(on: database).filter(\.$company.$id == application.companyID).all()
            try await notify(members.map { $0.$user.id }, kind: "notice.employer.\(stage.rawValue)", arguments: arguments,
                             link: SiteURL.vacancy(try vacancy.requireID()).path + "#applications")
        }
    }

    /// An e-mail to someone without an account (an invitation), in the language of the person who wrote it.
    func mail(to address: String, language: LanguageCode, kind: String, arguments: [String: String], link: String) async throws {
        try await OutboxMail(userID: nil, address: address, language: language, kind: kind, arguments: arguments, link: link,
                             at: app.dependencies.now()).create(on: database)
    }

    /// The newest notices first, and how many are unread.
    func inbox(of userID: UUID, limit: Int = 50, offset: Int = 0) async throws -> (notices: [Notice], unread: Int) {
        let notices = try await Notice.query(on: database).filter(\.$user.$id == userID)
            .sort(\.$createdAt, .descending).sort(\.$id).range(offset..<(offset + limit)).all()
        return (notices, try await unreadCount(of: userID))
    }

    func noticeCount(of userID: UUID) async throws -> Int {
        try await Notice.query(on: database).filter(\.$user.$id == userID).count()
    }

    func unreadCount(of userID: UUID) async throws -> Int {
        try await Notice.query(on: database).filter(\.$user.$id == userID).filter(\.$readAt == nil).count()
    }

    /// Marks the owner's notices read: the given ones, or all of them. Others' notices are untouched.
    func markRead(_ ids: [UUID]?, of userID: UUID) async throws {
        var query = Notice.query(on: database).filter(\.$user.$id == userID).filter(\.$readAt == nil)
        if let ids { query = query.filter(\.$id ~~ ids) }
        try await query.set(\.$readAt, to: app.dependencies.now()).update()
    }
}

extension Request {
    var notifications: NotificationService { NotificationService(app: application, database: database) }
}

/// Sends what waits in the outbox, one sweep at a time per process. A failed send stays, and waits longer after
/// each attempt before a sweep tries it again (five attempts); a sent one is marked, so a restart sends nothing twice.
actor OutboxDelivery {
    static let maximumAttempts = 5
    /// The waits after the first, second, third and fourth failed attempt: a server's brief hiccup is over in a
    /// minute, a restart in five, a longer outage gets half an hour and then two (about 2.5 hours in all).
    static let delays: [TimeInterval] = [60, 5 * 60, 30 * 60, 2 * 3600]

    /// How long a mail waits after its `attempt`-th failed send (1-based).
    static func delay(afterAttempt attempt: Int) -> TimeInterval {
        delays[min(max(attempt, 1), delays.count) - 1]
    }

    private let sender: any MailSender
    private let logger: Logger
    private var closed = false
    private var running = 0
    private var again = false

    init(sender: any MailSender, logger: Logger) {
        self.sender = sender
        self.logger = logger
    }

    /// Delivers pending mail; returns how many went out. One sweep at a time in this process (a sweep asked for
    /// meanwhile runs as a second round of the one under way); across instances on PostgreSQL each sweep takes
    /// the rows it sends with `FOR UPDATE SKIP LOCKED`, so two instances never send the same mail.
    @discardableResult
    func sweep(app: Application, on database: any Database) async -> Int {
        // After `close()`, the database is about to go: what waits stays for the next start.
        guard !closed else { return 0 }
        if running > 0 { again = true; return 0 }
        running += 1
        defer { running -= 1 }
        var delivered = 0
        repeat {
            again = false
            do {
                // The row locks live as long as a transaction; SQLite has one process and the guard above, so it
                // sends outside one (a transaction would hold its write lock across every send).
                if let sql = database as? any SQLDatabase, sql.dialect.name == "postgresql" {
                    delivered += try await database.writeTransaction { db in try await self.deliver(app: app, on: db) }
                } else {
                    delivered += try await deliver(app: app, on: database)
                }
            } catch {
                logger.error("outbox sweep failed", metadata: ["error": .string(String(reflecting: type(of: error)))])
            }
        } while again && !closed
        return delivered
    }

    private func deliver(app: Application, on db: any Database) async throws -> Int {
        let now = app.dependencies.now()
        var query = OutboxMail.query(on: db)
        if let sql = db as? any SQLDatabase, sql.dialect.name == "postgresql" {
            let claimed = try await sql.raw("""
                SELECT id FROM \(ident: OutboxMail.schema) WHERE sent_at IS NULL AND attempts < \(bind: Self.maximumAttempts)
                AND (next_attempt_at IS NULL OR next_attempt_at <= \(bind: now))
                ORDER BY created_at LIMIT 500 FOR UPDATE SKIP LOCKED
                """).all().map { try $0.decode(column: "id", as: UUID.self) }
            guard !claimed.isEmpty else { return 0 }
            query = query.filter(\.$id ~~ claimed)
        }
        let pending = try await query.filter(\.$sentAt == nil).filter(\.$attempts < Self.maximumAttempts)
            .group(.or) { $0.filter(\.$nextAttemptAt == nil).filter(\.$nextAttemptAt <= now) }
            .sort(\.$createdAt, .ascending).with(\.$user).limit(500).all()
        var delivered = 0
        for mail in pending {
            guard let address = mail.user?.email ?? mail.address else { continue }
            // A one-time link that has run out is worth nothing in a mailbox: given up, and its link erased.
            if OutboxMail.secretKinds.contains(mail.kind), mail.createdAt.addingTimeInterval(PasswordResetService.lifetime) <= now {
                mail.attempts = Self.maximumAttempts
                mail.nextAttemptAt = nil
                mail.link = ""
                try await mail.save(on: db)
                continue
            }
            mail.attempts += 1
            do {
                try await sender.send(try Self.message(mail, to: address, app: app))
                mail.sentAt = app.dependencies.now()
                mail.nextAttemptAt = nil
                if OutboxMail.secretKinds.contains(mail.kind) { mail.link = "" }
                delivered += 1
            } catch {
                mail.nextAttemptAt = now.addingTimeInterval(Self.delay(afterAttempt: mail.attempts))
                // The last attempt failed: a secret link is not kept for nobody to read.
                if mail.attempts >= Self.maximumAttempts, OutboxMail.secretKinds.contains(mail.kind) { mail.link = "" }
                // An SMTPError names the step and the reply code, never an address; other errors only by type.
                let reason = (error as? SMTPError)?.description ?? String(reflecting: type(of: error))
                logger.warning("mail not delivered", metadata: [
                    "outbox": .string(mail.id?.uuidString.lowercased() ?? ""), "attempt": .stringConvertible(mail.attempts),
                    "error": .string(reason),
                ])
            }
            try await mail.save(on: db)
        }
        return delivered
    }

    /// The outbox row as an e-mail in its recipient's language; its link made absolute, so it opens from a mailbox.
    static func message(_ mail: OutboxMail, to address: String, app: Application) throws -> Mail {
        let language = LanguageCode(rawValue: mail.user?.language ?? mail.language ?? "") ?? .russian
        let text = app.catalogs.text(mail.kind, in: language, ArgumentText.localize(mail.arguments, in: language, catalogs: app.catalogs))
        let link = mail.link.hasPrefix("/")
            ? app.caravanConfiguration.baseURL.absoluteString.trimmingSuffix("/") + mail.link : mail.link
        let body = text + "\n\n" + app.catalogs.text("mail.open", in: language, ["link": link])
        return Mail(
            id: try mail.requireID(), to: address, language: language.rawValue, kind: mail.kind,
            subject: app.catalogs.text("mail.subject", in: language, ["text": text]), body: body, link: link,
            attachments: mail.calendar.map {
                [MailAttachment(filename: "appointment.ics", contentType: "text/calendar; charset=utf-8", data: Data($0.utf8))]
            } ?? []
        )
    }

    /// Starts no new sweep and waits (a few seconds at most) for the ones under way: a shutdown's last step before
    /// the database closes. Mail not yet sent stays in the outbox; a sent one is already marked.
    func close() async {
        closed = true
        var waited = 0
        while running > 0, waited < 500 {
            try? await Task.sleep(for: .milliseconds(10))
            waited += 1
        }
    }
}

extension Application {
    private struct OutboxKey: StorageKey {
        typealias Value = OutboxDelivery
    }

    /// The outbox's delivery; `configure` sets it with the log sender unless a sender was given.
    var outbox: OutboxDelivery {
        get {
            guard let outbox = storage[OutboxKey.self] else { preconditionFailure("configure sets the outbox") }
            return outbox
        }
        set { storage[OutboxKey.self] = newValue }
    }
}
