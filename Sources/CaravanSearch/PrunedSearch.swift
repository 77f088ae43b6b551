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

    init(constants: BM25Constants, allowed: Bitset, termCount: Int) {
        self.constants = constants
        self.allowed = allowed
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

    /// OR with MaxScore (Turtle & Flood): lists sorted by their best possible score; the weakest lists,
    /// whose bounds together cannot beat the threshold, are "non-essential" — they never propose
    /// candidates, and are only probed (after a block-bound check) for documents the others found.
    mutating func disjunction(_ cursors: inout [PostingCursor], into top: inout TopK) {
        cursors.sort { $0.maxScore < $1.maxScore }
        // Through a buffer pointer: the loop touches cursors per posting, and array access would check
        // uniqueness and bounds each time.
        cursors.withUnsafeMutableBufferPointer { disjunction($0, into: &top) }
    }

    private mutating func disjunction(_ cursors: UnsafeMutableBufferPointer<PostingCursor>, into top: inout TopK) {
        let count = cursors.count
        // prefix[i]: the most lists 0...i can add together.
        var prefix = [Double](repeating: 0, count: count)
        var running = 0.0
        for index in 0..<count {
            running += cursors[index].maxScore
            prefix[index] = running
        }
        var firstEssential = 0

        while firstEssential < count {
            let nonEssential = firstEssential > 0 ? prefix[firstEssential - 1] : 0
            // One essential list (the usual case once the top k fills): it finds its next posting that can
            // beat the threshold, by block and field-mask bounds only. The non-essential lists have no
            // posting before their cursors, so up to the nearest one a posting must beat it alone.
            let single = top.isFull && firstEssential == count - 1
            if single {
                var restFreeBelow = DocID.exhausted
                for index in 0..<firstEssential { restFreeBelow = min(restFreeBelow, cursors[index].doc) }
                cursors[firstEssential].seek(beating: top.threshold, rest: nonEssential, restFreeBelow: restFreeBelow)
                // Past that point, bring every lagging non-essential list up to the candidate (the only
                // list proposing candidates is this one), so the next seek knows where their postings are.
                let candidate = cursors[firstEssential].doc
                if candidate != .exhausted && candidate >= restFreeBelow {
                    for index in 0..<firstEssential where cursors[index].doc < candidate {
                        cursors[index].advance(to: candidate)
                    }
                }
            }

            // The next candidate: the lowest document an essential list may hold (a skipped, undecoded
            // cursor reports the lowest it can be).
            var doc = DocID.exhausted
            for index in firstEssential..<count { doc = min(doc, cursors[index].doc) }
            guard doc != .exhausted else { break }

            // Block-max skip: up to `rangeEnd`, only the essential lists at `doc` can have postings, none
            // past their current block, and each scores at most its block bound; if that and every
            // non-essential list together cannot beat the threshold, the whole range is skipped without
            // decoding a block.
            if top.isFull && !single {
                var bound = nonEssential
                var rangeEnd = DocID.exhausted
                for index in firstEssential..<count {
                    if cursors[index].doc == doc {
                        bound += cursors[index].bound(at: doc)
                        rangeEnd = min(rangeEnd, cursors[index].shallowBlockEnd)
                    } else {
                        rangeEnd = min(rangeEnd, cursors[index].doc - 1)
                    }
                }
                if bound <= top.threshold {
                    guard rangeEnd != .exhausted else { break }
                    for index in firstEssential..<count { cursors[index].skip(to: rangeEnd + 1) }
                    continue
                }
            }

            // Decode the lists a skip left undecoded at `doc`; their real next document may lie further on.
            var moved = false
            for index in firstEssential..<count where cursors[index].pending && cursors[index].doc == doc {
                cursors[index].materialize()
                moved = moved || cursors[index].doc != doc
            }
            if moved { continue }

            guard allowed.contains(doc) else {
                for index in firstEssential..<count where cursors[index].doc == doc { cursors[index].next() }
                continue
            }

            // Bound the document before scoring anything: each list at `doc` adds at most its posting
            // bound (from the field mask alone, no frequency read), each non-essential list is probed
            // (strongest first) only while the lists not yet probed could still lift the document over
            // the threshold. A document with a common term only in its summary is dropped here.
            let threshold = top.threshold
            var bound = 0.0
            for index in firstEssential..<count where cursors[index].doc == doc {
                bound += cursors[index].postingBound()
            }
            var pruned = false
            var index = firstEssential - 1
            while index >= 0 {
                let others = index > 0 ? prefix[index - 1] : 0
                if bound + prefix[index] <= threshold || bound + others + cursors[index].bound(at: doc) <= threshold {
                    pruned = true
                    break
                }
                cursors[index].advance(to: doc)
                if cursors[index].doc == doc { bound += cursors[index].postingBound() }
                index -= 1
            }
            if pruned || bound <= threshold {
                for index in firstEssential..<count where cursors[index].doc == doc { cursors[index].next() }
                continue
            }

            // Every list is now at or past `doc`: score it, summing in query-term order.
            for index in 0..<count where cursors[index].doc == doc {
                partial[cursors[index].termIndex] = cursors[index].score(constants: constants)
                if index >= firstEssential { cursors[index].next() }
            }
            scoredDocuments += 1
            if top.offer(score: takeScore(), doc: doc) {
                let newThreshold = top.threshold
                while firstEssential < count, prefix[firstEssential] <= newThreshold { firstEssential += 1 }
            }
        }
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
