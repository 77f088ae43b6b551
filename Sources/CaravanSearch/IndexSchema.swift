/// A document's id inside one index: dense (0, 1, 2, … in the order documents were added), so per-document
/// data lives in flat arrays and filters are bitsets. Callers use their own keys; the index maps them.
public typealias DocID = UInt32

extension DocID {
    /// Past every real document: what an exhausted posting cursor points at.
    static let exhausted = DocID.max
}

/// One searchable text field and how much a match in it counts.
public struct SearchField: Sendable, Hashable {
    public var name: String
    public var weight: Double

    public init(_ name: String, weight: Double) {
        self.name = name
        self.weight = weight
    }
}

/// The fields an index scores and the BM25 parameters.
public struct IndexSchema: Sendable, Hashable {
    /// At most `maximumFieldCount`: a posting records which fields a term occurs in as a bit mask.
    public var fields: [SearchField]
    /// Term-frequency saturation: the 3rd occurrence adds far less than the 1st. 1.2 is the usual default
    /// (Lucene, tantivy), so scores are comparable with them.
    public var k1: Double
    /// Length normalisation: 0.75 (the usual default) stops long summaries winning by sheer size.
    public var b: Double

    public static let maximumFieldCount = 8

    public init(fields: [SearchField], k1: Double = 1.2, b: Double = 0.75) {
        precondition(!fields.isEmpty && fields.count <= Self.maximumFieldCount, "1…8 fields")
        self.fields = fields
        self.k1 = k1
        self.b = b
    }

    /// Specialist profiles and vacancies: a word in the title ("Java developer") says more about the
    /// person than the same word in the skills list, which says more than a passing mention in a summary.
    public static let profile = IndexSchema(fields: [
        SearchField("title", weight: 3),
        SearchField("skills", weight: 2),
        SearchField("summary", weight: 1),
    ])
}

/// A document as the caller hands it to the index.
public struct SearchDocument: Sendable, Hashable {
    /// The caller's id (a profile or vacancy UUID); adding a document with a known key replaces it.
    public var key: String
    /// Text per schema field name; missing fields are empty.
    public var fields: [String: String]
    /// Discrete attributes to filter on: "citizenship": ["uz"], "city": ["tashkent"], "remote": ["yes"].
    public var facets: [String: [String]]
    /// Numeric attributes to filter on by range: "salary", "russianLevel" (CEFR A1 = 1 … C2 = 6),
    /// "availableFrom" (days since 1970).
    public var numbers: [String: Int64]

    public init(key: String, fields: [String: String], facets: [String: [String]] = [:],
                numbers: [String: Int64] = [:]) {
        self.key = key
        self.fields = fields
        self.facets = facets
        self.numbers = numbers
    }
}
