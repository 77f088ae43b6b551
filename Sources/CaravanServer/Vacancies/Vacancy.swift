import CaravanDomain
import Fluent
import Foundation

/// A job a company offers. Skill lists are JSON in the row: always read and written with the vacancy.
final class Vacancy: Model, @unchecked Sendable {
    static let schema = "vacancies"

    struct RequiredSkill: Codable, Hashable, Sendable {
        var skill: String
        /// The lowest level that counts, 1 … 5.
        var level: Int
    }

    @ID(key: .id) var id: UUID?
    @Parent(key: "company_id") var company: Company
    @Field(key: "title") var title: String
    @Field(key: "description") var description: String
    @Field(key: "occupation") var occupation: String
    @Field(key: "required_skills") var requiredSkills: [RequiredSkill]
    @Field(key: "nice_skills") var niceSkills: [String]
    @Field(key: "minimum_years") var minimumYears: Double
    @OptionalField(key: "minimum_russian") var minimumRussian: String?
    @OptionalField(key: "salary_min") var salaryMin: Int?
    @OptionalField(key: "salary_max") var salaryMax: Int?
    @Field(key: "city") var city: String
    @Field(key: "work_arrangement") var workArrangement: String
    @Field(key: "visa_support") var visaSupport: Bool
    @Field(key: "housing") var housing: Bool
    @Field(key: "family_relocation") var familyRelocation: Bool
    /// `VacancyStatus.rawValue`.
    @Field(key: "status") var status: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    init(companyID: UUID) {
        $company.id = companyID
        status = VacancyStatus.draft.rawValue
        requiredSkills = []
        niceSkills = []
    }

    func apply(_ terms: VacancyTerms) {
        title = terms.title
        description = terms.description
        occupation = terms.occupation
        minimumYears = terms.minimumYears
        minimumRussian = terms.minimumRussian?.rawValue
        salaryMin = terms.salaryMin
        salaryMax = terms.salaryMax
        city = terms.city
        workArrangement = terms.workArrangement.rawValue
        visaSupport = terms.visaSupport
        housing = terms.housing
        familyRelocation = terms.familyRelocation
    }

    var vacancyStatus: VacancyStatus { VacancyStatus(rawValue: status) ?? .draft }
}

struct CreateVacancy: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Vacancy.schema)
            .id()
            .field("company_id", .uuid, .required, .references(Company.schema, .id, onDelete: .cascade))
            .field("title", .string, .required)
            .field("description", .string, .required)
            .field("occupation", .string, .required)
            // Arrays are arrays of JSON: PostgreSQL binds a Swift array as jsonb[], SQLite as JSON text.
            .field("required_skills", .array(of: .json), .required)
            .field("nice_skills", .array(of: .string), .required)
            .field("minimum_years", .double, .required)
            .field("minimum_russian", .string)
            .field("salary_min", .int)
            .field("salary_max", .int)
            .field("city", .string, .required)
            .field("work_arrangement", .string, .required)
            .field("visa_support", .bool, .required)
            .field("housing", .bool, .required)
            .field("family_relocation", .bool, .required)
            .field("status", .string, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Vacancy.schema).delete()
    }
}
