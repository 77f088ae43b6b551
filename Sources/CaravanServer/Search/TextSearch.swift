import CaravanDomain
import CaravanMatching
import CaravanSearch
import Fluent
import Foundation

/// A search with words and filters against one of the text indexes. Words must all occur; when no document
/// has them all, the search relaxes to any of them and says so. Without words it lists what passes the filters.
struct TextSearch: Sendable {
    var words: String
    var filter: SearchFilter?
    var limit: Int
    /// How many of the best results to pass over first (the pages before this one).
    var offset = 0

    struct Found: Sendable {
        /// Document keys (vacancy or account ids), best first.
        var keys: [String]
        /// How many documents matched before the limit.
        var total: Int
        /// True when no document had every word and these have some of them.
        var relaxed: Bool
    }

    func run(on index: InvertedIndex) -> Found {
        // The best `offset + limit`, then this page of them: ranking is by score, so a page needs those before it.
        let depth = offset + limit
        if words.allSatisfy({ $0.isWhitespace || $0.isPunctuation }) {
            let browsed = index.browse(filter, limit: depth)
            return Found(keys: Array(browsed.keys.dropFirst(offset)), total: browsed.total, relaxed: false)
        }
        let strict = SearchQuery(words, mode: .all, filter: filter, limit: depth)
        let total = index.count(strict)
        if total > 0 { return Found(keys: Array(index.search(strict).hits.dropFirst(offset).map(\.key)), total: total, relaxed: false) }
        let loose = SearchQuery(words, mode: .any, filter: filter, limit: depth)
        let looseTotal = index.count(loose)
        return Found(keys: Array(index.search(loose).hits.dropFirst(offset).map(\.key)), total: looseTotal, relaxed: looseTotal > 0)
    }
}

/// What the text indexes hold for a vacancy and for a specialist: words in weighted fields, facets and numbers.
enum SearchDocuments {
    /// Cities compare without case and with `ё` as `е`, as people type them.
    static func city(_ raw: String) -> String {
        raw.trimmingCharacters(in: .whitespaces).lowercased().replacingOccurrences(of: "ё", with: "е")
    }

    static func skillNames(_ ids: [String], taxonomy: SkillTaxonomy) -> String {
        ids.compactMap { taxonomy.skill(SkillID($0)) }.map { "\($0.russianName) \($0.englishName)" }.joined(separator: ", ")
    }

    static func russian(_ level: CEFRLevel?) -> Int64 {
        level.map { Int64(CEFRLevel.allCases.firstIndex(of: $0)! + 1) } ?? 0
    }

    static func vacancy(_ vacancy: Vacancy, taxonomy: SkillTaxonomy) -> SearchDocument {
        var support: [String] = []
        if vacancy.visaSupport { support.append("visa") }
        if vacancy.housing { support.append("housing") }
        if vacancy.familyRelocation { support.append("family") }
        var numbers: [String: Int64] = ["russian": russian(vacancy.minimumRussian.flatMap(CEFRLevel.init(rawValue:)))]
        if let max = vacancy.salaryMax ?? vacancy.salaryMin { numbers["salaryMax"] = Int64(max) }
        return SearchDocument(
            key: vacancy.id?.uuidString.lowercased() ?? "",
            fields: [
                "title": vacancy.title,
                "skills": skillNames(vacancy.requiredSkills.map(\.skill) + vacancy.niceSkills, taxonomy: taxonomy),
                "summary": vacancy.description + " " + vacancy.city,
            ],
            facets: ["city": [city(vacancy.city)], "arrangement": [vacancy.workArrangement], "support": support],
            numbers: numbers
        )
    }

    static func specialist(_ profile: SpecialistProfile, taxonomy: SkillTaxonomy) -> SearchDocument {
        let basics = profile.basics
        let roles = profile.desiredRoles.compactMap { taxonomy.occupation($0) }.map { "\($0.russianName) \($0.englishName)" }
        var numbers: [String: Int64] = ["russian": russian(basics.russianLevel)]
        if let salary = basics.expectedSalary { numbers["salary"] = Int64(salary) }
        let workplaces: [String] = basics.remote == .any ? RemotePreference.allCases.filter { $0 != .any }.map(\.rawValue) : [basics.remote.rawValue]
        return SearchDocument(
            key: profile.$user.id.uuidString.lowercased(),
            fields: [
                "title": ([basics.headline] + roles).joined(separator: ", "),
                "skills": skillNames(profile.skills.map(\.skill), taxonomy: taxonomy),
                "summary": ([basics.summary] + profile.experience.map { "\($0.role) \($0.employer)" }).joined(separator: ". "),
            ],
            facets: [
                "citizenship": basics.citizenship.map { [$0.rawValue] } ?? [],
                "city": basics.city.isEmpty ? [] : [city(basics.city)],
                "relocation": basics.relocation ? ["yes"] : [],
                "workplace": workplaces,
                "salaryKnown": basics.expectedSalary == nil ? [] : ["yes"],
            ],
            numbers: numbers
        )
    }
}

/// Vacancy search as a person asks it: words, a city, a way of working, a salary floor, support wanted.
struct VacancySearchCriteria: Sendable {
    static let limitMaximum = 100

    var words = ""
    var city = ""
    var arrangement: WorkArrangement?
    var salaryFrom: Int?
    var visa = false
    var family = false
    var housing = false
    var limit = 20
    var page = 1

    /// Search results are read at most this many pages deep (with the largest limit, the best 10,000).
    static let pageMaximum = 100

    var paging: Paging { Paging(number: page, size: limit) }

    /// Reads `page` (1 to ``pageMaximum``) into `page`.
    static func page(_ raw: [String: String], _ validator: inout Validator) -> Int {
        guard let number = Paging.number(raw["page"], maximum: pageMaximum) else {
            validator.add("page", "page.invalid", ["max": "\(pageMaximum)"])
            return 1
        }
        return number
    }

    /// Reads raw form or query values; every problem is reported at once.
    init(_ raw: [String: String]) throws(ValidationFailure) {
        var validator = Validator()
        (words, city) = Self.wordsAndCity(raw, &validator)
        if let value = raw["arrangement"], !value.isEmpty {
            arrangement = WorkArrangement(rawValue: value)
            if arrangement == nil { validator.add("arrangement", "arrangement.unknown") }
        }
        if let value = raw["salaryFrom"]?.filter({ !$0.isWhitespace }), !value.isEmpty {
            if let number = Int(value), number >= 0, number <= ProfileRules.salaryMaximum { salaryFrom = number } else { validator.add("salaryFrom", "salary.invalid") }
        }
        visa = Self.flag(raw["visa"])
        family = Self.flag(raw["family"])
        housing = Self.flag(raw["housing"])
        if let value = raw["limit"], !value.isEmpty {
            if let number = Int(value), (1...Self.limitMaximum).contains(number) { limit = number } else {
                validator.add("limit", "limit.range", ["max": "\(Self.limitMaximum)"])
            }
        }
        page = Self.page(raw, &validator)
        try validator.check()
    }

    static func flag(_ value: String?) -> Bool { ["yes", "true", "on", "1"].contains(value ?? "") }

    static let wordsMaximum = 500
    static let cityMaximum = 100

    /// The words and the city of a search, refused when longer than the form and the API allow (counted in Unicode
    /// scalars, as JSON Schema's `maxLength` counts).
    static func wordsAndCity(_ raw: [String: String], _ validator: inout Validator) -> (String, String) {
        let words = raw["q"] ?? ""
        if words.unicodeScalars.count > wordsMaximum { validator.add("q", "text.tooLong", ["max": "\(wordsMaximum)"]) }
        let city = raw["city"] ?? ""
        if city.unicodeScalars.count > cityMaximum { validator.add("city", "text.tooLong", ["max": "\(cityMaximum)"]) }
        return (words, city.trimmingCharacters(in: .whitespaces))
    }

    var search: TextSearch {
        var filters: [SearchFilter] = []
        if !city.isEmpty { filters.append(.facet("city", SearchDocuments.city(city))) }
        if let arrangement { filters.append(.facet("arrangement", arrangement.rawValue)) }
        if let salaryFrom { filters.append(.atLeast("salaryMax", Int64(salaryFrom))) }
        if visa { filters.append(.facet("support", "visa")) }
        if family { filters.append(.facet("support", "family")) }
        if housing { filters.append(.facet("support", "housing")) }
        return TextSearch(words: words, filter: filters.isEmpty ? nil : .all(filters), limit: limit, offset: paging.offset)
    }
}

/// Specialist search for an employer: words, citizenship, city, a Russian floor, readiness to move or work remotely,
/// a salary ceiling (people who named no salary are not excluded by it).
struct SpecialistSearchCriteria: Sendable {
    var words = ""
    var citizenship: CountryCode?
    var city = ""
    var russianFrom: CEFRLevel?
    var relocation = false
    var workplace: RemotePreference?
    var salaryUpTo: Int?
    var limit = 20
    var page = 1

    var paging: Paging { Paging(number: page, size: limit) }

    init(_ raw: [String: String]) throws(ValidationFailure) {
        var validator = Validator()
        (words, city) = VacancySearchCriteria.wordsAndCity(raw, &validator)
        if let value = raw["citizenship"], !value.isEmpty {
            citizenship = CountryCode(rawValue: value)
            if citizenship == nil { validator.add("citizenship", "country.unknown") }
        }
        if let value = raw["russianFrom"], !value.isEmpty {
            russianFrom = CEFRLevel(rawValue: value.uppercased())
            if russianFrom == nil { validator.add("russianFrom", "level.unknown") }
        }
        relocation = VacancySearchCriteria.flag(raw["relocation"])
        if let value = raw["workplace"], !value.isEmpty {
            workplace = RemotePreference(rawValue: value)
            if workplace == nil || workplace == .any { validator.add("workplace", "remote.unknown") }
        }
        if let value = raw["salaryUpTo"]?.filter({ !$0.isWhitespace }), !value.isEmpty {
            if let number = Int(value), number > 0, number <= ProfileRules.salaryMaximum { salaryUpTo = number } else { validator.add("salaryUpTo", "salary.invalid") }
        }
        if let value = raw["limit"], !value.isEmpty {
            if let number = Int(value), (1...VacancySearchCriteria.limitMaximum).contains(number) { limit = number } else {
                validator.add("limit", "limit.range", ["max": "\(VacancySearchCriteria.limitMaximum)"])
            }
        }
        page = VacancySearchCriteria.page(raw, &validator)
        try validator.check()
    }

    var search: TextSearch {
        var filters: [SearchFilter] = []
        if let citizenship { filters.append(.facet("citizenship", citizenship.rawValue)) }
        if !city.isEmpty { filters.append(.facet("city", SearchDocuments.city(city))) }
        if let russianFrom { filters.append(.atLeast("russian", SearchDocuments.russian(russianFrom))) }
        if relocation { filters.append(.facet("relocation", "yes")) }
        if let workplace { filters.append(.facet("workplace", workplace.rawValue)) }
        if let salaryUpTo { filters.append(.any([.atMost("salary", Int64(salaryUpTo)), .not(.facet("salaryKnown", "yes"))])) }
        return TextSearch(words: words, filter: filters.isEmpty ? nil : .all(filters), limit: limit, offset: paging.offset)
    }
}
