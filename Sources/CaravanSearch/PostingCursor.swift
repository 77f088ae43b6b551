/// Walks one term's posting list for one query, a decoded block at a time, and knows the score bound of
/// every block so the search can skip blocks (and whole lists) that cannot reach the top k.
///
/// The buffers are allocated once per cursor, so moving through postings allocates nothing.
struct PostingCursor {
    let list: PostingList
    /// Position of the term in the query, which fixes the order scores are summed in (see `TopK`).
    let termIndex: Int
    let weights: SIMD8<Double>
    /// Score bound per block, computed from the block metadata with this query's statistics.
    let blockBounds: ContiguousArray<Double>
    /// The highest block bound: no posting of this term scores more.
    let maxScore: Double

    private(set) var doc: DocID = .exhausted
    private var block = -1
    private var index = 0
    private var postingsInBlock = 0
    /// Frequencies are decoded lazily, only as far as the postings scored: the block they belong to,
    /// how many rows of it are decoded, and where the next row starts in `frequencyBytes`.
    private var frequencyBlock = -1
    private var frequencyRows = 0
    private var frequencyOffset = 0
    /// Block the last `bound(at:)` looked at; only moves forward.
    private var shallowBlock = 0
    private var docs: UnsafeMutablePointer<DocID>
    private var masks: UnsafeMutablePointer<UInt8>
    private var frequencies: UnsafeMutablePointer<UInt32>
    private let storage: CursorBuffers

    init(list: PostingList, termIndex: Int, constants: BM25Constants) {
        self.list = list
        self.termIndex = termIndex
        let weights = constants.termWeights(documentFrequency: list.fieldDocumentFrequency)
        self.weights = weights
        var bounds = ContiguousArray<Double>(repeating: 0, count: list.blockCount)
        let fields = list.fieldCount
        list.blockMaxFrequency.withUnsafeBufferPointer { maxFrequency in
            list.blockMinLength.withUnsafeBufferPointer { minLength in
                for block in 0..<list.blockCount {
                    // Inflated by a relative 1e-9 so float rounding can never make a real score exceed
                    // its bound and a document be pruned that belonged in the top k.
                    bounds[block] = constants.bound(
                        maxFrequencies: maxFrequency.baseAddress! + block * fields,
                        minLengths: minLength.baseAddress! + block * fields,
                        weights: weights
                    ) * (1 + 1e-9)
                }
            }
        }
        blockBounds = bounds
        maxScore = bounds.max() ?? 0
        storage = CursorBuffers(fieldCount: fields)
        docs = storage.docs
        masks = storage.masks
        frequencies = storage.frequencies
        if list.blockCount > 0 { load(0) }
    }

    private mutating func load(_ newBlock: Int) {
        block = newBlock
        postingsInBlock = list.decodeDocuments(block: newBlock, docs: docs, masks: masks)
        index = 0
        doc = docs[0]
    }

    /// Moves to the next posting.
    @inline(__always)
    mutating func next() {
        index += 1
        if index < postingsInBlock {
            doc = docs[index]
        } else if block + 1 < list.blockCount {
            load(block + 1)
        } else {
            doc = .exhausted
        }
    }

    /// Moves to the first posting at or after `target`, skipping whole blocks without decoding them.
    mutating func advance(to target: DocID) {
        guard doc < target else { return }
        if target > list.blockLastDoc[block] {
            let found = firstBlock(endingAtOrAfter: target, from: block + 1)
            guard found < list.blockCount else {
                doc = .exhausted
                return
            }
            load(found)
        }
        while docs[index] < target { index += 1 }
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

    /// The current posting's score. `lengths` points at the document-length table (fieldCount per document).
    @inline(__always)
    mutating func score(constants: BM25Constants, lengths: UnsafePointer<UInt32>) -> Double {
        let fields = list.fieldCount
        if frequencyBlock != block || frequencyRows <= index { decodeFrequencies() }
        return constants.score(mask: masks[index], frequencies: frequencies + index * fields,
                               lengths: lengths + Int(doc) * fields, weights: weights)
    }

    /// Decodes frequency rows of the current block up to the current posting.
    private mutating func decodeFrequencies() {
        if frequencyBlock != block {
            frequencyBlock = block
            frequencyRows = 0
            frequencyOffset = Int(list.blockFrequencyStart[block])
        }
        let fields = list.fieldCount
        list.frequencyBytes.withUnsafeBufferPointer { buffer in
            while frequencyRows <= index {
                list.decodeFrequencies(buffer, at: &frequencyOffset, mask: masks[frequencyRows],
                                       into: frequencies + frequencyRows * fields)
                frequencyRows += 1
            }
        }
    }
}

/// The decode buffers, owned by a class only so they are freed when the cursor goes away; the cursor
/// itself reads them through raw pointers (no bounds checks, no reference counting per posting).
final class CursorBuffers {
    let docs: UnsafeMutablePointer<DocID>
    let masks: UnsafeMutablePointer<UInt8>
    let frequencies: UnsafeMutablePointer<UInt32>

    init(fieldCount: Int) {
        let size = PostingList.blockSize
        docs = .allocate(capacity: size)
        masks = .allocate(capacity: size)
        frequencies = .allocate(capacity: size * fieldCount)
    }

    deinit {
        docs.deallocate()
        masks.deallocate()
        frequencies.deallocate()
    }
}
