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
///
/// Columns are found by name with a linear scan and a facet's values the same way while it has few:
/// a profile brings a dozen attributes, and hashing each name and value (`String` hashing is SipHash)
/// cost more than all the rest of its filter bookkeeping together.
struct FacetStore: Sendable {
    /// A numeric attribute: one value per document id, and which documents have it at all.
    struct NumericColumn: Sendable {
        var values = ContiguousArray<Int64>()
        var present = Bitset()
    }

    /// One facet: its values in first-seen order and, per value, the documents with it.
    struct FacetColumn: Sendable {
        private(set) var values: [String] = []
        private(set) var sets: [Bitset] = []
        /// Value → position, kept once there are more values than a scan handles well.
        private var positions: [String: Int] = [:]
        private static let scanLimit = 12

        func position(of value: String) -> Int? {
            if values.count <= Self.scanLimit { return values.firstIndex(of: value) }
            return positions[value]
        }

        mutating func insert(_ doc: DocID, value: String) {
            if let position = position(of: value) {
                sets[position].insert(doc)
            } else {
                var set = Bitset()
                set.insert(doc)
                append(value, set)
            }
        }

        func set(for value: String) -> Bitset? { position(of: value).map { sets[$0] } }

        mutating func replaceSet(_ set: Bitset, for value: String) {
            if let position = position(of: value) { sets[position] = set } else { append(value, set) }
        }

        private mutating func append(_ value: String, _ set: Bitset) {
            values.append(value)
            sets.append(set)
            guard values.count > Self.scanLimit else { return }
            if positions.isEmpty {
                for (position, known) in values.enumerated() { positions[known] = position }
            } else {
                positions[value] = values.count - 1
            }
        }
    }

    private(set) var facetNames: [String] = []
    private(set) var facetColumns: [FacetColumn] = []
    private(set) var numberNames: [String] = []
    private(set) var numberColumns: [NumericColumn] = []

    /// Records a document's facet values and numbers (each sorted by name, as `SearchDocument` keeps them).
    mutating func add(_ doc: DocID, facets docFacets: [SearchDocument.Facet], numbers docNumbers: [SearchDocument.Number]) {
        var column = -1
        for facet in docFacets {
            column = Self.column(of: facet.name, after: column, in: facetNames) ?? facetColumn(named: facet.name)
            facetColumns[column].insert(doc, value: facet.value)
        }
        column = -1
        for number in docNumbers {
            column = Self.column(of: number.name, after: column, in: numberNames) ?? {
                numberNames.append(number.name)
                numberColumns.append(NumericColumn())
                return numberColumns.count - 1
            }()
            Self.update(&numberColumns[column], doc: doc, value: number.value)
        }
    }

    /// The column named `name`, nil for a new name. Documents list the same names in the same order, so
    /// it is nearly always the column last found (another value of one facet) or the one after it: one
    /// comparison of equal strings instead of a scan.
    @inline(__always)
    private static func column(of name: String, after previous: Int, in names: [String]) -> Int? {
        if previous >= 0 && names[previous] == name { return previous }
        if previous + 1 < names.count && names[previous + 1] == name { return previous + 1 }
        return names.firstIndex(of: name)
    }

    private mutating func facetColumn(named name: String) -> Int {
        if let known = facetNames.firstIndex(of: name) { return known }
        facetNames.append(name)
        facetColumns.append(FacetColumn())
        return facetColumns.count - 1
    }

    private func facet(_ name: String) -> FacetColumn? {
        facetNames.firstIndex(of: name).map { facetColumns[$0] }
    }

    private func numeric(_ name: String) -> NumericColumn? {
        numberNames.firstIndex(of: name).map { numberColumns[$0] }
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
        guard let column = facet(name) else { return [] }
        return zip(column.values, column.sets).filter { $0.1.contains(doc) }.map(\.0).sorted()
    }

    func number(_ name: String, of doc: DocID) -> Int64? {
        guard let column = numeric(name), column.present.contains(doc) else { return nil }
        return column.values[Int(doc)]
    }

    /// The documents below `capacity` that pass `filter` (deleted ones included: the caller removes them).
    func evaluate(_ filter: SearchFilter, capacity: Int) -> Bitset {
        switch filter {
        case .facet(let name, let values):
            var result = Bitset(capacity: capacity)
            if let column = facet(name) {
                for value in values { if let set = column.set(for: value) { result.formUnion(set) } }
            }
            return result
        case .range(let name, let range):
            var result = Bitset(capacity: capacity)
            guard let column = numeric(name) else { return result }
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
        for (name, column) in zip(facetNames, facetColumns) {
            for (value, set) in zip(column.values, column.sets) {
                var moved = Bitset()
                set.forEach { old in if let new = newID[Int(old)] { moved.insert(new) } }
                if !moved.isEmpty { result.facetColumns[result.facetColumn(named: name)].replaceSet(moved, for: value) }
            }
        }
        for (name, column) in zip(numberNames, numberColumns) {
            var moved = NumericColumn()
            column.present.forEach { old in
                if Int(old) < newID.count, let new = newID[Int(old)] {
                    Self.update(&moved, doc: new, value: column.values[Int(old)])
                }
            }
            result.numberNames.append(name)
            result.numberColumns.append(moved)
        }
        return result
    }
}
