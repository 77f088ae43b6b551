import CaravanDomain
import Fluent
import Foundation

/// A specialist's profile: one per account. Lists (skills, family) are stored as JSON in the row: they are
/// always read and written with the profile, and the same JSON works on SQLite and PostgreSQL.
final class SpecialistProfile: Model, @unchecked Sendable {
    static let schema = "specialist_profiles"

    struct StoredSkill: Codable, Hashable, Sendable {
        /// A taxonomy id (`java`, `spring-boot`).
        var skill: String
        /// 1 (beginner) … 5 (expert).
        var level: Int
        var years: Double
    }

    @ID(key: .id) var id: UUID?
    @Parent(key: "user_id") var user: User
    @OptionalField(key: "citizenship") var citizenship: String?
    @OptionalField(key: "country_of_residence") var countryOfResidence: String?
    @Field(key: "city") var city: String
    @Field(key: "phone") var phone: String
    @Field(key: "headline") var headline: String
    @Field(key: "summary") var summary: String
    @OptionalField(key: "russian_level") var russianLevel: String?
    @OptionalField(key: "expected_salary") var expectedSalary: Int?
    @Field(key: "relocation") var relocation: Bool
    @Field(key: "remote") var remote: String
    @Field(key: "skills") var skills: [StoredSkill]
    /// Names and birth dates sealed (`StoredFamilyMember`); read and written through `family`.
    @Field(key: "family") var storedFamily: [StoredFamilyMember]
    // Added after the first release, so optional in storage; read through the non-optional accessors below.
    @OptionalField(key: "experience") var storedExperience: [ExperienceEntry]?
    @OptionalField(key: "education") var storedEducation: [EducationEntry]?
    @OptionalField(key: "languages") var storedLanguages: [LanguageSkill]?
    @OptionalField(key: "desired_roles") var storedDesiredRoles: [String]?
    // Personal data for a permit case (`identity`): never shown to employers, never in the search indexes,
    // stored sealed (ProfileIdentity.swift has the plain accessors).
    @OptionalField(key: "birth_date") var sealedBirthDate: Sealed<String>?
    @OptionalField(key: "passport_number") var sealedPassportNumber: Sealed<String>?
    @OptionalField(key: "passport_expires_on") var sealedPassportExpiresOn: Sealed<String>?
    // Set only by a centre's recorded result (a passed Russian test; an identity checked in person).
    @OptionalField(key: "russian_verified_level") var russianVerifiedLevel: String?
    @OptionalField(key: "russian_certificate") var russianCertificate: String?
    @OptionalField(key: "russian_verified_on") var russianVerifiedOn: String?
    @OptionalField(key: "identity_verified_at") var identityVerifiedAt: String?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    init(userID: UUID) {
        $user.id = userID
        apply(.empty)
        skills = []
        family = []
    }

    var experience: [ExperienceEntry] {
        get { storedExperience ?? [] }
        set { storedExperience = newValue }
    }

    var education: [EducationEntry] {
        get { storedEducation ?? [] }
        set { storedEducation = newValue }
    }

    var languages: [LanguageSkill] {
        get { storedLanguages ?? [] }
        set { storedLanguages = newValue }
    }

    /// Occupation ids from the taxonomy.
    var desiredRoles: [String] {
        get { storedDesiredRoles ?? [] }
        set { storedDesiredRoles = newValue }
    }

    var completeness: ProfileCompleteness {
        ProfileCompleteness.of(basics, skillCount: skills.count, experienceCount: experience.count, educationCount: education.count)
    }

    var basics: ProfileBasics {
        ProfileBasics(
            citizenship: citizenship.flatMap(CountryCode.init(rawValue:)),
            countryOfResidence: countryOfResidence.flatMap(CountryCode.init(rawValue:)),
            city: city, phone: phone, headline: headline, summary: summary,
            russianLevel: russianLevel.flatMap(CEFRLevel.init(rawValue:)), expectedSalary: expectedSalary,
            relocation: relocation, remote: RemotePreference(rawValue: remote) ?? .any
        )
    }

    func apply(_ basics: ProfileBasics) {
        citizenship = basics.citizenship?.rawValue
        countryOfResidence = basics.countryOfResidence?.rawValue
        city = basics.city
        phone = basics.phone
        headline = basics.headline
        summary = basics.summary
        russianLevel = basics.russianLevel?.rawValue
        expectedSalary = basics.expectedSalary
        relocation = basics.relocation
        remote = basics.remote.rawValue
    }
}

struct CreateSpecialistProfile: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(SpecialistProfile.schema)
            .id()
            .field("user_id", .uuid, .required, .references(User.schema, .id, onDelete: .cascade))
            .field("citizenship", .string)
            .field("country_of_residence", .string)
            .field("city", .string, .required)
            .field("phone", .string, .required)
            .field("headline", .string, .required)
            .field("summary", .string, .required)
            .field("russian_level", .string)
            .field("expected_salary", .int)
            .field("relocation", .bool, .required)
            .field("remote", .string, .required)
            // Arrays are arrays of JSON: PostgreSQL binds a Swift array as jsonb[], SQLite as JSON text.
            .field("skills", .array(of: .json), .required)
            .field("family", .array(of: .json), .required)
            .field("updated_at", .datetime)
            .unique(on: "user_id")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(SpecialistProfile.schema).delete()
    }
}

/// Experience, education, other languages and desired roles: new nullable columns, so existing rows stay valid.
struct AddProfileHistory: AsyncMigration {
    func prepare(on database: any Database) async throws {
        // One column per statement: SQLite's ALTER TABLE adds one at a time.
        for (name, type) in Self.columns {
            try await database.schema(SpecialistProfile.schema).field(.string(name), type).update()
        }
    }

    func revert(on database: any Database) async throws {
        for (name, _) in Self.columns.reversed() {
            try await database.schema(SpecialistProfile.schema).deleteField(.string(name)).update()
        }
    }

    static let columns: [(String, DatabaseSchema.DataType)] = [
        ("experience", .array(of: .json)), ("education", .array(of: .json)), ("languages", .array(of: .json)),
        ("desired_roles", .array(of: .string)),
    ]
}
