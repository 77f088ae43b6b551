import CaravanDomain
import Fluent
import Foundation

/// A specialist's application to a vacancy (or an employer's invitation), with its timestamped history.
final class JobApplication: Model, @unchecked Sendable {
    static let schema = "job_applications"

    struct Step: Codable, Hashable, Sendable {
        var stage: String
        /// `specialist` or `employer`.
        var by: String
        var at: Date
    }

    struct Offer: Codable, Hashable, Sendable {
        var salary: Int
        /// `yyyy-MM-dd`.
        var startDate: String
        var city: String
        /// `employment` or `civil`.
        var contract: String
    }

    @ID(key: .id) var id: UUID?
    @Parent(key: "vacancy_id") var vacancy: Vacancy
    @Parent(key: "specialist_id") var specialist: User
    /// The vacancy's company, kept here so an employer's list is one indexed query.
    @Field(key: "company_id") var companyID: UUID
    /// `ApplicationStage.rawValue`.
    @Field(key: "stage") var stage: String
    @Field(key: "note") var note: String
    @Field(key: "history") var history: [Step]
    @OptionalField(key: "offer") var offer: Offer?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    init(vacancyID: UUID, specialistID: UUID, companyID: UUID, stage: ApplicationStage, note: String, by party: ApplicationParty, at date: Date) {
        $vacancy.id = vacancyID
        $specialist.id = specialistID
        self.companyID = companyID
        self.stage = stage.rawValue
        self.note = note
        history = [Step(stage: stage.rawValue, by: party.name, at: date)]
    }

    var applicationStage: ApplicationStage { ApplicationStage(rawValue: stage) ?? .withdrawn }
}

extension ApplicationParty {
    var name: String {
        switch self {
        case .specialist: "specialist"
        case .employer: "employer"
        }
    }
}

struct CreateJobApplication: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(JobApplication.schema)
            .id()
            .field("vacancy_id", .uuid, .required, .references(Vacancy.schema, .id, onDelete: .cascade))
            .field("specialist_id", .uuid, .required, .references(User.schema, .id, onDelete: .cascade))
            .field("company_id", .uuid, .required)
            .field("stage", .string, .required)
            .field("note", .string, .required)
            .field("history", .array(of: .json), .required)
            .field("offer", .json)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            // One application per specialist and vacancy: a second one is refused, not duplicated.
            .unique(on: "vacancy_id", "specialist_id")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(JobApplication.schema).delete()
    }
}
