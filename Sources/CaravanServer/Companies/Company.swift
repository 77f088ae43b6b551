import CaravanDomain
import Fluent
import Foundation

/// An employer's company as registered in Russia. Storage only.
final class Company: Model, @unchecked Sendable {
    static let schema = "companies"

    @ID(key: .id) var id: UUID?
    @Field(key: "legal_name") var legalName: String
    /// Unique: one company, one record, whoever registers it first.
    @Field(key: "inn") var inn: String
    @Field(key: "ogrn") var ogrn: String
    @Field(key: "city") var city: String
    /// `CompanySize.rawValue`.
    @Field(key: "size") var size: String
    /// Set only by an admin, and audited: accreditation is what opens the fast-track permit.
    @Field(key: "accredited") var accredited: Bool
    @OptionalField(key: "accreditation_number") var accreditationNumber: String?
    /// `yyyy-MM-dd`: a date without a time zone, as the register prints it.
    @OptionalField(key: "accreditation_date") var accreditationDate: String?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Children(for: \.$company) var members: [CompanyMember]

    init() {}

    init(_ registration: ValidCompanyRegistration) {
        legalName = registration.legalName
        inn = registration.inn.value
        ogrn = registration.ogrn.value
        city = registration.city
        size = registration.size.rawValue
        accredited = false
    }
}

/// An employer account that acts for a company. A user belongs to at most one company.
final class CompanyMember: Model, @unchecked Sendable {
    static let schema = "company_members"

    @ID(key: .id) var id: UUID?
    @Parent(key: "company_id") var company: Company
    @Parent(key: "user_id") var user: User
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    init(companyID: UUID, userID: UUID) {
        $company.id = companyID
        $user.id = userID
    }
}

struct CreateCompany: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Company.schema)
            .id()
            .field("legal_name", .string, .required)
            .field("inn", .string, .required)
            .field("ogrn", .string, .required)
            .field("city", .string, .required)
            .field("size", .string, .required)
            .field("accredited", .bool, .required)
            .field("accreditation_number", .string)
            .field("accreditation_date", .string)
            .field("created_at", .datetime)
            .unique(on: "inn")
            .unique(on: "ogrn")
            .create()
        try await database.schema(CompanyMember.schema)
            .id()
            .field("company_id", .uuid, .required, .references(Company.schema, .id, onDelete: .cascade))
            .field("user_id", .uuid, .required, .references(User.schema, .id, onDelete: .cascade))
            .field("created_at", .datetime)
            .unique(on: "user_id")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(CompanyMember.schema).delete()
        try await database.schema(Company.schema).delete()
    }
}
