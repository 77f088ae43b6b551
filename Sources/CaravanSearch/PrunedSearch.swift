/// Top-k retrieval that skips what cannot reach the top k.
///
/// Both algorithms visit candidate documents in ascending id order, keep the best k in a `TopK`, and
/// compare upper bounds (per list: `maxScore`; per block: the block bound; per posting: the bound of its
/// field mask in its block) with the current threshold, so most documents are dropped before a single
/// frequency is decoded.
/// A document's final score is always summed in query-term order from `partial`, whatever order its terms
/// were found in, so it equals the exhaustive reference's score bit for bit.
struct PrunedSearch {
    let constants: BM25Constants
    let allowed: Bitset
    /// Score of each query term for the current document (0 where it does not occur).
    private var partial: [Double]
    private(set) var scoredDocuments = 0

    /// Documents per window of the OR search (a multiple of 64).
    let window: Int
    /// How the OR search probes a non-essential list: nil chooses by density; tests force each way.
    let probeDensely: Bool?

    init(constants: BM25Constants, allowed: Bitset, termCount: Int, window: Int = PrunedSearch.windowSize,
         probeDensely: Bool? = nil) {
        precondition(window > 0 && window % 64 == 0, "windows of whole 64-document words")
        self.constants = constants
        self.allowed = allowed
        self.window = window
        self.probeDensely = probeDensely
        partial = Array(repeating: 0, count: termCount)
    }

    /// The canonical sum, clearing `partial` for the next document.
    @inline(__always)
    private mutating func takeScore() -> Double {
        var sum = 0.0
        for index in partial.indices {
            sum += partial[index]
            partial[index] = 0
        }
        return sum
    }

    /// Documents per window of the OR search, by default: the candidate arrays stay in the L1/L2 cache.
    static let windowSize = 4096

    /// OR with MaxScore (Turtle & Flood), a window of `windowSize` documents at a time, as Lucene's
    /// MaxScore bulk scorer does: lists sorted by their best possible score; the weakest lists, whose
    /// bounds together cannot beat the threshold, are "non-essential" — they never propose candidates.
    /// Per window: (1) the essential lists' postings are collected into an array with their field-mask
    /// bounds (blocks that cannot reach the top k are passed undecoded); (2) each non-essential list,
    /// strongest first, is probed for the candidates still able to beat the threshold, in one pass over
    /// the array, adding its posting bound; (3) the few candidates left are scored exactly, through a
    /// second cursor per list, and offered to the top k in ascending document order. Each step is a tight
    /// loop over an array instead of a trip round the whole search per posting.
    mutating func disjunction(_ cursors: inout [PostingCursor], into top: inout TopK) {
        cursors.sort { $0.maxScore < $1.maxScore }
        var scorers = cursors.map { PostingCursor(sharing: $0) }
        // Through buffer pointers: the loops touch cursors per posting, and array access would check
        // uniqueness and bounds each time.
        cursors.withUnsafeMutableBufferPointer { cursors in
            scorers.withUnsafeMutableBufferPointer { scorers in
                disjunction(cursors, scorers: scorers, into: &top)
            }
        }
    }

    private mutating func disjunction(_ cursors: UnsafeMutableBufferPointer<PostingCursor>,
                                      scorers: UnsafeMutableBufferPointer<PostingCursor>, into top: inout TopK) {
        let count = cursors.count
        // prefix[i]: the most lists 0...i can add together.
        var prefix = [Double](repeating: 0, count: count)
        var running = 0.0
        for index in 0..<count {
            running += cursors[index].maxScore
            prefix[index] = running
        }
        let candidates = UnsafeMutablePointer<DocID>.allocate(capacity: window)
        let bounds = UnsafeMutablePointer<Double>.allocate(capacity: window)
        // Only with several essential lists: their postings gathered first, then merged through a dense
        // window of bound sums and a bit per document.
        let gathered = UnsafeMutablePointer<DocID>.allocate(capacity: window)
        let gatheredBounds = UnsafeMutablePointer<Double>.allocate(capacity: window)
        let sums = UnsafeMutablePointer<Double>.allocate(capacity: window)
        sums.initialize(repeating: 0, count: window)
        let present = UnsafeMutablePointer<UInt64>.allocate(capacity: window / 64)
        present.initialize(repeating: 0, count: window / 64)
        defer {
            candidates.deallocate()
            bounds.deallocate()
            gathered.deallocate()
            gatheredBounds.deallocate()
            sums.deallocate()
            present.deallocate()
        }
        var firstEssential = 0

        while firstEssential < count {
            var low = DocID.exhausted
            for index in firstEssential..<count { low = min(low, cursors[index].doc) }
            guard low != .exhausted else { break }
            let end = low < DocID.exhausted - DocID(window) ? low + DocID(window) : DocID.exhausted
            let threshold = top.threshold

            // What the non-essential lists can add in this window: a list whose next posting lies past it
            // adds nothing (every document before its cursor was already probed or skipped).
            var rest = 0.0
            for index in 0..<firstEssential where cursors[index].doc < end { rest += cursors[index].maxScore }
            // Past the window any of them may match again: what a block running past it is measured against.
            let restBeyond = firstEssential > 0 ? prefix[firstEssential - 1] : 0

            // (1) Candidates from the essential lists, ascending, each with its bound so far.
            var found = 0
            if firstEssential == count - 1 {
                cursors[firstEssential].collect(before: end, beating: threshold, rest: rest, restBeyond: restBeyond, allowed: allowed,
                                                into: candidates, bounds: bounds, count: &found)
            } else {
                for index in firstEssential..<count {
                    // A posting is kept if it and everything else that could match its document might
                    // beat the threshold; one that cannot leaves its document's sum short, which only
                    // prunes a document that could not make the top k anyway.
                    var others = rest
                    var othersBeyond = restBeyond
                    for other in firstEssential..<count where other != index {
                        others += cursors[other].maxScore
                        othersBeyond += cursors[other].maxScore
                    }
                    var gatheredCount = 0
                    cursors[index].collect(before: end, beating: threshold, rest: others, restBeyond: othersBeyond, allowed: allowed,
                                           into: gathered, bounds: gatheredBounds, count: &gatheredCount)
                    for position in 0..<gatheredCount {
                        let offset = Int(gathered[position] &- low)
                        sums[offset] += gatheredBounds[position]
                        present[offset >> 6] |= 1 << UInt64(offset & 63)
                    }
                }
                for word in 0..<(window / 64) {
                    var bits = present[word]
                    present[word] = 0
                    while bits != 0 {
                        let offset = word << 6 | bits.trailingZeroBitCount
                        candidates[found] = low &+ DocID(offset)
                        bounds[found] = sums[offset]
                        sums[offset] = 0
                        found &+= 1
                        bits &= bits &- 1
                    }
                }
            }

            // (2+3 at once) Candidates sparser than every non-essential list: each candidate is probed in
            // every list (strongest first) and, if it survives, scored at once through the same cursors,
            // which stand on it with their frequencies undecoded: no second cursor decodes those lists
            // again, and the threshold is the live one.
            var sparse = firstEssential > 0 && found > 0
            for index in 0..<firstEssential where sparse { sparse = !probesDensely(cursors[index].list, found: found) }
            if sparse {
                // Fixed for the window: the lists collected above are walked past it, whatever the
                // threshold does meanwhile.
                let nonEssential = firstEssential
                for position in 0..<found {
                    let doc = candidates[position]
                    var bound = bounds[position]
                    var index = nonEssential - 1
                    while index >= 0 {
                        if bound + prefix[index] <= top.threshold { break }
                        if cursors[index].doc < doc || cursors[index].pending { cursors[index].advance(to: doc) }
                        if cursors[index].doc == doc { bound += cursors[index].postingBound() }
                        index -= 1
                    }
                    if index >= 0 || bound <= top.threshold { continue }
                    for list in 0..<count {
                        if list < nonEssential {
                            if cursors[list].doc == doc {
                                partial[cursors[list].termIndex] = cursors[list].score(constants: constants)
                            }
                            continue
                        }
                        if scorers[list].doc < doc || scorers[list].pending { scorers[list].advance(to: doc) }
                        if scorers[list].doc == doc {
                            partial[scorers[list].termIndex] = scorers[list].score(constants: constants)
                        }
                    }
                    scoredDocuments += 1
                    if top.offer(score: takeScore(), doc: doc) {
                        let newThreshold = top.threshold
                        while firstEssential < count, prefix[firstEssential] <= newThreshold { firstEssential += 1 }
                    }
                }
                continue
            }

            // (2) The non-essential lists, strongest first: a candidate is dropped as soon as it and the
            // lists not yet probed cannot beat the threshold.
            var index = firstEssential - 1
            while index >= 0 && found > 0 {
                let withThis = prefix[index]
                let below = index > 0 ? prefix[index - 1] : 0
                var kept = 0
                // Candidates as dense as the list's postings: the list's postings in the window are
                // decoded in one go into a dense array of bounds (`sums`, all zero between uses), and a
                // candidate reads its own; sparser ones move the cursor to each candidate, which skips
                // the blocks between undecoded. Both add the same bound (0 where the list lacks it).
                if probesDensely(cursors[index].list, found: found) {
                    var listed = 0
                    cursors[index].skip(to: low)
                    cursors[index].collect(before: end, beating: -.infinity, rest: 0, restBeyond: 0, allowed: allowed,
                                           into: gathered, bounds: gatheredBounds, count: &listed)
                    for position in 0..<listed { sums[Int(gathered[position] &- low)] = gatheredBounds[position] }
                    for position in 0..<found {
                        let doc = candidates[position]
                        var bound = bounds[position]
                        if bound + withThis <= threshold { continue }
                        bound += sums[Int(doc &- low)]
                        if bound + below <= threshold { continue }
                        candidates[kept] = doc
                        bounds[kept] = bound
                        kept &+= 1
                    }
                    for position in 0..<listed { sums[Int(gathered[position] &- low)] = 0 }
                } else {
                    for position in 0..<found {
                        let doc = candidates[position]
                        var bound = bounds[position]
                        if bound + withThis <= threshold { continue }
                        // A list left `pending` by a skip only knows a lower bound of its next document.
                        if cursors[index].doc < doc || cursors[index].pending { cursors[index].advance(to: doc) }
                        if cursors[index].doc == doc { bound += cursors[index].postingBound() }
                        if bound + below <= threshold { continue }
                        candidates[kept] = doc
                        bounds[kept] = bound
                        kept &+= 1
                    }
                }
                found = kept
                index -= 1
            }

            // (3) Score what is left, summing in query-term order; the threshold may rise on the way.
            var raised = false
            for position in 0..<found {
                let doc = candidates[position]
                if bounds[position] <= top.threshold { continue }
                for list in 0..<count {
                    // Most lists are already at or past the document: no call then.
                    if scorers[list].doc < doc || scorers[list].pending { scorers[list].advance(to: doc) }
                    if scorers[list].doc == doc {
                        partial[scorers[list].termIndex] = scorers[list].score(constants: constants)
                    }
                }
                scoredDocuments += 1
                if top.offer(score: takeScore(), doc: doc) { raised = true }
            }
            if raised {
                let newThreshold = top.threshold
                while firstEssential < count, prefix[firstEssential] <= newThreshold { firstEssential += 1 }
            }
            // Every essential list is now at or past `end`; the non-essential ones catch up when probed.
        }
    }

    /// Whether `found` candidates in a window are as dense as `list`'s postings there (within a factor
    /// of 4), so decoding all its postings in the window costs less than moving a cursor to each.
    private func probesDensely(_ list: PostingList, found: Int) -> Bool {
        if let probeDensely { return probeDensely }
        return found * 4 >= list.count * window / max(allowed.words.count << 6, 1)
    }

    /// AND: the rarest list leads, the others are advanced to its document; before aligning, the block
    /// bounds of all lists at the candidate are summed, and if they cannot beat the threshold the lead
    /// jumps past the nearest block end (block-max skipping).
    mutating func conjunction(_ cursors: inout [PostingCursor], into top: inout TopK) {
        cursors.sort { $0.list.count < $1.list.count }
        cursors.withUnsafeMutableBufferPointer { conjunction($0, into: &top) }
    }

    private mutating func conjunction(_ cursors: UnsafeMutableBufferPointer<PostingCursor>, into top: inout TopK) {
        let count = cursors.count
        var doc = cursors[0].doc
        // The block bounds of all lists summed, valid for documents up to `blockEnd`: recomputed only
        // when the lead passes it, not per candidate.
        var blockBound = 0.0
        var blockEnd: DocID = 0
        var haveBlockBound = false

        candidates: while doc != .exhausted {
            guard allowed.contains(doc) else {
                cursors[0].next()
                doc = cursors[0].doc
                continue
            }
            if top.isFull {
                if !haveBlockBound || doc > blockEnd {
                    blockBound = 0
                    blockEnd = .exhausted
                    for index in 0..<count {
                        blockBound += cursors[index].bound(at: doc)
                        blockEnd = min(blockEnd, cursors[index].shallowBlockEnd)
                    }
                    haveBlockBound = true
                }
                if blockBound <= top.threshold {
                    guard blockEnd != .exhausted else { break }
                    cursors[0].advance(to: blockEnd + 1)
                    doc = cursors[0].doc
                    continue
                }
            }
            for index in 1..<count {
                cursors[index].advance(to: doc)
                if cursors[index].doc != doc {
                    cursors[0].advance(to: cursors[index].doc)
                    doc = cursors[0].doc
                    continue candidates
                }
            }
            // Every list has the document: bound it by field masks before reading any frequency.
            if top.isFull {
                var bound = 0.0
                for index in 0..<count { bound += cursors[index].postingBound() }
                if bound <= top.threshold {
                    cursors[0].next()
                    doc = cursors[0].doc
                    continue
                }
            }
            for index in 0..<count {
                partial[cursors[index].termIndex] = cursors[index].score(constants: constants)
            }
            scoredDocuments += 1
            top.offer(score: takeScore(), doc: doc)
            cursors[0].next()
            doc = cursors[0].doc
        }
    }
}
