/// Every document one term occurs in, packed into one growable byte array.
///
/// Postings are grouped in blocks of `blockSize`. Each posting is a varint of
/// `(docGap << fieldCount) | fieldMask` in `bytes`, and one varint term frequency per field in the mask in
/// `frequencyBytes` (a separate stream, so a cursor can find documents without reading frequencies, and
/// read those only for the postings it scores); the first gap of a block is taken from the previous
/// block's last document, so any block decodes on its own and a cursor can jump to it. Per block the list keeps the last document (to skip) and, per field, the
/// highest term frequency and the shortest field length (to bound the block's BM25 score whatever the
/// corpus statistics are when a query runs). Appending a document with a higher id than any before is
/// O(1) amortised, which is how added and updated documents enter the index without a rebuild.
struct PostingList: Sendable {
    /// 128 postings: small enough that a skipped block saves real work, large enough that the per-block
    /// metadata (about 30 bytes) is a few percent of the postings.
    static let blockSize = 128
    private static let laneNumbers = SIMD8<UInt32>(0, 1, 2, 3, 4, 5, 6, 7)

    let fieldCount: Int
    private(set) var bytes = ContiguousArray<UInt8>()
    private(set) var blockLastDoc = ContiguousArray<DocID>()
    private(set) var blockStart = ContiguousArray<UInt32>()
    private(set) var frequencyBytes = ContiguousArray<UInt8>()
    private(set) var blockFrequencyStart = ContiguousArray<UInt32>()
    /// Beside each frequency, the document's field-norm code for that field (one byte, in the same order):
    /// a scored posting reads its lengths right next to its frequencies instead of from the per-document
    /// norm table, a random read that missed the cache on nearly every scored document. A document's
    /// lengths never change (an update is a new document), so the copy cannot go stale.
    private(set) var normBytes = ContiguousArray<UInt8>()
    private(set) var blockNormStart = ContiguousArray<UInt32>()
    /// `fieldCount` entries per block.
    private(set) var blockMaxFrequency = ContiguousArray<UInt32>()
    /// `fieldCount` entries per block: the smallest field-norm code (`FieldNorm`, the shortest length)
    /// among the block's postings in the field; `UInt32.max` where the field has no posting in the block.
    private(set) var blockMinLength = ContiguousArray<UInt32>()
    /// Which field masks occur in each block, as a bit per mask (`maskWords` words per block). Most
    /// postings have the term in one field only; a block bound that adds up every field's best would
    /// assume a title, skills and summary match at once, so the bound takes the best mask that occurs.
    private(set) var blockMasks = ContiguousArray<UInt64>()
    private(set) var count = 0
    /// Documents with the term in each field (deleted ones included until compaction).
    private(set) var fieldDocumentFrequency = SIMD8<UInt32>()

    init(fieldCount: Int) {
        self.fieldCount = fieldCount
    }

    var blockCount: Int { blockLastDoc.count }
    /// Words of `blockMasks` per block: one bit for each of the 2^fieldCount masks.
    var maskWords: Int { ((1 << fieldCount) + 63) >> 6 }
    var lastDoc: DocID? { blockLastDoc.last }

    func postingsInBlock(_ block: Int) -> Int {
        block == blockCount - 1 ? count - block * Self.blockSize : Self.blockSize
    }

    /// Adds `doc` (higher than every document already in the list) with its per-field frequencies and
    /// field-norm codes (`lengths`: `FieldNorm` codes of the document's field lengths).
    mutating func append(_ doc: DocID, frequencies: SIMD8<UInt32>, lengths: SIMD8<UInt32>) {
        let previous = lastDoc ?? 0
        precondition(count == 0 || doc > previous, "postings must be appended in ascending document order")
        if count % Self.blockSize == 0 {
            blockStart.append(UInt32(bytes.count))
            blockFrequencyStart.append(UInt32(frequencyBytes.count))
            blockNormStart.append(UInt32(normBytes.count))
            blockLastDoc.append(doc)
            blockMaxFrequency.append(contentsOf: repeatElement(0, count: fieldCount))
            blockMinLength.append(contentsOf: repeatElement(UInt32.max, count: fieldCount))
            blockMasks.append(contentsOf: repeatElement(0, count: maskWords))
        }
        var mask: UInt64 = 0
        for field in 0..<fieldCount where frequencies[field] > 0 { mask |= 1 << UInt64(field) }
        blockMasks[(blockCount - 1) * maskWords + Int(mask >> 6)] |= 1 << (mask & 63)
        VarInt.append(UInt64(doc - previous) << UInt64(fieldCount) | mask, to: &bytes)

        let meta = (blockCount - 1) * fieldCount
        for field in 0..<fieldCount where frequencies[field] > 0 {
            VarInt.append(UInt64(frequencies[field]), to: &frequencyBytes)
            normBytes.append(UInt8(truncatingIfNeeded: lengths[field]))
            blockMaxFrequency[meta + field] = max(blockMaxFrequency[meta + field], frequencies[field])
            blockMinLength[meta + field] = min(blockMinLength[meta + field], lengths[field])
        }
        // One vector add: a lane-by-lane `+= 1` went through memory and stalled on reading the vector
        // back (a quarter of this function's time in the bulk build's profile).
        fieldDocumentFrequency &+= SIMD8(repeating: UInt32(truncatingIfNeeded: mask)) &>> Self.laneNumbers & 1
        blockLastDoc[blockCount - 1] = doc
        count += 1
    }

    /// Decodes one block into the caller's buffers: documents, field masks, and `fieldCount` frequencies
    /// per posting (zero for fields not in the mask). Returns the number of postings.
    func decode(block: Int, docs: UnsafeMutablePointer<DocID>, masks: UnsafeMutablePointer<UInt8>,
                frequencies: UnsafeMutablePointer<UInt32>) -> Int {
        let postings = decodeDocuments(block: block, docs: docs, masks: masks)
        var offset = Int(blockFrequencyStart[block])
        frequencyBytes.withUnsafeBufferPointer { buffer in
            for index in 0..<postings {
                decodeFrequencies(buffer, at: &offset, mask: masks[index], into: frequencies + index * fieldCount)
            }
        }
        return postings
    }

    /// Decodes one block's documents and field masks only. Returns the number of postings.
    @inline(__always)
    func decodeDocuments(block: Int, docs: UnsafeMutablePointer<DocID>, masks: UnsafeMutablePointer<UInt8>) -> Int {
        var position = BlockPosition(list: self, block: block)
        let postings = postingsInBlock(block)
        decodeDocuments(&position, upTo: postings, stoppingAt: .exhausted, docs: docs, masks: masks)
        return postings
    }

    /// Where decoding a block's documents has got to: the next posting's number, its byte in `bytes`,
    /// and the document before it (gaps are relative to it).
    struct BlockPosition {
        var decoded = 0
        var offset: Int
        var lastDoc: DocID

        init(offset: Int, lastDoc: DocID) {
            self.offset = offset
            self.lastDoc = lastDoc
        }

        init(list: PostingList, block: Int) {
            offset = Int(list.blockStart[block])
            lastDoc = block == 0 ? 0 : list.blockLastDoc[block - 1]
        }
    }

    /// Decodes the postings of a block from `position` on into `docs` and `masks` (at their numbers in
    /// the block), up to `end` postings, stopping early after the first document at or past `target`.
    /// A cursor probing a list for a few documents decodes each block only as far as it looks.
    @inline(__always)
    func decodeDocuments(_ position: inout BlockPosition, upTo end: Int, stoppingAt target: DocID,
                         docs: UnsafeMutablePointer<DocID>, masks: UnsafeMutablePointer<UInt8>) {
        let fields = UInt64(fieldCount)
        let fieldMask = UInt64(1) << fields - 1
        bytes.withUnsafeBufferPointer { buffer in
            let last = buffer.count &- 1
            var offset = position.offset
            var doc = position.lastDoc
            var index = position.decoded
            decoding: while index < end {
                // Eight postings at once where the next eight bytes are eight one-byte values, as a common
                // term's gaps nearly always are: no posting's length has to be found before the next one's
                // byte can be read.
                if end &- index >= 8 && offset < buffer.count &- 8 {
                    let word = UInt64(littleEndian: UnsafeRawPointer(buffer.baseAddress! + offset)
                        .loadUnaligned(as: UInt64.self))
                    if word & 0x8080_8080_8080_8080 == 0 {
                        for lane in 0..<8 {
                            let head = word &>> UInt64(lane &* 8) & 0xFF
                            doc &+= DocID(truncatingIfNeeded: head &>> fields)
                            docs[index &+ lane] = doc
                            masks[index &+ lane] = UInt8(truncatingIfNeeded: head & fieldMask)
                        }
                        if doc < target {
                            index &+= 8
                            offset &+= 8
                            continue
                        }
                        // Stop right after the first at or past the target, as one at a time would.
                        var lane = 0
                        while docs[index &+ lane] < target { lane &+= 1 }
                        index &+= lane &+ 1
                        offset &+= lane &+ 1
                        doc = docs[index &- 1]
                        break decoding
                    }
                }
                // Otherwise up to eight one at a time before looking again: in a list of mixed lengths the
                // look would fail at nearly every posting.
                let stop = min(end, index &+ 8)
                while index < stop {
                    let head = VarInt.readShort(buffer, at: &offset, last: last)
                    doc &+= DocID(truncatingIfNeeded: head &>> fields)
                    docs[index] = doc
                    masks[index] = UInt8(truncatingIfNeeded: head & fieldMask)
                    index &+= 1
                    if doc >= target { break decoding }
                }
            }
            position.offset = offset
            position.lastDoc = doc
            position.decoded = index
        }
    }

    /// One posting's frequencies from `frequencyBytes` at `offset` (advanced past them), written as a
    /// full row of `fieldCount` values (zero for fields not in `mask`).
    @inline(__always)
    func decodeFrequencies(_ buffer: UnsafeBufferPointer<UInt8>, at offset: inout Int, mask: UInt8,
                           into row: UnsafeMutablePointer<UInt32>) {
        for field in 0..<fieldCount { row[field] = 0 }
        var rest = mask
        while rest != 0 {
            row[rest.trailingZeroBitCount] = UInt32(truncatingIfNeeded: VarInt.read(buffer, at: &offset))
            rest &= rest &- 1
        }
    }

    /// Heap bytes used, for memory reports.
    var memoryFootprint: Int {
        bytes.capacity + frequencyBytes.capacity + normBytes.capacity
            + (blockLastDoc.capacity + blockStart.capacity + blockFrequencyStart.capacity + blockNormStart.capacity) * 4
            + (blockMaxFrequency.capacity + blockMinLength.capacity) * 4 + blockMasks.capacity * 8
    }

    /// Releases the spare capacity growth left behind.
    mutating func shrinkToFit() {
        bytes = ContiguousArray(bytes)
        blockLastDoc = ContiguousArray(blockLastDoc)
        blockStart = ContiguousArray(blockStart)
        frequencyBytes = ContiguousArray(frequencyBytes)
        blockFrequencyStart = ContiguousArray(blockFrequencyStart)
        normBytes = ContiguousArray(normBytes)
        blockNormStart = ContiguousArray(blockNormStart)
        blockMaxFrequency = ContiguousArray(blockMaxFrequency)
        blockMinLength = ContiguousArray(blockMinLength)
        blockMasks = ContiguousArray(blockMasks)
    }
}
