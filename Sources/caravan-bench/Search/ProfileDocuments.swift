import CaravanSearch

/// profiles.jsonl lines → documents for our index: the three text fields the schema scores
/// (title, skills, summary) and the facets and numbers the filters use.
enum ProfileDocuments {
    static func document(_ fields: [String: JSONValue]) -> SearchDocument? {
        guard let id = fields["id"]?.string else { return nil }
        var facets: [String: [String]] = [:]
        for name in ["citizenship", "country", "city", "role", "level"] {
            if let value = fields[name]?.string { facets[name] = [value] }
        }
        for name in ["remote", "relocation"] {
            if let value = fields[name]?.bool { facets[name] = [value ? "yes" : "no"] }
        }
        var numbers: [String: Int64] = [:]
        for (json, name) in [("salary", "salary"), ("russian_level", "russianLevel"), ("years", "years"),
                             ("available_from", "availableFrom")] {
            if let value = fields[json]?.number { numbers[name] = Int64(value) }
        }
        return SearchDocument(
            key: id,
            fields: [
                "title": fields["title"]?.string ?? "",
                "skills": fields["skills"]?.string ?? "",
                "summary": fields["summary"]?.string ?? "",
            ],
            facets: facets, numbers: numbers)
    }
}
