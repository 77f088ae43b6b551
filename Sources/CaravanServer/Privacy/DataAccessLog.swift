import CaravanDomain
import CaravanPermits
import Fluent
import Foundation
import Vapor

/// Who has looked at a person's data: the reads other people make, recorded by the service operation that reads
/// (the page and the API call the same one), and the person's own view of them.
struct DataAccessLog: Sendable {
    let app: Application
    let database: any Database

    /// The most lines a person's page or the API shows at once (and the API's `limit` at most).
    static let maximumShown = 200

    /// Records that `reader` read `kind` of each of `subjects` in `context`. A person reading their own data
    /// leaves no line; a reader without an id (never stored) leaves none either.
    func record(_ kind: DataAccess.Kind, of subjects: [UUID], by reader: User, detail: String? = nil,
                context: DataAccess.Context, contextID: UUID? = nil) async throws {
        guard let readerID = reader.id else { return }
        let now = app.dependencies.now()
        let rows = Set(subjects).subtracting([readerID]).sorted { $0.uuidString < $1.uuidString }.map {
            DataAccess(reader: readerID, role: reader.role, subject: $0, kind: kind, detail: detail, context: context, contextID: contextID, at: now)
        }
        guard !rows.isEmpty else { return }
        try await rows.create(on: database)
    }

    /// Several reads of one kind at once — a list of case files, each in its own context — in one insert.
    func record(_ kind: DataAccess.Kind, _ reads: [(subject: UUID, context: DataAccess.Context, contextID: UUID?)], by reader: User) async throws {
        guard let readerID = reader.id else { return }
        let now = app.dependencies.now()
        let rows = reads.filter { $0.subject != readerID }.map {
            DataAccess(reader: readerID, role: reader.role, subject: $0.subject, kind: kind, detail: nil, context: $0.context, contextID: $0.contextID, at: now)
        }
        guard !rows.isEmpty else { return }
        try await rows.create(on: database)
    }

    /// One line of the person's view: the reader as they were (role) and are named now.
    struct Line: Sendable {
        let access: DataAccess
        let readerName: String?
        let readerRole: Role?
    }

    /// The lines about `user`, newest first.
    func lines(about user: User, limit: Int = maximumShown) async throws -> [Line] {
        let rows = try await DataAccess.query(on: database).filter(\.$subjectID == user.requireID())
            .sort(\.$at, .descending).sort(\.$id, .descending).limit(min(max(limit, 1), Self.maximumShown)).all()
        let readerIDs = Array(Set(rows.map(\.readerID)))
        let readers = try await User.query(on: database).filter(\.$id ~~ readerIDs).all()
        let names = Dictionary(readers.compactMap { reader in reader.id.map { ($0, reader.displayName) } }, uniquingKeysWith: { first, _ in first })
        return rows.map { Line(access: $0, readerName: names[$0.readerID], readerRole: Role(rawValue: $0.readerRole)) }
    }
}

extension Request {
    var dataAccess: DataAccessLog { DataAccessLog(app: application, database: db) }

    /// A line of the who-looked log as a sentence in this request's language:
    /// "Migration officer Ирина Волкова, case file, 3 December 2026, from the officers' queue".
    func sentence(_ line: DataAccessLog.Line) -> String {
        let role = t(line.readerRole?.messageKey ?? "role.unknown")
        let what = line.access.kind == DataAccess.Kind.document.rawValue
            ? t("privacy.what.document", ["document": t("document.\(line.access.detail ?? "other")")])
            : t("privacy.what.\(line.access.kind)")
        return t("privacy.line", [
            "role": role, "name": line.readerName ?? t("privacy.formerAccount"), "what": what,
            "date": date(CalendarDate(line.access.at, in: PermitRegistry.moscow).description),
            "context": t("privacy.context.\(line.access.context)"),
        ])
    }
}
