import CaravanDomain
import Foundation

/// One decision not to allow a person into Russia (114-FZ art. 26–27), as the entry-ban registry holds it.
///
/// A record names its person by citizenship and a passport number, or by name and birth date, or both: the
/// authorities that file bans do not always know the passport. It is in force from `from` through `until`
/// (indefinitely when `until` is nil).
public struct EntryBanRecord: Sendable, Equatable, Identifiable {
    public let id: String
    public let citizenship: CountryCode
    /// As `EntryBanSubject.normalizedPassport` leaves it.
    public let passportNumber: String?
    /// As `EntryBanSubject.normalizedName` leaves it.
    public let name: String?
    public let birthDate: CalendarDate?
    public let from: CalendarDate
    public let until: CalendarDate?
    /// The decision's legal basis as the issuing authority wrote it (e.g. "114-FZ art. 27 §1(2)").
    public let legalBasis: String
    /// Who filed it (the authority, or the file it was imported from).
    public let source: String

    public init(
        id: String, citizenship: CountryCode, passportNumber: String?, name: String?, birthDate: CalendarDate?,
        from: CalendarDate, until: CalendarDate?, legalBasis: String, source: String
    ) {
        self.id = id
        self.citizenship = citizenship
        self.passportNumber = passportNumber.map(EntryBanSubject.normalizedPassport).flatMap { $0.isEmpty ? nil : $0 }
        self.name = name.map(EntryBanSubject.normalizedName).flatMap { $0.isEmpty ? nil : $0 }
        self.birthDate = birthDate
        self.from = from
        self.until = until
        self.legalBasis = legalBasis
        self.source = source
    }

    /// Whether the ban is in force on `date`.
    public func isInForce(on date: CalendarDate) -> Bool {
        from <= date && until.map { date <= $0 } ?? true
    }

    /// Whether the record names `subject`: same citizenship, and the same passport number, or the same name and
    /// birth date. A record that names neither a passport nor a name with a birth date names nobody.
    public func names(_ subject: EntryBanSubject) -> Bool {
        guard citizenship == subject.citizenship else { return false }
        if let passport = passportNumber, let theirs = subject.passportNumber, passport == theirs { return true }
        if let name, let birthDate, name == subject.name, birthDate == subject.birthDate { return true }
        return false
    }
}

/// The person an entry-ban check asks about, with names and numbers normalised once.
public struct EntryBanSubject: Sendable, Equatable {
    public let citizenship: CountryCode
    public let passportNumber: String?
    public let name: String
    public let birthDate: CalendarDate?

    public init(citizenship: CountryCode, passportNumber: String?, name: String, birthDate: CalendarDate?) {
        self.citizenship = citizenship
        self.passportNumber = passportNumber.map(Self.normalizedPassport).flatMap { $0.isEmpty ? nil : $0 }
        self.name = Self.normalizedName(name)
        self.birthDate = birthDate
    }

    /// Letters and digits only, upper case: "AA 123-45 67" and "aa1234567" are one passport.
    public static func normalizedPassport(_ raw: String) -> String {
        ProfileRules.normalizedPassportNumber(raw)
    }

    /// Case, accents, "ё" and runs of spaces or hyphens do not tell two names apart.
    public static func normalizedName(_ raw: String) -> String {
        raw.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: Locale(identifier: "en_US_POSIX"))
            .replacingOccurrences(of: "ё", with: "е")
            .split(whereSeparator: { $0.isWhitespace || $0 == "-" }).joined(separator: " ")
    }
}

/// The registry a check asks. The server's implementation reads the registry officers' table; tests pass a list.
public protocol EntryBanRegistry: Sendable {
    /// Every record in force on `date` that names `subject`, newest first.
    func bans(naming subject: EntryBanSubject, on date: CalendarDate) async throws -> [EntryBanRecord]
}

extension EntryBanRegistry {
    /// Asks the registry and records the answer as a check: banned (with the record) or clear.
    public func check(_ subject: EntryBanSubject, on date: CalendarDate) async throws -> EntryBanCheck {
        let found = try await bans(naming: subject, on: date)
        if let record = found.first {
            return EntryBanCheck(result: .banned, recordID: record.id, legalBasis: record.legalBasis, checkedOn: date)
        }
        return EntryBanCheck(result: .clear, recordID: nil, legalBasis: nil, checkedOn: date)
    }
}

/// A registry held in memory: for tests, commands and the demo.
public struct ListedEntryBans: EntryBanRegistry {
    public let records: [EntryBanRecord]

    public init(_ records: [EntryBanRecord]) {
        self.records = records
    }

    public func bans(naming subject: EntryBanSubject, on date: CalendarDate) async throws -> [EntryBanRecord] {
        records.filter { $0.isInForce(on: date) && $0.names(subject) }.sorted { $0.from > $1.from }
    }
}

/// The answer of one entry-ban check, stored on the person it was about.
public struct EntryBanCheck: Sendable, Hashable, Codable {
    public enum Result: String, Sendable, Codable, Hashable {
        case clear
        case banned
    }

    public let result: Result
    /// The record that banned the person (nil when clear).
    public let recordID: String?
    public let legalBasis: String?
    public let checkedOn: CalendarDate

    public init(result: Result, recordID: String?, legalBasis: String?, checkedOn: CalendarDate) {
        self.result = result
        self.recordID = recordID
        self.legalBasis = legalBasis
        self.checkedOn = checkedOn
    }

    /// The fact the `noEntryBan` rule reads.
    public var isBanned: Bool { result == .banned }
}
