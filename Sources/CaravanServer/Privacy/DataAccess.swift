import Fluent
import FluentSQL
import Foundation

/// One read of a person's data by someone else: who read (account and role at the time), whose data, what
/// (a case file, a document of a kind, a profile, an application card), when, and the context it came from.
/// Identifiers and closed sets only — never a name, a number or a passport; the page shows names by joining
/// the reader's account when the person looks. Append-only: nothing updates or deletes a row.
final class DataAccess: Model, @unchecked Sendable {
    static let schema = "data_accesses"

    /// What was read.
    enum Kind: String, Codable, Sendable, CaseIterable {
        case caseFile = "case-file"
        case document
        case profile
        case application
    }

    /// Where the read came from: why the reader had the person's data in front of them.
    enum Context: String, Codable, Sendable, CaseIterable {
        /// The officers' queue (the API's list of cases, or a case opened from the queue page).
        case officerQueue = "officer-queue"
        /// The case itself (its page, or the API's case).
        case permitCase = "permit-case"
        /// "Candidates for this vacancy".
        case vacancyCandidates = "vacancy-candidates"
        /// The applications to a vacancy.
        case vacancyApplications = "vacancy-applications"
        /// The employers' search for specialists.
        case specialistSearch = "specialist-search"
        /// A specialist's profile opened by an employer (from an application, a candidate or a search).
        case specialistProfile = "specialist-profile"
        /// A digital-residency application on the registry's desk.
        case residencyApplication = "residency-application"
    }

    @ID(key: .id) var id: UUID?
    @Field(key: "reader_id") var readerID: UUID
    /// `Role.rawValue` of the reader when they read.
    @Field(key: "reader_role") var readerRole: String
    /// The person whose data was read (their account).
    @Field(key: "subject_id") var subjectID: UUID
    @Field(key: "kind") var kind: String
    /// For a document: its `DocumentKind.rawValue` (`passport`); nil otherwise.
    @OptionalField(key: "detail") var detail: String?
    @Field(key: "context") var context: String
    /// The case or vacancy the context names, when it names one.
    @OptionalField(key: "context_id") var contextID: UUID?
    @Field(key: "at") var at: Date

    init() {}

    init(reader: UUID, role: String, subject: UUID, kind: Kind, detail: String? = nil, context: Context, contextID: UUID?, at: Date) {
        readerID = reader
        readerRole = role
        subjectID = subject
        self.kind = kind.rawValue
        self.detail = detail
        self.context = context.rawValue
        self.contextID = contextID
        self.at = at
    }
}

struct CreateDataAccess: AsyncMigration {
    func prepare(on database: any Database) async throws {
        // No foreign keys: the log outlives an erased account's rows, and a reader's account may go.
        try await database.schema(DataAccess.schema)
            .id()
            .field("reader_id", .uuid, .required)
            .field("reader_role", .string, .required)
            .field("subject_id", .uuid, .required)
            .field("kind", .string, .required)
            .field("detail", .string)
            .field("context", .string, .required)
            .field("context_id", .uuid)
            .field("at", .datetime, .required)
            .create()
        // The person's page reads their own lines, newest first.
        if let sql = database as? any SQLDatabase {
            try await sql.create(index: "data_accesses_subject").on(DataAccess.schema).column("subject_id").column("at").run()
        }
    }

    func revert(on database: any Database) async throws {
        try await database.schema(DataAccess.schema).delete()
    }
}
