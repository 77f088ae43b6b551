import Foundation

extension InvertedIndex {
    /// Documents analysed per batch: about 30 postings each, so a batch's postings (a few hundred KB) are
    /// appended term by term while the next batch is analysed. Small, because a call's first batch is
    /// analysed and its last one appended with the other stage idle: a few milliseconds per call at 512,
    /// four times that at the 2,048 it was.
    static let batchSize = 512

    /// Adds documents in order, replacing earlier ones with the same key: the same index as calling
    /// `add` for each (same ids, same term ids, the same bytes in every posting list), built faster.
    ///
    /// Two stages run at once on a batch each: this thread analyses batch n (text, vocabulary, lengths)
    /// while another records batch n − 1's documents (keys, replacements, filters) and appends its
    /// postings, sorted by term so each list is written in one burst instead of a posting at a time
    /// across all lists. The stages share nothing they write: the appending stage owns the posting lists
    /// and the per-key tables until the end, analysis touches neither, and both only read the documents.
    public mutating func add(contentsOf documents: some Sequence<SearchDocument>) {
        // Both stages read the documents from one array (an `Array` argument is not copied): the appending
        // stage reads keys and filters in place rather than from copies handed over with each batch, which
        // cost a retain of every document's parts on this thread and their release on the other.
        let documents = ContiguousArray(documents)
        documents.withUnsafeBufferPointer { add(shared: SharedDocuments(buffer: $0)) }
    }

    private mutating func add(shared documents: SharedDocuments) {
        // The appending stage takes the posting lists and the per-key tables for the duration.
        let appender = PostingAppender(postings: postings, fieldCount: schema.fields.count, keys: keys, live: live,
                                       facets: facetStore)
        postings = []
        keys = DocumentKeys()
        live = Bitset()
        facetStore = FacetStore()
        appender.reserve(documents.buffer.count)
        defer {
            postings = appender.postings
            keys = appender.keys
            live = appender.live
            facetStore = appender.facets
        }
        let firstDoc = appender.keys.count
        precondition(documents.buffer.count <= Int(DocID.exhausted) - firstDoc, "document ids exhausted; compact() first")
        var pending: PostingBatch?
        let queue = DispatchQueue(label: "caravan.search.postings")
        let group = DispatchGroup()
        var next = 0
        while true {
            // Start appending the batch analysed last, and analyse the next one meanwhile.
            if let ready = pending {
                queue.async(group: group) { appender.append(ready, from: documents) }
                pending = nil
            }
            var batch = PostingBatch(firstSource: next, firstDoc: DocID(firstDoc + next))
            let end = min(next + Self.batchSize, documents.buffer.count)
            while next < end {
                let docLengths = analyze(documents.buffer[next], as: DocID(firstDoc + next))
                batch.add(lengths: docLengths, scratch: scratch)
                next += 1
            }
            batch.termCount = vocabulary.count
            group.wait()
            guard batch.documentCount > 0 else { break }
            pending = batch
        }
        group.wait()
    }
}

/// The documents of one `add(contentsOf:)`, read by both stages and written by neither while it runs.
struct SharedDocuments: @unchecked Sendable {
    let buffer: UnsafeBufferPointer<SearchDocument>
}

/// One batch's postings in document order, as the analysis stage records them. Its documents are
/// consecutive, in the shared documents and in ids alike.
struct PostingBatch: Sendable {
    /// One posting in 16 bytes, so sorting a batch's postings by term moves little memory.
    struct Posting: Sendable {
        var term: Int32
        /// Position of the document in the batch (and in `lengths`).
        var document: Int32
        /// A byte per field; a frequency of 255 or more is kept in `largeFrequencies` instead.
        var frequencies: SIMD8<UInt8>
    }

    /// Where the batch's first document is in the shared documents, and its id.
    let firstSource: Int
    let firstDoc: DocID
    var postings: [Posting] = []
    /// Frequencies of postings with a field frequency over 254 (rare: a word repeated in one field).
    var largeFrequencies: [Int: SIMD8<UInt32>] = [:]
    var lengths: [SIMD8<UInt32>] = []
    /// Vocabulary size once the batch was analysed: every term id in it is below.
    var termCount = 0

    init(firstSource: Int, firstDoc: DocID) {
        self.firstSource = firstSource
        self.firstDoc = firstDoc
    }

    var documentCount: Int { lengths.count }

    mutating func add(lengths docLengths: SIMD8<UInt32>, scratch: DocumentScratch) {
        let position = Int32(lengths.count)
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
    private(set) var keys: DocumentKeys
    private(set) var live: Bitset
    private(set) var facets: FacetStore
    private var starts: [Int32] = []
    private var order: [Int32] = []

    init(postings: [PostingList], fieldCount: Int, keys: DocumentKeys, live: Bitset, facets: FacetStore) {
        self.postings = postings
        self.fieldCount = fieldCount
        self.keys = keys
        self.live = live
        self.facets = facets
    }

    /// Room for `count` more documents' keys (the tables are unique to the appender by now).
    func reserve(_ count: Int) { keys.reserve(count) }

    /// Records the batch's documents (keys, replacements, filters) in order, then appends its postings
    /// list by list; within a list in document order, as `add` would.
    func append(_ batch: PostingBatch, from documents: SharedDocuments) {
        for position in 0..<batch.documentCount {
            InvertedIndex.record(documents.buffer[batch.firstSource + position], keys: &keys, live: &live,
                                 facets: &facets)
        }
        while postings.count < batch.termCount { postings.append(PostingList(fieldCount: fieldCount)) }
        let count = batch.postings.count
        // Counting sort by term (stable, so each term's postings stay in document order): the order is
        // computed from the terms, then the postings are appended list by list.
        order.removeAll(keepingCapacity: true)
        if batch.termCount > count * 4 {
            // A vocabulary far larger than the batch: counting would clear more counters than it sorts.
            order.append(contentsOf: (0..<Int32(count)).sorted {
                (batch.postings[Int($0)].term, $0) < (batch.postings[Int($1)].term, $1)
            })
        } else {
            countingSort(batch, count: count)
        }
        batch.postings.withUnsafeBufferPointer { batchPostings in
            batch.lengths.withUnsafeBufferPointer { lengths in
                postings.withUnsafeMutableBufferPointer { lists in
                    for index in order {
                        let posting = batchPostings[Int(index)]
                        let position = Int(posting.document)
                        lists[Int(posting.term)].append(batch.firstDoc + DocID(position),
                                                        frequencies: batch.frequencies(of: posting, at: Int(index)),
                                                        lengths: lengths[position])
                    }
                }
            }
        }
    }

    /// `order` = the batch's posting indices sorted by term, stable.
    private func countingSort(_ batch: PostingBatch, count: Int) {
        starts.removeAll(keepingCapacity: true)
        starts.append(contentsOf: repeatElement(0, count: batch.termCount + 1))
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
        }
    }
}

