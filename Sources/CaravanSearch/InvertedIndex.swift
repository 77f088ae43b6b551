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

    /// Term ids (dense, = index into `postings`) and the indexing word-form cache.
    private(set) var vocabulary = IndexVocabulary()
    var postings: [PostingList] = []
    /// `fieldCount` lengths (in terms) per document id.
    private(set) var lengths = ContiguousArray<UInt32>()
    /// The same lengths as field-norm codes (`FieldNorm`), one byte each: what scoring reads.
    private(set) var norms = ContiguousArray<UInt8>()
    private(set) var totalLengths: [UInt64]
    /// The caller's key of every id, and the live ones by key.
    var keys = DocumentKeys()
    /// Documents not deleted.
    var live = Bitset()
    var facetStore = FacetStore()
    /// Reused per document while adding, so counting a document's terms allocates nothing.
    private(set) var scratch = DocumentScratch()

    public init(schema: IndexSchema = .profile, analyzer: Analyzer = Analyzer()) {
        self.schema = schema
        self.analyzer = analyzer
        totalLengths = Array(repeating: 0, count: schema.fields.count)
    }

    /// Ids handed out so far, deleted ones included: the BM25 document count and the bitset capacity.
    public var documentCount: Int { keys.count }
    /// Documents a search can return.
    public var liveDocumentCount: Int { keys.liveCount }
    public var termCount: Int { vocabulary.count }

    public func contains(key: String) -> Bool { keys.doc(for: key) != nil }
    public func docID(for key: String) -> DocID? { keys.doc(for: key) }
    public func key(of doc: DocID) -> String { keys[doc] }

    /// Adds a document, or replaces the one with the same key. Returns its (new) id.
    @discardableResult
    public mutating func add(_ document: SearchDocument) -> DocID {
        let (doc, docLengths) = register(document)
        if postings.count < vocabulary.count {
            while postings.count < vocabulary.count { postings.append(PostingList(fieldCount: schema.fields.count)) }
        }
        // Through a buffer pointer: one uniqueness check for the whole document, not one per term.
        postings.withUnsafeMutableBufferPointer { postings in
            for slot in 0..<scratch.distinct.count {
                postings[Int(scratch.distinct[slot])].append(doc, frequencies: scratch.frequencies[slot],
                                                             lengths: docLengths)
            }
        }
        return doc
    }

    /// Everything of adding a document but its postings: the old version deleted, an id, the text
    /// analysed into `scratch` (distinct terms and their field frequencies), lengths, key and filters.
    /// Returns the id and the field-norm codes.
    mutating func register(_ document: SearchDocument) -> (DocID, SIMD8<UInt32>) {
        precondition(keys.count < Int(DocID.exhausted), "document ids exhausted; compact() first")
        let doc = DocID(keys.count)
        let docLengths = analyze(document, as: doc)
        Self.record(document, keys: &keys, live: &live, facets: &facetStore)
        return (doc, docLengths)
    }

    /// The text part of adding a document: its fields analysed into `scratch` (distinct terms, first
    /// seen first, and their frequency per field) and its lengths recorded. Touches nothing that
    /// `record` or the posting lists hold, so the bulk build runs it beside them. Returns the field-norm
    /// codes of the lengths, which the postings take.
    mutating func analyze(_ document: SearchDocument, as doc: DocID) -> SIMD8<UInt32> {
        scratch.begin(doc)
        var docLengths = SIMD8<UInt32>()
        // In the document's order (by field name), so a document's term ids do not depend on the schema.
        for text in document.texts where !text.value.isEmpty {
            guard let field = schema.fieldNumber(of: text.name) else { continue }
            scratch.ids.removeAll(keepingCapacity: true)
            vocabulary.appendTermIDs(of: text.value, analyzer: analyzer, into: &scratch.ids)
            docLengths[field] &+= UInt32(clamping: scratch.ids.count)
            scratch.countField(field, termCount: vocabulary.count)
        }
        // Postings keep each block's shortest length as scoring sees it: the smallest field-norm code.
        var normCodes = SIMD8<UInt32>()
        for field in 0..<schema.fields.count {
            lengths.append(docLengths[field])
            totalLengths[field] += UInt64(docLengths[field])
            let code = FieldNorm.encode(docLengths[field])
            norms.append(code)
            normCodes[field] = UInt32(code)
        }
        return normCodes
    }

    /// The bookkeeping part of adding a document: the key given the next id (an older version with it
    /// deleted), the live bit, the filters.
    static func record(_ document: SearchDocument, keys: inout DocumentKeys, live: inout Bitset,
                       facets: inout FacetStore) {
        let (doc, replaced) = keys.append(document.key)
        if let replaced { live.remove(replaced) }
        live.insert(doc)
        facets.add(doc, facets: document.facets, numbers: document.numbers)
    }

    /// An index of `documents`, built in one go: the same index as adding them one by one (later
    /// duplicates of a key replace earlier ones), with the per-document tables sized up front.
    public static func build(documents: some Collection<SearchDocument>, schema: IndexSchema = .profile,
                             analyzer: Analyzer = Analyzer()) -> InvertedIndex {
        var index = InvertedIndex(schema: schema, analyzer: analyzer)
        index.keys.reserve(documents.count)
        index.lengths.reserveCapacity(documents.count * schema.fields.count)
        index.norms.reserveCapacity(documents.count * schema.fields.count)
        index.add(contentsOf: documents)
        return index
    }

    /// Same as `add`: replacing is deleting the old version and appending the new one.
    @discardableResult
    public mutating func update(_ document: SearchDocument) -> DocID { add(document) }

    /// Removes the document with `key` from every later search. Returns whether there was one.
    @discardableResult
    public mutating func remove(key: String) -> Bool {
        guard let doc = keys.remove(key) else { return false }
        live.remove(doc)
        return true
    }

    /// A facet's values and a numeric attribute of a live document, for showing why it passed a filter.
    public func facetValues(_ name: String, of key: String) -> [String] {
        keys.doc(for: key).map { facetStore.facetValues(name, of: $0) } ?? []
    }

    public func number(_ name: String, of key: String) -> Int64? {
        keys.doc(for: key).flatMap { facetStore.number(name, of: $0) }
    }

    /// Approximate heap bytes of postings, lengths, the live set, vocabulary and key table (not the key
    /// strings themselves), for the benchmark's memory report.
    public var memoryFootprint: Int {
        postings.reduce(0) { $0 + $1.memoryFootprint } + lengths.capacity * 4 + norms.capacity + live.words.capacity * 8
            + vocabulary.memoryFootprint + keys.memoryFootprint
    }

    /// Drops deleted documents for good: postings, lengths, filters and keys are rebuilt without them and
    /// the remaining documents renumbered in their old order (so ties still break the same way). O(index
    /// size); run it when deletes have piled up, not after each one.
    public mutating func compact() {
        var newID = [DocID?](repeating: nil, count: keys.count)
        var next: DocID = 0
        for old in 0..<keys.count where live.contains(DocID(old)) {
            newID[old] = next
            next += 1
        }
        rebuild(renumbering: newID, liveCount: Int(next))
    }

    private mutating func rebuild(renumbering newID: [DocID?], liveCount: Int) {
        let fieldCount = schema.fields.count
        var newLengths = ContiguousArray<UInt32>()
        newLengths.reserveCapacity(liveCount * fieldCount)
        var newNorms = ContiguousArray<UInt8>()
        newNorms.reserveCapacity(liveCount * fieldCount)
        var newTotals = Array(repeating: UInt64(0), count: fieldCount)
        var newKeys: [String] = []
        newKeys.reserveCapacity(liveCount)
        for old in 0..<keys.count where newID[old] != nil {
            for field in 0..<fieldCount {
                let length = lengths[old * fieldCount + field]
                newLengths.append(length)
                newNorms.append(norms[old * fieldCount + field])
                newTotals[field] += UInt64(length)
            }
            newKeys.append(keys[DocID(old)])
        }

        var newVocabulary = IndexVocabulary()
        var newPostings: [PostingList] = []
        let docs = UnsafeMutablePointer<DocID>.allocate(capacity: PostingList.blockSize)
        let masks = UnsafeMutablePointer<UInt8>.allocate(capacity: PostingList.blockSize)
        let frequencies = UnsafeMutablePointer<UInt32>.allocate(capacity: PostingList.blockSize * fieldCount)
        defer { docs.deallocate(); masks.deallocate(); frequencies.deallocate() }
        for termID in 0..<vocabulary.count {
            let list = postings[termID]
            var moved = PostingList(fieldCount: fieldCount)
            for block in 0..<list.blockCount {
                let count = list.decode(block: block, docs: docs, masks: masks, frequencies: frequencies)
                for index in 0..<count {
                    guard let doc = newID[Int(docs[index])] else { continue }
                    var tf = SIMD8<UInt32>()
                    var length = SIMD8<UInt32>()
                    for field in 0..<fieldCount {
                        tf[field] = frequencies[index * fieldCount + field]
                        length[field] = UInt32(newNorms[Int(doc) * fieldCount + field])
                    }
                    moved.append(doc, frequencies: tf, lengths: length)
                }
            }
            guard moved.count > 0 else { continue }
            moved.shrinkToFit()
            vocabulary.terms.withKey(at: termID) { newVocabulary.terms.insert($0, hash: ScalarTable.hash($0), value: 0) }
            newPostings.append(moved)
        }

        vocabulary = newVocabulary
        scratch = DocumentScratch()
        postings = newPostings
        lengths = newLengths
        norms = newNorms
        totalLengths = newTotals
        facetStore = facetStore.remapped(newID)
        keys = DocumentKeys(allLive: newKeys)
        live = Bitset(capacity: liveCount, filled: true)
    }
}

/// Per-document term counting without a dictionary: a stamp per term id says whether the term was
/// already seen in the current document, and where its row of field frequencies is.
struct DocumentScratch: Sendable {
    /// The current field's term ids, in text order.
    var ids: [Int32] = []
    /// The document's distinct term ids, first-seen order, and their per-field frequencies.
    private(set) var distinct: [Int32] = []
    private(set) var frequencies: [SIMD8<UInt32>] = []
    private var stamp = ContiguousArray<UInt32>()
    private var slot = ContiguousArray<Int32>()
    private var current: UInt32 = 0

    mutating func begin(_ doc: DocID) {
        distinct.removeAll(keepingCapacity: true)
        frequencies.removeAll(keepingCapacity: true)
        // Stamps are doc + 1, so a fresh (zeroed) stamp never matches.
        current = doc &+ 1
    }

    mutating func countField(_ field: Int, termCount: Int) {
        if stamp.count < termCount {
            let grown = max(termCount, stamp.count * 2)
            stamp.append(contentsOf: repeatElement(0, count: grown - stamp.count))
            slot.append(contentsOf: repeatElement(0, count: grown - slot.count))
        }
        for id in ids {
            let term = Int(id)
            if stamp[term] != current {
                stamp[term] = current
                slot[term] = Int32(distinct.count)
                distinct.append(id)
                frequencies.append(SIMD8())
            }
            frequencies[Int(slot[term])][field] &+= 1
        }
    }
}
