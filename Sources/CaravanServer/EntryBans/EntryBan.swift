import CaravanDomain
import CaravanPermits
import Fluent
import FluentSQL
import Foundation

/// One record of the entry-ban registry. Storage only; `record` is the domain's view of it.
final class EntryBan: Model, @unchecked Sendable {
    static let schema = "entry_bans"

    @ID(key: .id) var id: UUID?
    /// ISO 3166-1 alpha-2: the check filters on it in SQL before matching names and numbers in Swift.
    @Field(key: "citizenship") var citizenship: String
    /// As `EntryBanSubject.normalizedPassport` leaves it, sealed; `passportNumber` reads it.
    @OptionalField(key: "passport_number") var sealedPassportNumber: Sealed<String>?
    /// The blind index of the number (`DataKeyring.blindIndex`): what the check and the officers' search look up.
    @OptionalField(key: "passport_index") var passportIndex: String?
    /// As `EntryBanSubject.normalizedName` leaves it, for matching.
    @OptionalField(key: "name") var name: String?
    /// The name as it was typed, for people to read.
    @OptionalField(key: "display_name") var displayName: String?
    /// `yyyy-MM-dd`, sealed; `birthDate` reads it.
    @OptionalField(key: "birth_date") var sealedBirthDate: Sealed<String>?
    @Field(key: "from_date") var fromDate: String
    @OptionalField(key: "until_date") var untilDate: String?
    @Field(key: "legal_basis") var legalBasis: String
    @Field(key: "source") var source: String
    /// An audit actor (`user:<uuid>` or `cli`), not a name.
    @Field(key: "created_by") var createdBy: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    /// A lifted ban stays on record (the checks that found it still point at it) but is no longer in force.
    @OptionalField(key: "lifted_at") var liftedAt: Date?

    init() {}

    init(_ valid: ValidEntryBan, createdBy: String) {
        let record = valid.record
        id = UUID(uuidString: record.id)
        citizenship = record.citizenship.rawValue
        passportNumber = record.passportNumber
        name = record.name
        displayName = valid.displayName
        birthDate = record.birthDate?.description
        fromDate = record.from.description
        untilDate = record.until?.description
        legalBasis = record.legalBasis
        source = record.source
        self.createdBy = createdBy
    }

    /// The domain's record; nil only for a row edited by hand into something the rules never let in.
    var record: EntryBanRecord? {
        guard let id, let citizenship = CountryCode(rawValue: citizenship), let from = CalendarDate(fromDate) else { return nil }
        return EntryBanRecord(
            id: id.uuidString.lowercased(), citizenship: citizenship, passportNumber: passportNumber, name: name,
            birthDate: birthDate.flatMap { CalendarDate($0) }, from: from, until: untilDate.flatMap { CalendarDate($0) },
            legalBasis: legalBasis, source: source
        )
    }

    var isLifted: Bool { liftedAt != nil }
}

extension EntryBan: SealsPersonalData {
    var passportNumber: String? {
        get { sealedPassportNumber?.wrappedValue }
        set { if newValue != passportNumber { sealedPassportNumber = newValue.map(Sealed.init) } }
    }

    var birthDate: String? {
        get { sealedBirthDate?.wrappedValue }
        set { if newValue != birthDate { sealedBirthDate = newValue.map(Sealed.init) } }
    }

    func sealPersonalData(with keyring: DataKeyring) throws {
        if let value = $sealedPassportNumber.value {
            // A number that changed (or went) changes its index with it.
            if let value, value.needsSealing {
                sealedPassportNumber = try value.sealed(with: keyring)
                passportIndex = keyring.blindIndex(passport: value.wrappedValue)
            } else if value == nil {
                passportIndex = nil
            }
        }
        if let value = $sealedBirthDate.value, let value, value.needsSealing { sealedBirthDate = try value.sealed(with: keyring) }
    }
}

struct CreateEntryBan: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(EntryBan.schema)
            .id()
            .field("citizenship", .string, .required)
            .field("passport_number", .string)
            .field("name", .string)
            .field("display_name", .string)
            .field("birth_date", .string)
            .field("from_date", .string, .required)
            .field("until_date", .string)
            .field("legal_basis", .string, .required)
            .field("source", .string, .required)
            .field("created_by", .string, .required)
            .field("created_at", .datetime)
            .field("lifted_at", .datetime)
            .create()
        // Every check filters on citizenship first; the same statement on SQLite and PostgreSQL.
        if let sql = database as? any SQLDatabase {
            try await sql.create(index: "entry_bans_citizenship").on(EntryBan.schema).column("citizenship").run()
        }
    }

    func revert(on database: any Database) async throws {
        try await database.schema(EntryBan.schema).delete()
    }
}
