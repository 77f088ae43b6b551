/// An in-memory inverted index over the fields of an `IndexSchema`, scored with BM25.
///
/// Layout, chosen for a million profiles: one `PostingList` (packed bytes) per term, document lengths in one
/// flat array (`fieldCount` per document), filters as bitsets, and the caller's keys in a plain array by
/// dense document id. No object per document or per posting.
///
/// Changes need no rebuild. A new document takes the next id and is appended to its terms' lists; a
/// deleted one is cleared from the `live` bitset (a tombstone) and skipped by every search; an update is a
/// delete plus an append. Deleted documents still count in the BM25 statistics (as in Lucene) until
/// `compact()` drops them and renumbers the rest.
public struct InvertedIndex: Sendable {
    public let schema: IndexSchema
    public let analyzer: Analyzer

    private(set) var termIDs: [String: Int32] = [:]
    private(set) var postings: [PostingList] = []
    /// `fieldCount` lengths (in terms) per document id.
    private(set) var lengths = ContiguousArray<UInt32>()
    private(set) var totalLengths: [UInt64]
    private(set) var keys: [String] = []
    private(set) var idByKey: [String: DocID] = [:]
    /// Documents not deleted.
    private(set) var live = Bitset()
    private(set) var facetStore = FacetStore()

    public init(schema: IndexSchema = .profile, analyzer: Analyzer = Analyzer()) {
        self.schema = schema
        self.analyzer = analyzer
        totalLengths = Array(repeating: 0, count: schema.fields.count)
    }

    /// Ids handed out so far, deleted ones included: the BM25 document count and the bitset capacity.
    public var documentCount: Int { keys.count }
    /// Documents a search can return.
    public var liveDocumentCount: Int { idByKey.count }
    public var termCount: Int { termIDs.count }

    public func contains(key: String) -> Bool { idByKey[key] != nil }
    public func docID(for key: String) -> DocID? { idByKey[key] }
    public func key(of doc: DocID) -> String { keys[Int(doc)] }

    /// Adds a document, or replaces the one with the same key. Returns its (new) id.
    @discardableResult
    public mutating func add(_ document: SearchDocument) -> DocID {
        remove(key: document.key)
        precondition(keys.count < Int(DocID.exhausted), "document ids exhausted; compact() first")
        let doc = DocID(keys.count)
        let fieldCount = schema.fields.count

        // Per distinct term of this document: its frequency in each field.
        var slotByTerm: [String: Int] = [:]
        var frequencies: [SIMD8<UInt32>] = []
        var docLengths = SIMD8<UInt32>()
        for (field, spec) in schema.fields.enumerated() {
            guard let text = document.fields[spec.name], !text.isEmpty else { continue }
            let terms = analyzer.terms(text)
            docLengths[field] = UInt32(clamping: terms.count)
            for term in terms {
                let slot: Int
                if let known = slotByTerm[term] {
                    slot = known
                } else {
                    slot = frequencies.count
                    slotByTerm[term] = slot
                    frequencies.append(SIMD8())
                }
                frequencies[slot][field] &+= 1
            }
        }

        for (term, slot) in slotByTerm {
            let termID: Int
            if let known = termIDs[term] {
                termID = Int(known)
            } else {
                termID = postings.count
                termIDs[term] = Int32(termID)
                postings.append(PostingList(fieldCount: fieldCount))
            }
            postings[termID].append(doc, frequencies: frequencies[slot], lengths: docLengths)
        }
        for field in 0..<fieldCount {
            lengths.append(docLengths[field])
            totalLengths[field] += UInt64(docLengths[field])
        }
        keys.append(document.key)
        idByKey[document.key] = doc
        live.insert(doc)
        facetStore.add(doc, facets: document.facets, numbers: document.numbers)
        return doc
    }

    /// Same as `add`: replacing is deleting the old version and appending the new one.
    @discardableResult
    public mutating func update(_ document: SearchDocument) -> DocID { add(document) }

    /// Removes the document with `key` from every later search. Returns whether there was one.
    @discardableResult
    public mutating func remove(key: String) -> Bool {
        guard let doc = idByKey.removeValue(forKey: key) else { return false }
        live.remove(doc)
        return true
    }

    /// A facet's values and a numeric attribute of a live document, for showing why it passed a filter.
    public func facetValues(_ name: String, of key: String) -> [String] {
        idByKey[key].map { facetStore.facetValues(name, of: $0) } ?? []
    }

    public func number(_ name: String, of key: String) -> Int64? {
        idByKey[key].flatMap { facetStore.number(name, of: $0) }
    }

    /// Approximate heap bytes of postings, lengths and filters, for the benchmark's memory report.
    public var memoryFootprint: Int {
        postings.reduce(0) { $0 + $1.memoryFootprint } + lengths.capacity * 4 + live.words.capacity * 8
    }

    /// Drops deleted documents for good: postings, lengths, filters and keys are rebuilt without them and
    /// the remaining documents renumbered in their old order (so ties still break the same way). O(index
    /// size); run it when deletes have piled up, not after each one.
    public mutating func compact() {
        var newID = [DocID?](repeating: nil, count: keys.count)
        var next: DocID = 0
        for old in keys.indices where live.contains(DocID(old)) {
            newID[old] = next
            next += 1
        }
        rebuild(renumbering: newID, liveCount: Int(next))
    }

    private mutating func rebuild(renumbering newID: [DocID?], liveCount: Int) {
        let fieldCount = schema.fields.count
        var newLengths = ContiguousArray<UInt32>()
        newLengths.reserveCapacity(liveCount * fieldCount)
        var newTotals = Array(repeating: UInt64(0), count: fieldCount)
        var newKeys: [String] = []
        newKeys.reserveCapacity(liveCount)
        for old in keys.indices where newID[old] != nil {
            for field in 0..<fieldCount {
                let length = lengths[old * fieldCount + field]
                newLengths.append(length)
                newTotals[field] += UInt64(length)
            }
            newKeys.append(keys[old])
        }

        var newTermIDs: [String: Int32] = [:]
        var newPostings: [PostingList] = []
        let docs = UnsafeMutablePointer<DocID>.allocate(capacity: PostingList.blockSize)
        let masks = UnsafeMutablePointer<UInt8>.allocate(capacity: PostingList.blockSize)
        let frequencies = UnsafeMutablePointer<UInt32>.allocate(capacity: PostingList.blockSize * fieldCount)
        defer { docs.deallocate(); masks.deallocate(); frequencies.deallocate() }
        for (term, termID) in termIDs {
            let list = postings[Int(termID)]
            var moved = PostingList(fieldCount: fieldCount)
            for block in 0..<list.blockCount {
                let count = list.decode(block: block, docs: docs, masks: masks, frequencies: frequencies)
                for index in 0..<count {
                    guard let doc = newID[Int(docs[index])] else { continue }
                    var tf = SIMD8<UInt32>()
                    var length = SIMD8<UInt32>()
                    for field in 0..<fieldCount {
                        tf[field] = frequencies[index * fieldCount + field]
                        length[field] = newLengths[Int(doc) * fieldCount + field]
                    }
                    moved.append(doc, frequencies: tf, lengths: length)
                }
            }
            guard moved.count > 0 else { continue }
            moved.shrinkToFit()
            newTermIDs[term] = Int32(newPostings.count)
            newPostings.append(moved)
        }

        termIDs = newTermIDs
        postings = newPostings
        lengths = newLengths
        totalLengths = newTotals
        facetStore = facetStore.remapped(newID)
        keys = newKeys
        idByKey = Dictionary(uniqueKeysWithValues: newKeys.enumerated().map { ($1, DocID($0)) })
        live = Bitset(capacity: liveCount, filled: true)
    }
}
