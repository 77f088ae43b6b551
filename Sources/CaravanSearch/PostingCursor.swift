/// Walks one term's posting list for one query, a decoded block at a time, and knows the score bound of
/// every block so the search can skip blocks (and whole lists) that cannot reach the top k.
///
/// The buffers are allocated once per cursor, so moving through postings allocates nothing.
struct PostingCursor {
    let list: PostingList
    /// Position of the term in the query, which fixes the order scores are summed in (see `TopK`).
    let termIndex: Int
    let weights: SIMD8<Double>
    /// Per block and field (`fieldCount` per block): the most that field can add to a posting of the block.
    let fieldBounds: ContiguousArray<Double>
    /// Score bound per block: the best of its field masks that occur, from `fieldBounds`.
    let blockBounds: ContiguousArray<Double>
    /// The highest block bound: no posting of this term scores more.
    let maxScore: Double

    /// The current posting's document; while `pending`, only a lower bound of it.
    private(set) var doc: DocID = .exhausted
    /// The cursor was moved into `block` without decoding it (see `skip(to:)`); `doc` is the target.
    private(set) var pending = false
    private var block = -1
    private var index = 0
    private var postingsInBlock = 0
    /// How far the current block is decoded: postings before `decoding.decoded` are in `docs` and
    /// `masks`, and `index` is always among them. Blocks are decoded only as far as the cursor looks.
    private var decoding = PostingList.BlockPosition(offset: 0, lastDoc: 0)
    /// Frequencies are decoded lazily, only for the postings scored: the block they belong to, how many
    /// rows of it were consumed (the last one is in `frequencies` and `codes`), and where the next row
    /// starts in `frequencyBytes` and in `normBytes`.
    private var frequencyBlock = -1
    private var frequencyRows = 0
    private var frequencyOffset = 0
    private var normOffset = 0
    /// Block the last `bound(at:)` looked at; only moves forward.
    private var shallowBlock = 0
    private var docs: UnsafeMutablePointer<DocID>
    private var masks: UnsafeMutablePointer<UInt8>
    private var frequencies: UnsafeMutablePointer<UInt32>
    /// The scored posting's field-norm codes (fields in its mask only).
    private var codes: UnsafeMutablePointer<UInt8>
    /// The decoded block's bound per field mask (see `load`).
    private var maskBounds: UnsafeMutablePointer<Double>
    private let storage: CursorBuffers

    init(list: PostingList, termIndex: Int, constants: BM25Constants) {
        self.list = list
        self.termIndex = termIndex
        let weights = constants.termWeights(documentFrequency: list.fieldDocumentFrequency)
        self.weights = weights
        let fields = list.fieldCount
        let blockCount = list.blockCount
        let maskWords = list.maskWords
        var fieldBounds = ContiguousArray<Double>(repeating: 0, count: blockCount * fields)
        var bounds = ContiguousArray<Double>(repeating: 0, count: blockCount)
        var best = 0.0
        let maskCount = 1 << fields
        var maskSums = [Double](repeating: 0, count: maskCount)
        list.blockMaxFrequency.withUnsafeBufferPointer { maxFrequency in
        list.blockMinLength.withUnsafeBufferPointer { minLength in
        list.blockMasks.withUnsafeBufferPointer { blockMasks in
        fieldBounds.withUnsafeMutableBufferPointer { fieldBounds in
            for block in 0..<blockCount {
                let row = block * fields
                for field in 0..<fields {
                    // Inflated by a relative 1e-9 so float rounding can never make a real score exceed
                    // its bound and a document be pruned that belonged in the top k.
                    fieldBounds[row + field] = constants.fieldBound(
                        field, maxFrequency: maxFrequency[row + field], minNorm: minLength[row + field],
                        weights: weights) * (1 + 1e-9)
                }
                // Summed exactly as `load` sums a mask's bound, so a posting's bound never exceeds its block's.
                for mask in 1..<maskCount {
                    maskSums[mask] = maskSums[mask & (mask - 1)] + fieldBounds[row + mask.trailingZeroBitCount]
                }
                var bound = 0.0
                for word in 0..<maskWords {
                    var present = blockMasks[block * maskWords + word]
                    while present != 0 {
                        bound = max(bound, maskSums[word << 6 + present.trailingZeroBitCount])
                        present &= present - 1
                    }
                }
                bounds[block] = bound
                best = max(best, bound)
            }
        }
        }
        }
        }
        self.fieldBounds = fieldBounds
        blockBounds = bounds
        maxScore = best
        storage = CursorBuffers(fieldCount: fields)
        docs = storage.docs
        masks = storage.masks
        frequencies = storage.frequencies
        codes = storage.codes
        maskBounds = storage.maskBounds
        if blockCount > 0 { load(0) }
    }

    /// A second cursor over the same list, at its start, with buffers of its own: the windowed search
    /// walks one cursor to find candidates and scores the few that survive with the other.
    init(sharing other: PostingCursor) {
        list = other.list
        termIndex = other.termIndex
        weights = other.weights
        fieldBounds = other.fieldBounds
        blockBounds = other.blockBounds
        maxScore = other.maxScore
        storage = CursorBuffers(fieldCount: list.fieldCount)
        docs = storage.docs
        masks = storage.masks
        frequencies = storage.frequencies
        codes = storage.codes
        maskBounds = storage.maskBounds
        if list.blockCount > 0 { load(0) }
    }

    /// Walks every posting before `end` from the current one on, appending to `out`/`bounds` (from
    /// `count`) the allowed ones whose field-mask bound plus `rest` beats `threshold`, with that bound.
    /// Blocks whose bound plus `rest` cannot beat it are passed without being decoded — but `rest` holds for
    /// documents before `end` only, so a block that runs past `end` is passed only if its bound plus
    /// `restBeyond` (what the other lists can add anywhere) cannot beat it either. Leaves the cursor at its
    /// first posting at or after `end` (possibly `pending`, like `skip(to:)`).
    mutating func collect(before end: DocID, beating threshold: Double, rest: Double, restBeyond: Double,
                          allowed: Bitset, into out: UnsafeMutablePointer<DocID>, bounds: UnsafeMutablePointer<Double>,
                          count: inout Int) {
        var found = count
        defer { count = found }
        allowed.words.withUnsafeBufferPointer { allowedWords in
            let wordCount = allowedWords.count
            while doc < end {
                if blockBounds[block] + (list.blockLastDoc[block] < end ? rest : restBeyond) <= threshold {
                    // Nothing in this block can reach the top k: step over it undecoded.
                    guard block + 1 < list.blockCount else {
                        doc = .exhausted
                        pending = false
                        return
                    }
                    doc = list.blockLastDoc[block] + 1
                    block += 1
                    pending = true
                    continue
                }
                if pending {
                    let target = doc
                    load(block)
                    index = firstPosting(atLeast: target, from: 0)
                }
                list.decodeDocuments(&decoding, upTo: postingsInBlock, stoppingAt: .exhausted, docs: docs, masks: masks)
                var position = index
                let postings = postingsInBlock
                while position < postings {
                    let candidate = docs[position]
                    if candidate >= end { break }
                    let bound = maskBounds[Int(masks[position])]
                    let word = Int(candidate >> 6)
                    if bound + rest > threshold && word < wordCount
                        && allowedWords[word] & (1 << UInt64(candidate & 63)) != 0 {
                        out[found] = candidate
                        bounds[found] = bound
                        found &+= 1
                    }
                    position &+= 1
                }
                if position < postings {
                    index = position
                    doc = docs[position]
                    return
                }
                guard block + 1 < list.blockCount else {
                    index = postings - 1
                    doc = .exhausted
                    return
                }
                doc = list.blockLastDoc[block] + 1
                block += 1
                pending = true
            }
        }
    }

    private mutating func load(_ newBlock: Int) {
        block = newBlock
        pending = false
        postingsInBlock = list.postingsInBlock(newBlock)
        decoding = PostingList.BlockPosition(list: list, block: newBlock)
        list.decodeDocuments(&decoding, upTo: 1, stoppingAt: .exhausted, docs: docs, masks: masks)
        index = 0
        doc = docs[0]
        // The block's bound per field mask, each mask one addition from a smaller one: 2^fieldCount
        // entries, so a posting's bound is one table read.
        let row = newBlock * list.fieldCount
        maskBounds[0] = 0
        for mask in 1..<(1 << list.fieldCount) {
            maskBounds[mask] = maskBounds[mask & (mask - 1)] + fieldBounds[row + mask.trailingZeroBitCount]
        }
    }

    /// Moves to the next posting.
    @inline(__always)
    mutating func next() {
        index += 1
        if index < postingsInBlock {
            if index == decoding.decoded {
                list.decodeDocuments(&decoding, upTo: index + 1, stoppingAt: .exhausted, docs: docs, masks: masks)
            }
            doc = docs[index]
        } else if block + 1 < list.blockCount {
            load(block + 1)
        } else {
            doc = .exhausted
        }
    }

    /// Moves to the first posting at or after `target`, skipping whole blocks without decoding them.
    /// Always leaves the cursor on a real posting (decoded), unlike `skip(to:)`.
    mutating func advance(to target: DocID) {
        if pending {
            materialize(atLeast: target)
            return
        }
        guard doc < target else { return }
        if target > list.blockLastDoc[block] {
            let found = firstBlock(endingAtOrAfter: target, from: block + 1)
            guard found < list.blockCount else {
                doc = .exhausted
                return
            }
            load(found)
        }
        index = firstPosting(atLeast: target, from: index)
        doc = docs[index]
    }

    /// The first position from `start` in the block whose document is at least `target` (one exists: the
    /// block ends at or after it). Past the decoded part, decoding stops right at it; within the decoded
    /// part, a few steps are walked and a longer way is halved, since a dense list's target is often
    /// dozens of postings ahead.
    @inline(__always)
    private mutating func firstPosting(atLeast target: DocID, from start: Int) -> Int {
        if docs[decoding.decoded - 1] < target {
            list.decodeDocuments(&decoding, upTo: postingsInBlock, stoppingAt: target, docs: docs, masks: masks)
            return decoding.decoded - 1
        }
        let decoded = decoding.decoded
        var position = start
        let near = min(start + 4, decoded - 1)
        while position < near {
            if docs[position] >= target { return position }
            position += 1
        }
        // docs[decoded - 1] >= target: search [position, decoded) for the first, without branches.
        var low = position
        var length = decoded &- position
        while length > 1 {
            let half = length >> 1
            low &+= docs[low &+ half &- 1] < target ? half : 0
            length &-= half
        }
        return low
    }

    /// Moves past every posting before `target` without decoding anything when that leaves the current
    /// block: the cursor then only knows that its next document is at least `target` (`doc` = `target`,
    /// `pending`), which is all the search needs while it skips ranges by their block bounds.
    mutating func skip(to target: DocID) {
        guard doc < target else { return }
        if target > list.blockLastDoc[block] {
            let found = firstBlock(endingAtOrAfter: target, from: block + 1)
            guard found < list.blockCount else {
                doc = .exhausted
                pending = false
                return
            }
            block = found
            pending = true
            doc = target
            return
        }
        if pending {
            doc = target
            return
        }
        index = firstPosting(atLeast: target, from: index)
        doc = docs[index]
    }

    /// Decodes the block a `skip(to:)` left the cursor in and moves to its first posting at or after
    /// the skip target (and `target`).
    mutating func materialize(atLeast target: DocID = 0) {
        guard pending else { return }
        pending = false
        let goal = max(doc, target)
        let found = goal > list.blockLastDoc[block] ? firstBlock(endingAtOrAfter: goal, from: block + 1) : block
        guard found < list.blockCount else {
            doc = .exhausted
            return
        }
        load(found)
        index = firstPosting(atLeast: goal, from: 0)
        doc = docs[index]
    }

    /// The score bound of the block that would hold `target`, without decoding it; 0 past the end.
    mutating func bound(at target: DocID) -> Double {
        shallowBlock = firstBlock(endingAtOrAfter: target, from: max(shallowBlock, block, 0))
        return shallowBlock < list.blockCount ? blockBounds[shallowBlock] : 0
    }

    /// The last document of the block `bound(at:)` last looked at: the search may jump past it.
    var shallowBlockEnd: DocID {
        shallowBlock < list.blockCount ? list.blockLastDoc[shallowBlock] : .exhausted
    }

    /// The most the current (decoded) posting can score, from its field mask alone: no frequencies read.
    @inline(__always)
    func postingBound() -> Double {
        maskBounds[Int(masks[index])]
    }

    /// Galloping search over block ends from `start`: targets only move forward, and the block wanted is
    /// usually the next one or close to it, so this is a few comparisons where a binary search over the
    /// whole list would be a dozen.
    @inline(__always)
    private func firstBlock(endingAtOrAfter target: DocID, from start: Int) -> Int {
        let blockCount = list.blockCount
        guard start < blockCount, list.blockLastDoc[start] < target else { return start }
        var low = start + 1
        var step = 1
        var high = low
        while high < blockCount, list.blockLastDoc[high] < target {
            low = high + 1
            high += step
            step <<= 1
        }
        high = min(high, blockCount)
        while low < high {
            let middle = (low + high) >> 1
            if list.blockLastDoc[middle] < target { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// The current posting's score, from its frequencies and the field-norm codes stored beside them.
    @inline(__always)
    mutating func score(constants: BM25Constants) -> Double {
        if frequencyBlock != block || frequencyRows <= index { decodeFrequencies() }
        return constants.score(mask: masks[index], frequencies: frequencies, norms: codes, weights: weights)
    }

    /// Decodes the current posting's frequencies and field-norm codes into `frequencies` and `codes`.
    /// The rows before it that were never scored are only stepped over (their value count is in their
    /// masks), not written: a scored posting is usually one of few in its block.
    private mutating func decodeFrequencies() {
        if frequencyBlock != block {
            frequencyBlock = block
            frequencyRows = 0
            frequencyOffset = Int(list.blockFrequencyStart[block])
            normOffset = Int(list.blockNormStart[block])
        }
        var skipped = 0
        while frequencyRows < index {
            skipped &+= masks[frequencyRows].nonzeroBitCount
            frequencyRows += 1
        }
        let mask = masks[index]
        list.frequencyBytes.withUnsafeBufferPointer { buffer in
            VarInt.skip(skipped, in: buffer, at: &frequencyOffset)
            list.decodeFrequencies(buffer, at: &frequencyOffset, mask: mask, into: frequencies)
        }
        normOffset &+= skipped
        list.normBytes.withUnsafeBufferPointer { normBytes in
            var rest = mask
            while rest != 0 {
                codes[rest.trailingZeroBitCount] = normBytes[normOffset]
                normOffset &+= 1
                rest &= rest &- 1
            }
        }
        frequencyRows = index + 1
    }
}

/// The decode buffers, owned by a class only so they are freed when the cursor goes away; the cursor
/// itself reads them through raw pointers (no bounds checks, no reference counting per posting).
final class CursorBuffers {
    let docs: UnsafeMutablePointer<DocID>
    let masks: UnsafeMutablePointer<UInt8>
    let frequencies: UnsafeMutablePointer<UInt32>
    let codes: UnsafeMutablePointer<UInt8>
    let maskBounds: UnsafeMutablePointer<Double>

    init(fieldCount: Int) {
        let size = PostingList.blockSize
        docs = .allocate(capacity: size)
        masks = .allocate(capacity: size)
        frequencies = .allocate(capacity: size * fieldCount)
        codes = .allocate(capacity: fieldCount)
        maskBounds = .allocate(capacity: 1 << fieldCount)
    }

    deinit {
        maskBounds.deallocate()
        docs.deallocate()
        masks.deallocate()
        frequencies.deallocate()
        codes.deallocate()
    }
}
