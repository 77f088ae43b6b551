import CaravanAllocation
import CaravanCentres
import CaravanDomain
import CaravanPermits
import CaravanRegistry
import Foundation

/// Arguments of a message as people read them. Catalogue arguments are stored as keys and ISO dates (so a
/// notice written today reads right in tomorrow's language); this turns them into words when the text is made:
/// a document kind into its name, a list of kinds into names, a relation into a word, a permit status into its
/// label, a `YYYY-MM-DD` date into the language's long date.
enum ArgumentText {
    /// The registry's grounds, for notices that name one (read once; the server refuses to start without them).
    static let residencyGrounds = try? ResidencyGrounds.bundled()

    static func localize(_ arguments: [String: String], in language: LanguageCode, catalogs: MessageCatalogs) -> [String: String] {
        guard !arguments.isEmpty else { return arguments }
        var result = arguments
        for (name, value) in arguments {
            switch name {
            case "document":
                if DocumentKind(rawValue: value) != nil { result[name] = catalogs.text("document.\(value)", in: language) }
            case "documents":
                let kinds = value.split(separator: ",").map(String.init)
                if !kinds.isEmpty, kinds.allSatisfy({ DocumentKind(rawValue: $0) != nil }) {
                    result[name] = kinds.map { catalogs.text("document.\($0)", in: language) }.joined(separator: ", ")
                }
            case "relation":
                if CaravanPermits.Relation(rawValue: value) != nil { result[name] = catalogs.text("relation.\(value)", in: language) }
            case "when":
                if let text = CentreText.when(argument: value, in: language) { result[name] = text }
            case "testLevel":
                if let level = CentreText.russianTest?.level(value) { result[name] = level.name.text(language.rawValue) }
            case "centre":
                if let centre = CentreText.bundled?.centre(value) { result[name] = centre.city.text(language.rawValue) }
            case "service":
                if CentreService(rawValue: value) != nil { result[name] = catalogs.text("centre.service.\(value)", in: language) }
            case "ground":
                if let ground = residencyGrounds?.grounds.first(where: { $0.id == value }) { result[name] = ground.title.text(language.rawValue) }
            case "country":
                if let code = CountryCode(rawValue: value) { result[name] = code.name(in: language) }
            case "group":
                if DistrictGroup(rawValue: value) != nil { result[name] = catalogs.text("grant.district.\(value)", in: language) }
            case "level":
                if StudyLevel(rawValue: value) != nil { result[name] = catalogs.text("grant.level.\(value)", in: language) }
            case "status":
                if CaseStatus(rawValue: value) != nil { result[name] = catalogs.text("permit.status.\(value)", in: language) }
            default:
                if let date = CalendarDate(value) { result[name] = longDate(date, in: language) }
            }
        }
        return result
    }

    /// "5 марта 2027 г." / "March 5, 2027": a civil date, in no time zone.
    static func longDate(_ date: CalendarDate, in language: LanguageCode) -> String {
        var components = DateComponents()
        (components.year, components.month, components.day) = (date.year, date.month, date.day)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        guard let value = calendar.date(from: components) else { return date.description }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: language.rawValue)
        formatter.timeZone = .gmt
        formatter.dateStyle = .long
        return formatter.string(from: value)
    }
}
