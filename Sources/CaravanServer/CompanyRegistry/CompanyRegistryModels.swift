import CaravanPermits
import CaravanRegistry
import Fluent
import FluentSQL
import Foundation

/// An application to the company registry: a new ООО (`registration`) or a change of a registered one (`change`).
/// The application itself is kept whole as JSON (`CompanyApplication`), its revision beside it; `openKey` is
/// unique while the filing is open (a person's one registration in progress, a company's one change), nil after.
final class CompanyFiling: Model, @unchecked Sendable {
    static let schema = "company_filings"

    @ID(key: .id) var id: UUID?
    /// `registration` or `change`.
    @Field(key: "kind") var kind: String
    /// `CompanyApplicationStatus.rawValue`.
    @Field(key: "status") var status: String
    @Parent(key: "created_by") var creator: User
    @OptionalField(key: "open_key") var openKey: String?
    /// JSON of `CompanyApplication`.
    @Field(key: "application") var applicationJSON: String
    @Field(key: "revision") var revision: String
    /// The registered company a change is for; for a registration, the company it created.
    @OptionalField(key: "company_id") var companyID: UUID?
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date
    @OptionalField(key: "submitted_at") var submittedAt: Date?
    /// `yyyy-MM-dd`, Moscow.
    @OptionalField(key: "submitted_on") var submittedOn: String?
    @OptionalField(key: "decide_by") var decideBy: String?
    @OptionalField(key: "decided_at") var decidedAt: Date?
    @OptionalField(key: "decided_by") var decidedBy: UUID?
    /// A refusal's ground id (`company-grounds.json`).
    @OptionalField(key: "ground") var ground: String?

    init() {}

    var filingStatus: CompanyApplicationStatus { CompanyApplicationStatus(rawValue: status) ?? .withdrawn }
    var isChange: Bool { kind == "change" }

    var application: CompanyApplication {
        get throws { try JSONDecoder().decode(CompanyApplication.self, from: Data(applicationJSON.utf8)) }
    }

    func store(_ application: CompanyApplication) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        applicationJSON = String(decoding: try encoder.encode(application), as: UTF8.self)
        revision = application.revision
    }
}

/// A signing document made for one signer of one filing: the `ResidencyDocument` holds the application's canonical
/// lines and, once the signer signs it with a passkey, the whole signed file.
final class CompanySigning: Model, @unchecked Sendable {
    static let schema = "company_signings"

    @ID(key: .id) var id: UUID?
    @Parent(key: "filing_id") var filing: CompanyFiling
    @Parent(key: "user_id") var user: User
    /// A founder's `signerID` (user id, or `ogrn:<OGRN>` signed by that company's director) or the director's id.
    @Field(key: "signer_id") var signerID: String
    /// `ApplicationSignature.Role.rawValue`.
    @Field(key: "role") var role: String
    @Field(key: "document_id") var documentID: UUID
    @Field(key: "revision") var revision: String
    @Field(key: "created_at") var createdAt: Date

    init() {}
}

/// A company in the register: its numbers, the application it stands on now, and its extract as last signed.
final class RegisteredCompany: Model, @unchecked Sendable {
    static let schema = "registered_companies"

    @ID(key: .id) var id: UUID?
    @Field(key: "ogrn") var ogrn: String
    @Field(key: "inn") var inn: String
    @Field(key: "kpp") var kpp: String
    @Field(key: "full_name") var fullName: String
    @Field(key: "short_name") var shortName: String
    /// The name proper, for comparing names.
    @Field(key: "name_core") var nameCore: String
    /// Stems of the name (and the numbers), space-separated, for the public search.
    @Field(key: "search_key") var searchKey: String
    @Field(key: "main_activity") var mainActivity: String
    /// `RegistryExtract.Status.rawValue`.
    @Field(key: "status") var status: String
    @Field(key: "registered_on") var registeredOn: String
    @Field(key: "capital_kopecks") var capitalKopecks: Int64
    @Field(key: "capital_due_on") var capitalDueOn: String
    @OptionalField(key: "capital_paid_on") var capitalPaidOn: String?
    /// The last reminder about the capital sent to the director: `soon` (30 days before) or `overdue`.
    @OptionalField(key: "capital_reminded") var capitalReminded: String?
    @Field(key: "director_id") var directorID: UUID
    /// JSON of the `CompanyApplication` the register holds now.
    @Field(key: "application") var applicationJSON: String
    /// JSON of `RegistryExtract.Signed`.
    @Field(key: "extract") var extractJSON: String
    @Field(key: "extract_revision") var extractRevision: Int
    /// The employer record in the marketplace.
    @OptionalField(key: "employer_id") var employerID: UUID?
    /// `none`, `accredited`, `withdrawn`.
    @Field(key: "accreditation") var accreditation: String
    @OptionalField(key: "accredited_on") var accreditedOn: String?
    @OptionalField(key: "reconfirm_by") var reconfirmBy: String?

    init() {}

    var application: CompanyApplication {
        get throws { try JSONDecoder().decode(CompanyApplication.self, from: Data(applicationJSON.utf8)) }
    }

    var signedExtract: RegistryExtract.Signed? {
        try? JSONDecoder().decode(RegistryExtract.Signed.self, from: Data(extractJSON.utf8))
    }
}

/// An application for IT accreditation under Decree No. 1729, with the facts as entered and each criterion's
/// result as the rules found it.
final class ITAccreditationFiling: Model, @unchecked Sendable {
    static let schema = "it_accreditation_filings"

    @ID(key: .id) var id: UUID?
    @Parent(key: "company_id") var company: RegisteredCompany
    /// `submitted`, `accredited`, `refused`.
    @Field(key: "status") var status: String
    @OptionalField(key: "open_key") var openKey: String?
    /// JSON of `ITAccreditationInput`.
    @Field(key: "facts") var factsJSON: String
    @Field(key: "applied_on") var appliedOn: String
    @Field(key: "decide_by") var decideBy: String
    @Field(key: "rulebook") var rulebook: String
    @Field(key: "submitted_by") var submittedBy: UUID
    @OptionalField(key: "decided_at") var decidedAt: Date?
    @OptionalField(key: "decided_by") var decidedBy: UUID?
    @OptionalField(key: "note") var note: String?

    init() {}

    var facts: ITAccreditationInput? { try? JSONDecoder().decode(ITAccreditationInput.self, from: Data(factsJSON.utf8)) }
}

/// What a company states when it applies for IT accreditation (money in kopecks); the rest of the facts (main
/// activity, registration date, foreign share, the average pay) the registry knows.
struct ITAccreditationInput: Codable, Hashable, Sendable {
    var totalRevenueKopecks: Int64
    var itRevenueKopecks: Int64
    var revenueSinceCreationKopecks: Int64
    var websiteURL: String
    var averageMonthlyPayKopecks: Int64?
    var softwareRegisterRightsHolder: Bool
    /// The officer's finding that the website names the IT activity; false until the officer says so.
    var websiteNamesITActivity: Bool
}

struct CreateCompanyRegistryTables: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(CompanyFiling.schema)
            .id()
            .field("kind", .string, .required)
            .field("status", .string, .required)
            .field("created_by", .uuid, .required, .references(User.schema, .id, onDelete: .cascade))
            .field("open_key", .string)
            .field("application", .string, .required)
            .field("revision", .string, .required)
            .field("company_id", .uuid)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .field("submitted_at", .datetime)
            .field("submitted_on", .string)
            .field("decide_by", .string)
            .field("decided_at", .datetime)
            .field("decided_by", .uuid)
            .field("ground", .string)
            .unique(on: "open_key")
            .create()
        try await database.schema(CompanySigning.schema)
            .id()
            .field("filing_id", .uuid, .required, .references(CompanyFiling.schema, .id, onDelete: .cascade))
            .field("user_id", .uuid, .required, .references(User.schema, .id, onDelete: .cascade))
            .field("signer_id", .string, .required)
            .field("role", .string, .required)
            .field("document_id", .uuid, .required)
            .field("revision", .string, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "document_id")
            .create()
        try await database.schema(RegisteredCompany.schema)
            .id()
            .field("ogrn", .string, .required)
            .field("inn", .string, .required)
            .field("kpp", .string, .required)
            .field("full_name", .string, .required)
            .field("short_name", .string, .required)
            .field("name_core", .string, .required)
            .field("search_key", .string, .required)
            .field("main_activity", .string, .required)
            .field("status", .string, .required)
            .field("registered_on", .string, .required)
            .field("capital_kopecks", .int64, .required)
            .field("capital_due_on", .string, .required)
            .field("capital_paid_on", .string)
            .field("capital_reminded", .string)
            .field("director_id", .uuid, .required)
            .field("application", .string, .required)
            .field("extract", .string, .required)
            .field("extract_revision", .int, .required)
            .field("employer_id", .uuid)
            .field("accreditation", .string, .required)
            .field("accredited_on", .string)
            .field("reconfirm_by", .string)
            .unique(on: "ogrn")
            .unique(on: "inn")
            .create()
        try await database.schema(ITAccreditationFiling.schema)
            .id()
            .field("company_id", .uuid, .required, .references(RegisteredCompany.schema, .id, onDelete: .cascade))
            .field("status", .string, .required)
            .field("open_key", .string)
            .field("facts", .string, .required)
            .field("applied_on", .string, .required)
            .field("decide_by", .string, .required)
            .field("rulebook", .string, .required)
            .field("submitted_by", .uuid, .required)
            .field("decided_at", .datetime)
            .field("decided_by", .uuid)
            .field("note", .string)
            .unique(on: "open_key")
            .create()
        if let sql = database as? any SQLDatabase {
            try await sql.raw("CREATE INDEX company_filings_queue ON company_filings (status, decide_by)").run()
            try await sql.raw("CREATE INDEX company_signings_filing ON company_signings (filing_id)").run()
        }
    }

    func revert(on database: any Database) async throws {
        for schema in [ITAccreditationFiling.schema, RegisteredCompany.schema, CompanySigning.schema, CompanyFiling.schema] {
            try await database.schema(schema).delete()
        }
    }
}
