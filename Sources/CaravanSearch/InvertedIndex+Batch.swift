import Foundation

extension InvertedIndex {
    /// Documents analysed per batch: about 30 postings each, so a batch's postings (a few MB) are
    /// appended term by term while the next batch is analysed.
    static let batchSize = 2048

    /// Adds documents in order, replacing earlier ones with the same key: the same index as calling
    /// `add` for each (same ids, same term ids, the same bytes in every posting list), built faster.
    ///
    /// Two stages run at once on a batch each: this thread analyses batch n (text, vocabulary, keys,
    /// filters) while another appends batch n − 1's postings, sorted by term so each list is written
    /// in one burst instead of a posting at a time across all lists. The stages share no state:
    /// analysis never touches `postings`, which the appending stage owns until the end.
    public mutating func add(contentsOf documents: some Sequence<SearchDocument>) {
        let appender = PostingAppender(postings: postings, fieldCount: schema.fields.count)
        postings = []
        defer { postings = appender.postings }
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
                let (doc, docLengths) = register(document)
                batch.add(doc, lengths: docLengths, scratch: scratch)
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
    var terms: [Int32] = []
    /// Position of each posting's document in `docs`.
    var documents: [Int32] = []
    var frequencies: [SIMD8<UInt32>] = []
    var docs: [DocID] = []
    var lengths: [SIMD8<UInt32>] = []
    /// Vocabulary size once the batch was analysed: every term id in it is below.
    var termCount = 0

    var documentCount: Int { docs.count }

    mutating func add(_ doc: DocID, lengths docLengths: SIMD8<UInt32>, scratch: DocumentScratch) {
        let position = Int32(docs.count)
        docs.append(doc)
        lengths.append(docLengths)
        for slot in 0..<scratch.distinct.count {
            terms.append(scratch.distinct[slot])
            documents.append(position)
            frequencies.append(scratch.frequencies[slot])
        }
    }
}

/// The appending stage: owns the posting lists while a batch build runs (see `add(contentsOf:)`).
/// Used by one task at a time, ordered by the build's dispatch group, hence `@unchecked Sendable`.
final class PostingAppender: @unchecked Sendable {
    private(set) var postings: [PostingList]
    let fieldCount: Int
    private var starts: [Int32] = []
    private var order: [Int32] = []

    init(postings: [PostingList], fieldCount: Int) {
        self.postings = postings
        self.fieldCount = fieldCount
    }

    /// Appends the batch's postings list by list; within a list in document order, as `add` would.
    func append(_ batch: PostingBatch) {
        while postings.count < batch.termCount { postings.append(PostingList(fieldCount: fieldCount)) }
        let count = batch.terms.count
        // Counting sort by term (stable, so each term's postings stay in document order).
        starts.removeAll(keepingCapacity: true)
        starts.append(contentsOf: repeatElement(0, count: batch.termCount + 1))
        order.removeAll(keepingCapacity: true)
        order.append(contentsOf: repeatElement(0, count: count))
        batch.terms.withUnsafeBufferPointer { terms in
            starts.withUnsafeMutableBufferPointer { starts in
                for term in terms { starts[Int(term) + 1] += 1 }
                for term in 0..<batch.termCount { starts[term + 1] += starts[term] }
                order.withUnsafeMutableBufferPointer { order in
                    for index in 0..<count {
                        let term = Int(terms[index])
                        order[Int(starts[term])] = Int32(index)
                        starts[term] += 1
                    }
                }
            }
        }
        postings.withUnsafeMutableBufferPointer { postings in
            for index in order {
                let posting = Int(index)
                let position = Int(batch.documents[posting])
                postings[Int(batch.terms[posting])].append(batch.docs[position], frequencies: batch.frequencies[posting],
                                                           lengths: batch.lengths[position])
            }
        }
    }
}
