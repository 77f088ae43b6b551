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

    /// The position of the field named `name`: a scan, as a schema has a handful of short names.
    @inline(__always)
    func fieldNumber(of name: String) -> Int? {
        for (number, field) in fields.enumerated() where field.name == name { return number }
        return nil
    }

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
///
/// Stored flat: its texts, facet values and numbers are each one array of name–value pairs, sorted by
/// name. The index reads every attribute of every document it adds, and a dictionary of one-element
/// arrays is a dozen separate allocations to chase; recording a generated profile's filters from such
/// dictionaries took about 2 µs, most of it waiting for memory (profiled on the million-profile benchmark).
public struct SearchDocument: Sendable, Hashable {
    /// A value under a name: a text under its schema field's name, a facet value under the facet's
    /// ("citizenship", "uz"; "remote", "yes"), a number under its attribute's ("salary", 250000).
    public struct Named<Value: Sendable & Hashable>: Sendable, Hashable {
        public var name: String
        public var value: Value

        public init(_ name: String, _ value: Value) {
            self.name = name
            self.value = value
        }
    }

    /// A text for the schema field `name`. Several texts for one field count as one longer text.
    public typealias Text = Named<String>
    /// One value of a discrete attribute.
    public typealias Facet = Named<String>
    /// A numeric attribute to filter on by range: "salary", "russianLevel" (CEFR A1 = 1 … C2 = 6),
    /// "availableFrom" (days since 1970). One per name; of several, the last one given counts.
    public typealias Number = Named<Int64>

    /// The caller's id (a profile or vacancy UUID); adding a document with a known key replaces it.
    public var key: String
    /// Texts by field name; fields the schema does not name are ignored, missing ones are empty.
    public private(set) var texts: [Text]
    /// Facet values, sorted by name and value.
    public private(set) var facets: [Facet]
    /// Numeric attributes, sorted by name (stable, so of equal names the last one given stays last).
    public private(set) var numbers: [Number]

    public init(key: String, texts: [Text], facets: [Facet] = [], numbers: [Number] = []) {
        self.key = key
        // Already sorted (as the benchmark's generator and most callers list them) costs one pass.
        self.texts = Self.sorted(texts) { $0.name < $1.name }
        self.facets = Self.sorted(facets) { ($0.name, $0.value) < ($1.name, $1.value) }
        self.numbers = Self.sorted(numbers) { $0.name < $1.name }
    }

    /// The same document from dictionaries: text per field name, values per facet, a number per name.
    public init(key: String, fields: [String: String], facets: [String: [String]] = [:],
                numbers: [String: Int64] = [:]) {
        self.init(key: key, texts: fields.map { Text($0.key, $0.value) },
                  facets: facets.flatMap { name, values in values.map { Facet(name, $0) } },
                  numbers: numbers.map { Number($0.key, $0.value) })
    }

    private static func sorted<Element>(_ elements: [Element], by less: (Element, Element) -> Bool) -> [Element] {
        var index = 1
        while index < elements.count, !less(elements[index], elements[index - 1]) { index += 1 }
        if index >= elements.count { return elements }
        // Stable: `sort` is not guaranteed to be, and the last of several numbers with one name must win.
        return elements.enumerated().sorted { less($0.element, $1.element) || (!less($1.element, $0.element) && $0.offset < $1.offset) }
            .map(\.element)
    }
}
