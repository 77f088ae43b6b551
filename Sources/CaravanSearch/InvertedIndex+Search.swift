extension InvertedIndex {
    /// Distinct query terms beyond this are ignored: real queries have a handful, and a pasted 100 KB
    /// text would otherwise make every candidate document cost thousands of cursor steps.
    public static let maximumQueryTerms = 32

    /// The top `query.limit` live documents, scored with BM25, found with dynamic pruning: OR queries use
    /// MaxScore with block-max bounds, AND queries a block-max conjunction. Results are exactly those of
    /// `searchExhaustively` (same scores, same order), only cheaper to find.
    public func search(_ query: SearchQuery) -> SearchResult {
        search(query, window: PrunedSearch.windowSize)
    }

    /// `search` with OR windows of `window` documents (a multiple of 64), and the non-essential lists
    /// probed one way only if `probeDensely` says so: tests cross many windows on a small corpus, and
    /// take each path, with this.
    func search(_ query: SearchQuery, window: Int, probeDensely: Bool? = nil) -> SearchResult {
        guard let prepared = prepare(query) else { return .empty }
        var cursors = prepared.lists.enumerated().map { termIndex, list in
            PostingCursor(list: list, termIndex: termIndex, constants: prepared.constants)
        }
        var top = TopK(k: query.limit)
        var search = PrunedSearch(constants: prepared.constants, allowed: prepared.allowed, termCount: cursors.count,
                                  window: window, probeDensely: probeDensely)
        switch query.mode {
        case .any: search.disjunction(&cursors, into: &top)
        case .all: search.conjunction(&cursors, into: &top)
        }
        return result(top.sorted(), scored: search.scoredDocuments)
    }

    /// The same ranking computed by scoring every posting of every query term: the reference the pruned
    /// search is tested (and benchmarked) against. It reads lengths from the per-document norm table,
    /// where the pruned search reads the copies stored in the postings, so the two agreeing checks those too.
    public func searchExhaustively(_ query: SearchQuery) -> SearchResult {
        guard let prepared = prepare(query) else { return .empty }
        let fieldCount = schema.fields.count
        var scores = [Double](repeating: 0, count: documentCount)
        var matched = [UInt8](repeating: 0, count: documentCount)
        var postingsScored = 0
        let docs = UnsafeMutablePointer<DocID>.allocate(capacity: PostingList.blockSize)
        let masks = UnsafeMutablePointer<UInt8>.allocate(capacity: PostingList.blockSize)
        let frequencies = UnsafeMutablePointer<UInt32>.allocate(capacity: PostingList.blockSize * fieldCount)
        defer { docs.deallocate(); masks.deallocate(); frequencies.deallocate() }
        norms.withUnsafeBufferPointer { normTable in
            // Term by term in query order: the same order the pruned search sums in, so scores are equal
            // to the last bit and ties break identically.
            for list in prepared.lists {
                let weights = prepared.constants.termWeights(documentFrequency: list.fieldDocumentFrequency)
                for block in 0..<list.blockCount {
                    let count = list.decode(block: block, docs: docs, masks: masks, frequencies: frequencies)
                    for index in 0..<count where prepared.allowed.contains(docs[index]) {
                        let doc = Int(docs[index])
                        scores[doc] += prepared.constants.score(
                            mask: masks[index], frequencies: frequencies + index * fieldCount,
                            norms: normTable.baseAddress! + doc * fieldCount, weights: weights)
                        matched[doc] += 1
                        postingsScored += 1
                    }
                }
            }
        }
        let needed = query.mode == .all ? UInt8(prepared.lists.count) : 1
        var entries: [TopK.Entry] = []
        for doc in matched.indices where matched[doc] >= needed {
            entries.append(TopK.Entry(score: scores[doc], doc: DocID(doc)))
        }
        entries.sort { TopK.ranksBelow($1, $0) }
        return result(Array(entries.prefix(max(0, query.limit))), scored: postingsScored)
    }

    private func result(_ entries: [TopK.Entry], scored: Int) -> SearchResult {
        SearchResult(
            hits: entries.map { SearchHit(key: keys[$0.doc], doc: $0.doc, score: $0.score) },
            scoredDocuments: scored
        )
    }

    /// Query text → posting lists in query order, BM25 constants and the documents allowed to match.
    /// Nil when nothing can match: no known terms, an AND with an unknown term, or a zero limit.
    private func prepare(_ query: SearchQuery) -> PreparedQuery? {
        guard query.limit > 0, liveDocumentCount > 0 else { return nil }
        var seen = Set<String>()
        var lists: [PostingList] = []
        for term in analyzer.terms(query.text) where seen.insert(term).inserted {
            if let termID = vocabulary.termID(of: term) {
                lists.append(postings[Int(termID)])
            } else if query.mode == .all {
                return nil
            }
            if seen.count == Self.maximumQueryTerms { break }
        }
        guard !lists.isEmpty else { return nil }
        var allowed = live
        if let filter = query.filter {
            allowed.formIntersection(facetStore.evaluate(filter, capacity: documentCount))
        }
        let constants = BM25Constants(schema: schema, documentCount: documentCount, totalLengths: totalLengths)
        return PreparedQuery(lists: lists, constants: constants, allowed: allowed)
    }
}

struct PreparedQuery {
    var lists: [PostingList]
    var constants: BM25Constants
    var allowed: Bitset
}

extension InvertedIndex {
    /// The live documents that pass `filter` (all live ones without a filter), newest first, at most `limit`:
    /// browsing without words. Set operations only; nothing is scored.
    public func browse(_ filter: SearchFilter?, limit: Int) -> (keys: [String], total: Int) {
        var allowed = live
        if let filter { allowed.formIntersection(facetStore.evaluate(filter, capacity: documentCount)) }
        var docs: [DocID] = []
        allowed.forEach { docs.append($0) }
        return (docs.reversed().prefix(max(0, limit)).map { keys[$0] }, docs.count)
    }

    /// How many live documents a query would match before the top-k cut (for "N results").
    public func count(_ query: SearchQuery) -> Int {
        guard let prepared = prepare(query) else { return 0 }
        var matched = Bitset(capacity: documentCount)
        var perDocument: [DocID: Int] = [:]
        let docs = UnsafeMutablePointer<DocID>.allocate(capacity: PostingList.blockSize)
        let masks = UnsafeMutablePointer<UInt8>.allocate(capacity: PostingList.blockSize)
        let frequencies = UnsafeMutablePointer<UInt32>.allocate(capacity: PostingList.blockSize * schema.fields.count)
        defer { docs.deallocate(); masks.deallocate(); frequencies.deallocate() }
        for list in prepared.lists {
            for block in 0..<list.blockCount {
                let count = list.decode(block: block, docs: docs, masks: masks, frequencies: frequencies)
                for index in 0..<count where prepared.allowed.contains(docs[index]) {
                    if query.mode == .all { perDocument[docs[index], default: 0] += 1 } else { matched.insert(docs[index]) }
                }
            }
        }
        if query.mode == .all { return perDocument.values.filter { $0 == prepared.lists.count }.count }
        return matched.count
    }
}
