import Foundation

extension InvertedIndex {
    /// Documents analysed per batch: about 30 postings each, so a batch's postings (a few MB) are
    /// appended term by term while the next batch is analysed.
    static let batchSize = 2048

    /// Adds documents in order, replacing earlier ones with the same key: the same index as calling
    /// `add` for each (same ids, same term ids, the same bytes in every posting list), built faster.
    ///
    /// Two stages run at once on a batch each: this thread analyses batch n (text, vocabulary, lengths)
    /// while another records batch n − 1's documents (keys, replacements, filters) and appends its
    /// postings, sorted by term so each list is written in one burst instead of a posting at a time
    /// across all lists. The stages share no state: the appending stage owns the posting lists and
    /// the per-key tables until the end, and analysis touches neither.
    public mutating func add(contentsOf documents: some Sequence<SearchDocument>) {
        // The appending stage takes the posting lists and the per-key tables for the duration.
        let appender = PostingAppender(postings: postings, fieldCount: schema.fields.count, keys: keys,
                                       idByKey: idByKey, live: live, facets: facetStore)
        var nextDoc = keys.count
        postings = []
        keys = []
        idByKey = [:]
        live = Bitset()
        facetStore = FacetStore()
        defer {
            postings = appender.postings
            keys = appender.keys
            idByKey = appender.idByKey
            live = appender.live
            facetStore = appender.facets
        }
        var iterator = documents.makeIterator()
        var pending: PostingBatch?
        let queue = DispatchQueue(label: "caravan.search.postings")
        let group = DispatchGroup()
        while true {
            // Start appending the batch analysed last, and analyse the next one meanwhile.
            if let ready = pending {
                queue.async(group: group) { appender.append(ready) }
                pending = nil
            }
            var batch = PostingBatch()
            while batch.documentCount < Self.batchSize, let document = iterator.next() {
                precondition(nextDoc < Int(DocID.exhausted), "document ids exhausted; compact() first")
                let doc = DocID(nextDoc)
                nextDoc += 1
                let docLengths = analyze(document, as: doc)
                batch.add(document, as: doc, lengths: docLengths, scratch: scratch)
            }
            batch.termCount = vocabulary.count
            group.wait()
            guard batch.documentCount > 0 else { break }
            pending = batch
        }
        group.wait()
    }
}

/// One batch's postings in document order, as the analysis stage records them.
struct PostingBatch: Sendable {
    /// One posting in 16 bytes, so sorting a batch's postings by term moves little memory.
    struct Posting: Sendable {
        var term: Int32
        /// Position of the document in `docs` and `lengths`.
        var document: Int32
        /// A byte per field; a frequency of 255 or more is kept in `largeFrequencies` instead.
        var frequencies: SIMD8<UInt8>
    }

    var postings: [Posting] = []
    /// Frequencies of postings with a field frequency over 254 (rare: a word repeated in one field).
    var largeFrequencies: [Int: SIMD8<UInt32>] = [:]
    var docs: [DocID] = []
    var lengths: [SIMD8<UInt32>] = []
    /// The documents themselves, for their keys and filter attributes (`InvertedIndex.record`).
    var sources: [SearchDocument] = []
    /// Vocabulary size once the batch was analysed: every term id in it is below.
    var termCount = 0

    var documentCount: Int { docs.count }

    mutating func add(_ document: SearchDocument, as doc: DocID, lengths docLengths: SIMD8<UInt32>,
                      scratch: DocumentScratch) {
        let position = Int32(docs.count)
        docs.append(doc)
        sources.append(document)
        lengths.append(docLengths)
        for slot in 0..<scratch.distinct.count {
            let frequencies = scratch.frequencies[slot]
            if frequencies.max() >= 255 { largeFrequencies[postings.count] = frequencies }
            postings.append(Posting(term: scratch.distinct[slot], document: position,
                                    frequencies: SIMD8(truncatingIfNeeded: frequencies)))
        }
    }

    /// The full frequencies of the posting at `index` (which is `posting`).
    @inline(__always)
    func frequencies(of posting: Posting, at index: Int) -> SIMD8<UInt32> {
        let small = SIMD8<UInt32>(truncatingIfNeeded: posting.frequencies)
        if largeFrequencies.isEmpty { return small }
        return largeFrequencies[index] ?? small
    }
}

/// The appending stage: owns the posting lists while a batch build runs (see `add(contentsOf:)`).
/// Used by one task at a time, ordered by the build's dispatch group, hence `@unchecked Sendable`.
final class PostingAppender: @unchecked Sendable {
    private(set) var postings: [PostingList]
    let fieldCount: Int
    private(set) var keys: [String]
    private(set) var idByKey: [String: DocID]
    private(set) var live: Bitset
    private(set) var facets: FacetStore
    private var starts: [Int32] = []
    private var order: [Int32] = []

    init(postings: [PostingList], fieldCount: Int, keys: [String], idByKey: [String: DocID], live: Bitset,
         facets: FacetStore) {
        self.postings = postings
        self.fieldCount = fieldCount
        self.keys = keys
        self.idByKey = idByKey
        self.live = live
        self.facets = facets
    }

    /// Records the batch's documents (keys, replacements, filters) in order, then appends its postings
    /// list by list; within a list in document order, as `add` would.
    func append(_ batch: PostingBatch) {
        for (position, document) in batch.sources.enumerated() {
            InvertedIndex.record(document, as: batch.docs[position], keys: &keys, idByKey: &idByKey, live: &live,
                                 facets: &facets)
        }
        while postings.count < batch.termCount { postings.append(PostingList(fieldCount: fieldCount)) }
        let count = batch.postings.count
        // Counting sort by term (stable, so each term's postings stay in document order): the order is
        // computed from the terms, then the postings are appended list by list.
        starts.removeAll(keepingCapacity: true)
        starts.append(contentsOf: repeatElement(0, count: batch.termCount + 1))
        order.removeAll(keepingCapacity: true)
        order.append(contentsOf: repeatElement(0, count: count))
        batch.postings.withUnsafeBufferPointer { batchPostings in
            starts.withUnsafeMutableBufferPointer { starts in
                for posting in batchPostings { starts[Int(posting.term) + 1] += 1 }
                for term in 0..<batch.termCount { starts[term + 1] += starts[term] }
                order.withUnsafeMutableBufferPointer { order in
                    for index in 0..<count {
                        let term = Int(batchPostings[index].term)
                        order[Int(starts[term])] = Int32(index)
                        starts[term] += 1
                    }
                }
            }
            batch.docs.withUnsafeBufferPointer { docs in
                batch.lengths.withUnsafeBufferPointer { lengths in
                    postings.withUnsafeMutableBufferPointer { lists in
                        for index in order {
                            let posting = batchPostings[Int(index)]
                            let position = Int(posting.document)
                            lists[Int(posting.term)].append(docs[position],
                                                            frequencies: batch.frequencies(of: posting, at: Int(index)),
                                                            lengths: lengths[position])
                        }
                    }
                }
            }
        }
    }
}
