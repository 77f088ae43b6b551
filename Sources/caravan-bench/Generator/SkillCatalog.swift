import CaravanMatching

/// Display names for skill ids: from the taxonomy resource when it loads, otherwise from the ids
/// themselves, so the generator still runs while the taxonomy is being edited.
struct SkillCatalog: Sendable {
    private let english: [String: String]
    private let russian: [String: String]
    /// Where the names came from, for the run's log: "taxonomy (429 skills)" or the load error.
    let source: String
    /// Ids the roles use that the taxonomy lacks: a role table out of date, reported, never silent.
    let unknownIDs: [String]
    /// Every skill id known, in file order: the long tail a profile's extra skills come from.
    let allIDs: [String]

    /// Skills whose English name is one plain word ("elixir", "tarantool"): what people type as a query.
    var oneWordNames: [String] {
        allIDs.map { english($0).lowercased() }.filter { name in
            !name.isEmpty && name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) }
        }
    }

    static func load(usedIDs: Set<String>) -> SkillCatalog {
        do {
            let taxonomy = try SkillTaxonomy.bundled()
            var english: [String: String] = [:], russian: [String: String] = [:]
            for skill in taxonomy.skills {
                english[skill.id.rawValue] = skill.englishName
                russian[skill.id.rawValue] = skill.russianName
            }
            let unknown = usedIDs.filter { english[$0] == nil }.sorted()
            for id in unknown { english[id] = fallbackName(id); russian[id] = fallbackName(id) }
            return SkillCatalog(english: english, russian: russian,
                                source: "taxonomy (\(taxonomy.count) skills)", unknownIDs: unknown,
                                allIDs: taxonomy.skills.map(\.id.rawValue))
        } catch {
            let names = Dictionary(uniqueKeysWithValues: usedIDs.map { ($0, fallbackName($0)) })
            return SkillCatalog(english: names, russian: names,
                                source: "built-in names (taxonomy failed to load: \(error))", unknownIDs: [],
                                allIDs: usedIDs.sorted())
        }
    }

    /// "spring-boot" → "Spring Boot": good enough for text when no taxonomy is at hand.
    private static func fallbackName(_ id: String) -> String {
        id.split(separator: "-").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined(separator: " ")
    }

    func english(_ id: String) -> String { english[id] ?? id }
    func russian(_ id: String) -> String { russian[id] ?? english(id) }
}
