import CaravanDomain
import Foundation

/// An entry ban as typed into a form, an API body or a CSV row, before any check. Empty means absent.
public struct EntryBanInput: Sendable, Equatable {
    public var citizenship: String
    public var passportNumber: String
    public var name: String
    public var birthDate: String
    public var from: String
    public var until: String
    public var legalBasis: String
    public var source: String

    public init(
        citizenship: String = "", passportNumber: String = "", name: String = "", birthDate: String = "", from: String = "",
        until: String = "", legalBasis: String = "", source: String = ""
    ) {
        self.citizenship = citizenship
        self.passportNumber = passportNumber
        self.name = name
        self.birthDate = birthDate
        self.from = from
        self.until = until
        self.legalBasis = legalBasis
        self.source = source
    }
}

/// A checked ban: the record the registry matches on, and the name as it was typed (the record keeps it normalised).
public struct ValidEntryBan: Sendable, Equatable {
    public let record: EntryBanRecord
    public let displayName: String?

    public init(record: EntryBanRecord, displayName: String?) {
        self.record = record
        self.displayName = displayName
    }
}

public enum EntryBanRules {
    /// The longest passport numbers in ICAO 9303 have 9 characters; 20 leaves room for national formats and series.
    public static let passportMaximum = 20
    /// Full names with patronymics and several surnames stay well under 200.
    public static let nameMaximum = 200
    /// A citation such as "114-FZ art. 27 §1(2); decision of the MVD of 12.03.2025 No. 123" fits in 300.
    public static let legalBasisMaximum = 300
    public static let sourceMaximum = 200

    /// Checks every field and reports every problem at once. Field names are the API's.
    ///
    /// A ban must name its person: a passport number, or a name with a birth date (`entryBan.noIdentity`
    /// otherwise). `source`, when empty, is `defaultSource` (the file a row came from, or the desk it was typed at).
    public static func validate(
        _ input: EntryBanInput, id: String, today: CalendarDate, defaultSource: String
    ) throws(ValidationFailure) -> ValidEntryBan {
        var validator = Validator()
        let citizenshipText = trimmed(input.citizenship)
        let citizenship = CountryCode(rawValue: citizenshipText)
        if citizenshipText.isEmpty {
            validator.add("citizenship", "field.required")
        } else if citizenship == nil {
            validator.add("citizenship", "country.unknown")
        }

        let passportText = trimmed(input.passportNumber)
        let passport = EntryBanSubject.normalizedPassport(passportText)
        if !passportText.isEmpty && (passport.isEmpty || passport.count > passportMaximum) {
            validator.add("passportNumber", "passport.invalid", ["max": "\(passportMaximum)"])
        }

        let name = input.name.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        if name.count > nameMaximum {
            validator.add("name", "text.tooLong", ["max": "\(nameMaximum)"])
        } else if hasControlCharacters(name) {
            validator.add("name", "text.invalid")
        }

        let birthText = trimmed(input.birthDate)
        let birthDate = CalendarDate(birthText)
        if !birthText.isEmpty {
            if birthDate == nil {
                validator.add("birthDate", "date.invalid")
            } else if let birthDate, birthDate > today {
                validator.add("birthDate", "date.future")
            }
        }
        if passportText.isEmpty && (name.isEmpty || birthText.isEmpty) {
            validator.add("passportNumber", "entryBan.noIdentity")
        }

        let fromText = trimmed(input.from)
        let from = CalendarDate(fromText)
        if fromText.isEmpty {
            validator.add("from", "field.required")
        } else if from == nil {
            validator.add("from", "date.invalid")
        }
        let untilText = trimmed(input.until)
        let until = CalendarDate(untilText)
        if !untilText.isEmpty {
            if until == nil {
                validator.add("until", "date.invalid")
            } else if let from, let until, until < from {
                validator.add("until", "entryBan.untilBeforeFrom")
            }
        }

        let legalBasis = trimmed(input.legalBasis)
        if legalBasis.isEmpty {
            validator.add("legalBasis", "field.required")
        } else if legalBasis.count > legalBasisMaximum {
            validator.add("legalBasis", "text.tooLong", ["max": "\(legalBasisMaximum)"])
        } else if hasControlCharacters(legalBasis) {
            validator.add("legalBasis", "text.invalid")
        }
        let sourceText = trimmed(input.source)
        let source = sourceText.isEmpty ? defaultSource : sourceText
        if source.count > sourceMaximum {
            validator.add("source", "text.tooLong", ["max": "\(sourceMaximum)"])
        } else if hasControlCharacters(source) {
            validator.add("source", "text.invalid")
        }

        try validator.check()
        // The checks above leave citizenship and from set.
        let record = EntryBanRecord(
            id: id, citizenship: citizenship!, passportNumber: passportText.isEmpty ? nil : passport,
            name: name.isEmpty ? nil : name, birthDate: birthDate, from: from!, until: until, legalBasis: legalBasis, source: source
        )
        return ValidEntryBan(record: record, displayName: name.isEmpty ? nil : name)
    }

    private static func trimmed(_ text: String) -> String {
        text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private static func hasControlCharacters(_ text: String) -> Bool {
        text.unicodeScalars.contains { $0.properties.generalCategory == .control }
    }
}
