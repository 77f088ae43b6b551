import CaravanSearch

/// profiles.jsonl lines → documents for our index: the three text fields the schema scores
/// (title, skills, summary) and the facets and numbers the filters use.
enum ProfileDocuments {
    /// Facets (read as strings, or as booleans given as "yes"/"no") and numbers (JSON name, filter name);
    /// each list in name order, as `SearchDocument` keeps them, so building one sorts nothing.
    private static let facetNames: [(name: String, boolean: Bool)] = [
        ("citizenship", false), ("city", false), ("country", false), ("level", false), ("relocation", true),
        ("remote", true), ("role", false),
    ]
    private static let numberNames = [("available_from", "availableFrom"), ("russian_level", "russianLevel"),
                                      ("salary", "salary"), ("years", "years")]

    static func document(_ fields: [String: JSONValue]) -> SearchDocument? {
        guard let id = fields["id"]?.string else { return nil }
        var facets: [SearchDocument.Facet] = []
        facets.reserveCapacity(facetNames.count)
        for (name, boolean) in facetNames {
            if boolean {
                if let value = fields[name]?.bool { facets.append(.init(name, value ? "yes" : "no")) }
            } else if let value = fields[name]?.string {
                facets.append(.init(name, value))
            }
        }
        var numbers: [SearchDocument.Number] = []
        numbers.reserveCapacity(numberNames.count)
        for (json, name) in numberNames {
            if let value = fields[json]?.number { numbers.append(.init(name, Int64(value))) }
        }
        return SearchDocument(
            key: id,
            texts: [
                .init("skills", fields["skills"]?.string ?? ""),
                .init("summary", fields["summary"]?.string ?? ""),
                .init("title", fields["title"]?.string ?? ""),
            ],
            facets: facets, numbers: numbers)
    }
}
