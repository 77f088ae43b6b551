import CaravanAllocation
import Fluent
import FluentSQL
import Foundation

/// A university taking grant students: where it is decides its district group for the choice rule.
final class University: Model, @unchecked Sendable {
    static let schema = "universities"

    @ID(key: .id) var id: UUID?
    @Field(key: "name") var name: String
    @Field(key: "city") var city: String
    /// A `DistrictGroup` raw value: one of the eight federal districts, or Moscow or Saint Petersburg.
    @Field(key: "district_group") var districtGroup: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    init(name: String, city: String, districtGroup: String) {
        self.name = name
        self.city = city
        self.districtGroup = districtGroup
    }
}

/// An admissions account's university: admissions staff act for one university only.
final class UniversityStaffMember: Model, @unchecked Sendable {
    static let schema = "university_staff"

    @ID(key: .id) var id: UUID?
    @Field(key: "user_id") var userID: UUID
    @Field(key: "university_id") var universityID: UUID

    init() {}

    init(userID: UUID, universityID: UUID) {
        self.userID = userID
        self.universityID = universityID
    }
}

/// A programme a grant can be taken at: field of study, level, language of teaching, its grant seats and how it
/// ranks applicants (whole-number weights over the recorded subjects).
final class GrantProgramme: Model, @unchecked Sendable {
    static let schema = "grant_programmes"

    @ID(key: .id) var id: UUID?
    /// The programme's public id in the published input (`GP-0001`).
    @Field(key: "code") var code: String
    @Field(key: "university_id") var universityID: UUID
    @Field(key: "name") var name: String
    /// The field of study's code in the state classifier (`09.03.04`).
    @Field(key: "field") var field: String
    /// A `StudyLevel` raw value.
    @Field(key: "level") var level: String
    /// `ru` or `en`.
    @Field(key: "language") var language: String
    @Field(key: "seats") var seats: Int
    @Field(key: "weights") var weights: [String: Int]
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}
}

/// A grant round: its window, the lottery seed fixed when it opened, the choice rules, the per-country quotas, and
/// once frozen and run, the published input and result with their digests.
final class GrantRound: Model, @unchecked Sendable {
    static let schema = "grant_rounds"

    enum Status: String, Codable, Sendable {
        /// Applications may be sent and changed (within the window's dates).
        case open
        /// The window is closed; the input is fixed and published.
        case frozen
        /// The run is published; applicants answer within the deadline.
        case published
    }

    @ID(key: .id) var id: UUID?
    @Field(key: "title") var title: String
    @Field(key: "opens_on") var opensOn: String
    @Field(key: "closes_on") var closesOn: String
    @Field(key: "answer_until") var answerUntil: String
    @Field(key: "seed") var seed: String
    @Field(key: "maximum_choices") var maximumChoices: Int
    @Field(key: "maximum_per_group") var maximumPerGroup: Int
    @Field(key: "quotas") var quotas: [String: Int]
    @Field(key: "status") var status: Status
    /// The round it gives a second chance after: its seats are what the first left.
    @OptionalField(key: "previous_round_id") var previousRoundID: UUID?
    /// Per programme code: the seats this round offers when it is not the programme's whole number (a second round).
    @OptionalField(key: "seats") var seats: [String: Int]?
    @OptionalField(key: "input_digest") var inputDigest: String?
    /// The published input (`caravan-allocation-input/1`), canonical JSON.
    @OptionalField(key: "input") var input: String?
    @OptionalField(key: "result_digest") var resultDigest: String?
    @OptionalField(key: "result") var result: String?
    @OptionalField(key: "frozen_at") var frozenAt: Date?
    @OptionalField(key: "published_at") var publishedAt: Date?
    @Field(key: "revision") var revision: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    var rules: AllocationInput.ChoiceRules {
        AllocationInput.ChoiceRules(maximumChoices: maximumChoices, maximumPerGroup: maximumPerGroup)
    }

    var publishedInput: AllocationInput? {
        input.flatMap { try? JSONDecoder().decode(AllocationInput.self, from: Data($0.utf8)) }
    }

    var publishedResult: AllocationResult? {
        result.flatMap { try? JSONDecoder().decode(AllocationResult.self, from: Data($0.utf8)) }
    }
}

/// The ministry's split of a country's quota: at most this many of the country's applicants at a programme.
final class GrantCeiling: Model, @unchecked Sendable {
    static let schema = "grant_ceilings"

    @ID(key: .id) var id: UUID?
    @Field(key: "round_id") var roundID: UUID
    @Field(key: "programme_id") var programmeID: UUID
    @Field(key: "country") var country: String
    @Field(key: "ceiling") var ceiling: Int

    init() {}

    init(roundID: UUID, programmeID: UUID, country: String, ceiling: Int) {
        self.roundID = roundID
        self.programmeID = programmeID
        self.country = country
        self.ceiling = ceiling
    }
}

/// One student's application in a round: ranked programmes, the recorded scores, and after the run the place and
/// its course. `number` is the opaque id the published input knows it by.
final class GrantApplication: Model, @unchecked Sendable, SealsPersonalData {
    static let schema = "grant_applications"

    @ID(key: .id) var id: UUID?
    @Field(key: "number") var number: String
    @Field(key: "round_id") var roundID: UUID
    /// The specialist's account; nil for an application taken in by a centre on paper (the demo's).
    @OptionalField(key: "user_id") var userID: UUID?
    @Field(key: "name") var name: String
    @Field(key: "country") var country: String
    @Field(key: "level") var level: String
    /// The school certificate's number, sealed.
    @Field(key: "school_certificate") var sealedSchoolCertificate: Sealed<String>
    /// The verified Russian test's CEFR level from a centre, when there is one.
    @OptionalField(key: "russian_verified") var russianVerified: String?
    @Field(key: "scores") var scores: [String: Int]
    /// Per subject: who recorded it (`centre`, `admissions`, `test` for a verified centre result).
    @Field(key: "score_sources") var scoreSources: [String: String]
    /// Programme codes, most wanted first.
    @Field(key: "choices") var choices: [String]
    @Field(key: "status") var status: GrantStatus
    @OptionalField(key: "placed_code") var placedCode: String?
    @OptionalField(key: "graduated_on") var graduatedOn: String?
    @Field(key: "revision") var revision: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    var schoolCertificate: String {
        get { sealedSchoolCertificate.wrappedValue }
        set { if $sealedSchoolCertificate.value == nil || newValue != schoolCertificate { sealedSchoolCertificate = Sealed(wrappedValue: newValue) } }
    }

    func sealPersonalData(with keyring: DataKeyring) throws {
        if let value = $sealedSchoolCertificate.value, value.needsSealing { sealedSchoolCertificate = try value.sealed(with: keyring) }
    }
}

struct CreateGrantTables: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(University.schema)
            .id()
            .field("name", .string, .required)
            .field("city", .string, .required)
            .field("district_group", .string, .required)
            .field("created_at", .datetime)
            .unique(on: "name")
            .create()
        try await database.schema(UniversityStaffMember.schema)
            .id()
            .field("user_id", .uuid, .required)
            .field("university_id", .uuid, .required, .references(University.schema, .id))
            .unique(on: "user_id")
            .create()
        try await database.schema(GrantProgramme.schema)
            .id()
            .field("code", .string, .required)
            .field("university_id", .uuid, .required, .references(University.schema, .id))
            .field("name", .string, .required)
            .field("field", .string, .required)
            .field("level", .string, .required)
            .field("language", .string, .required)
            .field("seats", .int, .required)
            .field("weights", .json, .required)
            .field("created_at", .datetime)
            .unique(on: "code")
            .create()
        try await database.schema(GrantRound.schema)
            .id()
            .field("title", .string, .required)
            .field("opens_on", .string, .required)
            .field("closes_on", .string, .required)
            .field("answer_until", .string, .required)
            .field("seed", .string, .required)
            .field("maximum_choices", .int, .required)
            .field("maximum_per_group", .int, .required)
            .field("quotas", .json, .required)
            .field("status", .string, .required)
            .field("previous_round_id", .uuid)
            .field("seats", .json)
            .field("input_digest", .string)
            .field("input", .sql(unsafeRaw: "TEXT"))
            .field("result_digest", .string)
            .field("result", .sql(unsafeRaw: "TEXT"))
            .field("frozen_at", .datetime)
            .field("published_at", .datetime)
            .field("revision", .int, .required)
            .field("created_at", .datetime)
            .unique(on: "title")
            // One second round after a round: two admins at once cannot both offer its leftover places.
            .unique(on: "previous_round_id")
            .create()
        try await database.schema(GrantCeiling.schema)
            .id()
            .field("round_id", .uuid, .required, .references(GrantRound.schema, .id))
            .field("programme_id", .uuid, .required, .references(GrantProgramme.schema, .id))
            .field("country", .string, .required)
            .field("ceiling", .int, .required)
            .unique(on: "round_id", "programme_id", "country")
            .create()
        try await database.schema(GrantApplication.schema)
            .id()
            .field("number", .string, .required)
            .field("round_id", .uuid, .required, .references(GrantRound.schema, .id))
            .field("user_id", .uuid)
            .field("name", .string, .required)
            .field("country", .string, .required)
            .field("level", .string, .required)
            .field("school_certificate", .string, .required)
            .field("russian_verified", .string)
            .field("scores", .json, .required)
            .field("score_sources", .json, .required)
            .field("choices", .array(of: .string), .required)
            .field("status", .string, .required)
            .field("placed_code", .string)
            .field("graduated_on", .string)
            .field("revision", .int, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "number")
            // One application per person and round: two quick submits cannot make two.
            .unique(on: "round_id", "user_id")
            .create()
        if let sql = database as? any SQLDatabase {
            try await sql.create(index: "grant_applications_round_status").on(GrantApplication.schema).column("round_id").column("status").run()
            try await sql.create(index: "grant_programmes_university").on(GrantProgramme.schema).column("university_id").run()
        }
    }

    func revert(on database: any Database) async throws {
        for schema in [GrantApplication.schema, GrantCeiling.schema, GrantRound.schema, GrantProgramme.schema, UniversityStaffMember.schema,
                       University.schema] {
            try await database.schema(schema).delete()
        }
    }
}
