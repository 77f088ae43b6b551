import CaravanCentres
import Fluent
import FluentSQL
import Foundation

/// The seats of one slot: created the first time someone books it, then counted. `booked` never exceeds
/// `capacity` — the database checks it (a CHECK constraint), and a seat is taken only by an UPDATE that finds a
/// free one (`booked < capacity`), so two bookings of the last seat cannot both succeed on either database.
final class CentreSlot: Model, @unchecked Sendable {
    static let schema = "centre_slots"

    @ID(key: .id) var id: UUID?
    @Field(key: "centre") var centre: String
    @Field(key: "service") var service: String
    /// Seconds since 1970, UTC.
    @Field(key: "starts_at") var startsAt: Int
    @Field(key: "capacity") var capacity: Int
    @Field(key: "booked") var booked: Int

    init() {}
}

/// One person's appointment. The person is named as on the account's profile when booked (sealed); `personKey`
/// stays the same while the profile's family list changes (`self`, or a keyed hash of name and birth date).
final class CentreBooking: Model, @unchecked Sendable, SealsPersonalData {
    static let schema = "centre_bookings"

    @ID(key: .id) var id: UUID?
    @Parent(key: "user_id") var user: User
    @Field(key: "centre") var centre: String
    @Field(key: "service") var service: String
    @Field(key: "slot_id") var slotID: UUID
    @Field(key: "starts_at") var startsAt: Int
    @Field(key: "minutes") var minutes: Int
    /// `p0` (the account holder), `p1`… as the profile listed them when booked.
    @Field(key: "person") var person: String
    @Field(key: "person_key") var personKey: String
    @Field(key: "person_name") var sealedPersonName: Sealed<String>
    @Field(key: "person_birth_date") var sealedPersonBirthDate: Sealed<String>
    /// `BookingStatus.rawValue`.
    @Field(key: "status") var status: String
    /// Bookings made together (a family) share it.
    @Field(key: "group_id") var groupID: UUID
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date

    init() {}

    var personName: String {
        get { sealedPersonName.wrappedValue }
        set { sealedPersonName = Sealed(wrappedValue: newValue) }
    }

    var personBirthDate: String {
        get { sealedPersonBirthDate.wrappedValue }
        set { sealedPersonBirthDate = Sealed(wrappedValue: newValue) }
    }

    var bookingStatus: BookingStatus { BookingStatus(rawValue: status) ?? .cancelled }
    var centreService: CentreService { CentreService(rawValue: service) ?? .identityVerification }

    func sealPersonalData(with keyring: DataKeyring) throws {
        if sealedPersonName.needsSealing { sealedPersonName = try sealedPersonName.sealed(with: keyring) }
        if sealedPersonBirthDate.needsSealing { sealedPersonBirthDate = try sealedPersonBirthDate.sealed(with: keyring) }
    }
}

/// What a visit produced, recorded by the centre's staff with its audit event: a verified identity, biometrics
/// taken, a Russian test scored (with its certificate when passed), an IT assessment.
final class CentreResult: Model, @unchecked Sendable {
    static let schema = "centre_results"

    @ID(key: .id) var id: UUID?
    /// One result per visit.
    @Field(key: "booking_id") var bookingID: UUID
    @Parent(key: "user_id") var user: User
    @Field(key: "person_key") var personKey: String
    @Field(key: "centre") var centre: String
    @Field(key: "service") var service: String
    @Field(key: "recorded_by") var recordedBy: UUID
    @Field(key: "recorded_at") var recordedAt: Date
    /// The Russian test: level id, CEFR, marks by subtest, pass.
    @OptionalField(key: "level") var level: String?
    @OptionalField(key: "cefr") var cefr: String?
    @OptionalField(key: "marks") var marks: [String: Int]?
    @Field(key: "passed") var passed: Bool
    /// Unique; for a passed test.
    @OptionalField(key: "certificate") var certificate: String?
    /// An IT assessment's score 0–100, or a note by staff.
    @OptionalField(key: "score") var score: Int?

    init() {}
}

/// A centre staff account's centre: staff act for one centre only.
final class CentreStaffMember: Model, @unchecked Sendable {
    static let schema = "centre_staff"

    @ID(key: .id) var id: UUID?
    @Parent(key: "user_id") var user: User
    @Field(key: "centre") var centre: String

    init() {}

    init(userID: UUID, centre: String) {
        $user.id = userID
        self.centre = centre
    }
}

/// Named counters taken by `UPDATE … RETURNING`: certificate serials per centre and year, residency numbers, the
/// register's OGRN and INN serials and accreditation numbers.
final class CentreCounter: Model, @unchecked Sendable {
    static let schema = "centre_counters"

    @ID(custom: "name", generatedBy: .user) var id: String?
    @Field(key: "value") var value: Int

    init() {}

    /// The counter's next value (1 the first time), taken on `db`: inside a transaction the row stays locked until
    /// it commits, so two writers never get the same value and a rolled-back one leaves no gap.
    static func next(_ name: String, on db: any Database) async throws -> Int {
        guard let sql = db as? any SQLDatabase else { throw AppError.conflict(code: "counter-concurrent") }
        try await sql.raw("INSERT INTO \(ident: schema) (name, value) VALUES (\(bind: name), 0) ON CONFLICT (name) DO NOTHING").run()
        let row = try await sql.raw("UPDATE \(ident: schema) SET value = value + 1 WHERE name = \(bind: name) RETURNING value").first()
        return try row?.decode(column: "value", as: Int.self) ?? 1
    }

    /// Takes `count` values at once (a batch written in one transaction); returns the last of them.
    static func reserve(_ name: String, count: Int, on db: any Database) async throws -> Int {
        guard let sql = db as? any SQLDatabase else { throw AppError.conflict(code: "counter-concurrent") }
        try await sql.raw("INSERT INTO \(ident: schema) (name, value) VALUES (\(bind: name), 0) ON CONFLICT (name) DO NOTHING").run()
        let row = try await sql.raw("UPDATE \(ident: schema) SET value = value + \(bind: count) WHERE name = \(bind: name) RETURNING value").first()
        return try row?.decode(column: "value", as: Int.self) ?? count
    }
}

struct CreateCentreTables: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(CentreSlot.schema)
            .id()
            .field("centre", .string, .required)
            .field("service", .string, .required)
            .field("starts_at", .int64, .required)
            .field("capacity", .int, .required)
            .field("booked", .int, .required)
            .unique(on: "centre", "service", "starts_at")
            // The guarantee itself: however the requests interleave, no slot holds more people than desks.
            .constraint(.sql(raw: "CHECK (booked >= 0 AND booked <= capacity)"))
            .create()
        try await database.schema(CentreBooking.schema)
            .id()
            .field("user_id", .uuid, .required, .references(User.schema, .id, onDelete: .cascade))
            .field("centre", .string, .required)
            .field("service", .string, .required)
            .field("slot_id", .uuid, .required, .references(CentreSlot.schema, .id))
            .field("starts_at", .int64, .required)
            .field("minutes", .int, .required)
            .field("person", .string, .required)
            .field("person_key", .string, .required)
            .field("person_name", .string, .required)
            .field("person_birth_date", .string, .required)
            .field("status", .string, .required)
            .field("group_id", .uuid, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .create()
        try await database.schema(CentreResult.schema)
            .id()
            .field("booking_id", .uuid, .required, .references(CentreBooking.schema, .id, onDelete: .cascade))
            .field("user_id", .uuid, .required, .references(User.schema, .id, onDelete: .cascade))
            .field("person_key", .string, .required)
            .field("centre", .string, .required)
            .field("service", .string, .required)
            .field("recorded_by", .uuid, .required)
            .field("recorded_at", .datetime, .required)
            .field("level", .string)
            .field("cefr", .string)
            .field("marks", .json)
            .field("passed", .bool, .required)
            .field("certificate", .string)
            .field("score", .int)
            .unique(on: "booking_id")
            .unique(on: "certificate")
            .create()
        try await database.schema(CentreStaffMember.schema)
            .id()
            .field("user_id", .uuid, .required, .references(User.schema, .id, onDelete: .cascade))
            .field("centre", .string, .required)
            .unique(on: "user_id")
            .create()
        try await database.schema(CentreCounter.schema)
            .field("name", .string, .identifier(auto: false))
            .field("value", .int, .required)
            .create()
        if let sql = database as? any SQLDatabase {
            // One active booking per person and service, whatever the requests' order: a partial unique index.
            try await sql.raw("""
                CREATE UNIQUE INDEX centre_bookings_one_active ON centre_bookings (user_id, person_key, service) \
                WHERE status IN ('booked', 'arrived')
                """).run()
            try await sql.raw("CREATE INDEX centre_bookings_user ON centre_bookings (user_id, status)").run()
            try await sql.raw("CREATE INDEX centre_bookings_day ON centre_bookings (centre, starts_at)").run()
        }
        // The profile's verified Russian level and the permit document's evidence.
        try await database.schema(SpecialistProfile.schema)
            .field("russian_verified_level", .string)
            .update()
        try await database.schema(SpecialistProfile.schema)
            .field("russian_certificate", .string)
            .update()
        try await database.schema(SpecialistProfile.schema)
            .field("russian_verified_on", .string)
            .update()
        try await database.schema(SpecialistProfile.schema)
            .field("identity_verified_at", .string)
            .update()
        try await database.schema(PermitDocumentFile.schema)
            .field("source", .string)
            .update()
        try await database.schema(OutboxMail.schema)
            .field("calendar", .string)
            .update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(OutboxMail.schema).deleteField("calendar").update()
        try await database.schema(PermitDocumentFile.schema).deleteField("source").update()
        for field in ["identity_verified_at", "russian_verified_on", "russian_certificate", "russian_verified_level"] {
            try await database.schema(SpecialistProfile.schema).deleteField(.key(FieldKey(stringLiteral: field))).update()
        }
        try await database.schema(CentreCounter.schema).delete()
        try await database.schema(CentreStaffMember.schema).delete()
        try await database.schema(CentreResult.schema).delete()
        try await database.schema(CentreBooking.schema).delete()
        try await database.schema(CentreSlot.schema).delete()
    }
}
