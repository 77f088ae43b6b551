/// The index's terms, and the analysis shortcut that makes indexing fast.
///
/// `terms` numbers every distinct term (entry number = term id = position in the postings array).
/// `surfaces` remembers, for each Cyrillic or Latin word form seen, the term id the analyzer turned it
/// into (or −1 for a stop word): text repeats the same forms endlessly, so nearly every word of a new
/// document costs one hash lookup instead of a stop-word check and a Snowball run. The cache is exact —
/// a word's kind, stop-word status and stem depend on its folded scalars alone — and bounded.
struct IndexVocabulary: Sendable {
    var terms = ScalarTable()
    private(set) var surfaces = ScalarTable()
    private var folded = FoldedText()
    private var stemBuffer: Scalars = []

    /// Distinct word forms remembered at most (about 100 bytes each); later forms are stemmed every time.
    static let maximumSurfaces = 2_000_000

    var count: Int { terms.count }

    /// Appends the term ids of `text`'s terms, in text order, to `ids`; unknown terms get new ids.
    mutating func appendTermIDs(of text: String, analyzer: Analyzer, into ids: inout [Int32]) {
        var folded = self.folded
        self.folded = FoldedText()
        defer { self.folded = folded }
        folded.fold(text, trackUTF16: false)
        folded.scalars.withUnsafeBufferPointer { chars in
            analyzer.tokenizer.scanRanges(folded) { start, end, kind, canonical in
                let key = UnsafeBufferPointer(rebasing: chars[start..<end])
                switch kind {
                case .cyrillic, .latin:
                    let hash = ScalarTable.hash(key)
                    let known = surfaces.find(key, hash: hash)
                    if known >= 0 {
                        let id = surfaces.values[known]
                        if id >= 0 { ids.append(id) }
                        return
                    }
                    stemBuffer.removeAll(keepingCapacity: true)
                    stemBuffer.append(contentsOf: key)
                    var id: Int32 = -1
                    if analyzer.reduce(&stemBuffer, kind: kind) {
                        id = stemBuffer.withUnsafeBufferPointer { termID(inserting: $0) }
                        ids.append(id)
                    }
                    if surfaces.count < Self.maximumSurfaces { surfaces.insert(key, hash: hash, value: id) }
                case .protected:
                    ids.append(canonical!.withUnsafeBufferPointer { termID(inserting: $0) })
                case .number, .alphanumeric, .other:
                    ids.append(termID(inserting: key))
                }
            }
        }
    }

    @inline(__always)
    private mutating func termID(inserting term: UnsafeBufferPointer<UInt32>) -> Int32 {
        let hash = ScalarTable.hash(term)
        let known = terms.find(term, hash: hash)
        if known >= 0 { return Int32(known) }
        return Int32(terms.insert(term, hash: hash, value: 0))
    }

    /// The id of an analyzed term, if the index has it.
    func termID(of term: String) -> Int32? {
        let found = terms.find(term.scalarValues)
        return found >= 0 ? Int32(found) : nil
    }

    /// Forgets the word-form cache (term ids are about to change).
    mutating func resetSurfaces() { surfaces = ScalarTable() }

    var memoryFootprint: Int { terms.memoryFootprint + surfaces.memoryFootprint }
}
