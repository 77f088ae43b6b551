/// Which documents a search may return, as an expression over named facets and numeric attributes.
///
/// Generic on purpose: the index does not know what "citizenship" or "russianLevel" mean, so the
/// matching layer can add a constraint without touching the index. Evaluated once per query into a
/// bitset; the scoring loop then tests one bit per candidate.
public indirect enum SearchFilter: Sendable, Hashable {
    /// The document has at least one of `values` for facet `name` ("citizenship" ∈ {"uz", "kg"}).
    case facet(String, anyOf: [String])
    /// The document has numeric attribute `name` and it lies in the range; documents without it fail.
    case range(String, ClosedRange<Int64>)
    case all([SearchFilter])
    case any([SearchFilter])
    case not(SearchFilter)

    public static func facet(_ name: String, _ value: String) -> SearchFilter { .facet(name, anyOf: [value]) }
    public static func atLeast(_ name: String, _ value: Int64) -> SearchFilter { .range(name, value...Int64.max) }
    public static func atMost(_ name: String, _ value: Int64) -> SearchFilter { .range(name, Int64.min...value) }
}

/// Facet values and numeric attributes per document, kept so filters become bitsets.
struct FacetStore: Sendable {
    /// A numeric attribute: one value per document id, and which documents have it at all.
    struct NumericColumn: Sendable {
        var values = ContiguousArray<Int64>()
        var present = Bitset()
    }

    /// facet name → value → documents with it.
    private(set) var facets: [String: [String: Bitset]] = [:]
    private(set) var numbers: [String: NumericColumn] = [:]

    mutating func add(_ doc: DocID, facets docFacets: [String: [String]], numbers docNumbers: [String: Int64]) {
        for (name, values) in docFacets {
            for value in values { facets[name, default: [:]][value, default: Bitset()].insert(doc) }
        }
        for (name, value) in docNumbers {
            // The closure form mutates the stored column in place, so appending stays O(1) amortised.
            Self.update(&numbers[name, default: NumericColumn()], doc: doc, value: value)
        }
    }

    private static func update(_ column: inout NumericColumn, doc: DocID, value: Int64) {
        let needed = Int(doc) + 1
        if column.values.count < needed {
            column.values.append(contentsOf: repeatElement(0, count: needed - column.values.count))
        }
        column.values[Int(doc)] = value
        column.present.insert(doc)
    }

    func facetValues(_ name: String, of doc: DocID) -> [String] {
        (facets[name] ?? [:]).filter { $0.value.contains(doc) }.map(\.key).sorted()
    }

    func number(_ name: String, of doc: DocID) -> Int64? {
        guard let column = numbers[name], column.present.contains(doc) else { return nil }
        return column.values[Int(doc)]
    }

    /// The documents below `capacity` that pass `filter` (deleted ones included: the caller removes them).
    func evaluate(_ filter: SearchFilter, capacity: Int) -> Bitset {
        switch filter {
        case .facet(let name, let values):
            var result = Bitset(capacity: capacity)
            if let byValue = facets[name] {
                for value in values { if let set = byValue[value] { result.formUnion(set) } }
            }
            return result
        case .range(let name, let range):
            var result = Bitset(capacity: capacity)
            guard let column = numbers[name] else { return result }
            column.values.withUnsafeBufferPointer { values in
                for doc in 0..<min(values.count, capacity) where range.contains(values[doc]) {
                    if column.present.contains(DocID(doc)) { result.insert(DocID(doc)) }
                }
            }
            return result
        case .all(let parts):
            var result = Bitset(capacity: capacity, filled: true)
            for part in parts { result.formIntersection(evaluate(part, capacity: capacity)) }
            return result
        case .any(let parts):
            var result = Bitset(capacity: capacity)
            for part in parts { result.formUnion(evaluate(part, capacity: capacity)) }
            return result
        case .not(let inner):
            var result = Bitset(capacity: capacity, filled: true)
            result.subtract(evaluate(inner, capacity: capacity))
            return result
        }
    }

    /// The store with documents renumbered: `newID[old]` is the new id, or nil for dropped documents.
    func remapped(_ newID: [DocID?]) -> FacetStore {
        var result = FacetStore()
        for (name, byValue) in facets {
            for (value, set) in byValue {
                var moved = Bitset()
                set.forEach { old in if let new = newID[Int(old)] { moved.insert(new) } }
                if !moved.isEmpty { result.facets[name, default: [:]][value] = moved }
            }
        }
        for (name, column) in numbers {
            var moved = NumericColumn()
            column.present.forEach { old in
                if Int(old) < newID.count, let new = newID[Int(old)] {
                    Self.update(&moved, doc: new, value: column.values[Int(old)])
                }
            }
            result.numbers[name] = moved
        }
        return result
    }
}
