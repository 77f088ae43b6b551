/// Every document one term occurs in, packed into one growable byte array.
///
/// Postings are grouped in blocks of `blockSize`. Each posting is a varint of
/// `(docGap << fieldCount) | fieldMask` followed by one varint term frequency per field in the mask; the
/// first gap of a block is taken from the previous block's last document, so any block decodes on its own
/// and a cursor can jump to it. Per block the list keeps the last document (to skip) and, per field, the
/// highest term frequency and the shortest field length (to bound the block's BM25 score whatever the
/// corpus statistics are when a query runs). Appending a document with a higher id than any before is
/// O(1) amortised, which is how added and updated documents enter the index without a rebuild.
struct PostingList: Sendable {
    /// 128 postings: small enough that a skipped block saves real work, large enough that the per-block
    /// metadata (about 30 bytes) is a few percent of the postings.
    static let blockSize = 128

    let fieldCount: Int
    private(set) var bytes = ContiguousArray<UInt8>()
    private(set) var blockLastDoc = ContiguousArray<DocID>()
    private(set) var blockStart = ContiguousArray<UInt32>()
    /// `fieldCount` entries per block.
    private(set) var blockMaxFrequency = ContiguousArray<UInt32>()
    /// `fieldCount` entries per block; `UInt32.max` where the field has no posting in the block.
    private(set) var blockMinLength = ContiguousArray<UInt32>()
    private(set) var count = 0
    /// Documents with the term in each field (deleted ones included until compaction).
    private(set) var fieldDocumentFrequency = SIMD8<UInt32>()

    init(fieldCount: Int) {
        self.fieldCount = fieldCount
    }

    var blockCount: Int { blockLastDoc.count }
    var lastDoc: DocID? { blockLastDoc.last }

    func postingsInBlock(_ block: Int) -> Int {
        block == blockCount - 1 ? count - block * Self.blockSize : Self.blockSize
    }

    /// Adds `doc` (higher than every document already in the list) with its per-field frequencies and lengths.
    mutating func append(_ doc: DocID, frequencies: SIMD8<UInt32>, lengths: SIMD8<UInt32>) {
        let previous = lastDoc ?? 0
        precondition(count == 0 || doc > previous, "postings must be appended in ascending document order")
        if count % Self.blockSize == 0 {
            blockStart.append(UInt32(bytes.count))
            blockLastDoc.append(doc)
            blockMaxFrequency.append(contentsOf: repeatElement(0, count: fieldCount))
            blockMinLength.append(contentsOf: repeatElement(UInt32.max, count: fieldCount))
        }
        var mask: UInt64 = 0
        for field in 0..<fieldCount where frequencies[field] > 0 { mask |= 1 << UInt64(field) }
        VarInt.append(UInt64(doc - previous) << UInt64(fieldCount) | mask, to: &bytes)

        let meta = (blockCount - 1) * fieldCount
        for field in 0..<fieldCount where frequencies[field] > 0 {
            VarInt.append(UInt64(frequencies[field]), to: &bytes)
            blockMaxFrequency[meta + field] = max(blockMaxFrequency[meta + field], frequencies[field])
            blockMinLength[meta + field] = min(blockMinLength[meta + field], lengths[field])
            fieldDocumentFrequency[field] += 1
        }
        blockLastDoc[blockCount - 1] = doc
        count += 1
    }

    /// Decodes one block into the caller's buffers: documents, field masks, and `fieldCount` frequencies
    /// per posting (zero for fields not in the mask). Returns the number of postings.
    func decode(block: Int, docs: UnsafeMutablePointer<DocID>, masks: UnsafeMutablePointer<UInt8>,
                frequencies: UnsafeMutablePointer<UInt32>) -> Int {
        let postings = postingsInBlock(block)
        let fields = fieldCount
        var doc: DocID = block == 0 ? 0 : blockLastDoc[block - 1]
        bytes.withUnsafeBufferPointer { buffer in
            var offset = Int(blockStart[block])
            let fieldMask = UInt64(1) << UInt64(fields) - 1
            for index in 0..<postings {
                let head = VarInt.read(buffer, at: &offset)
                doc &+= DocID(truncatingIfNeeded: head >> UInt64(fields))
                let mask = UInt8(truncatingIfNeeded: head & fieldMask)
                docs[index] = doc
                masks[index] = mask
                let row = frequencies + index * fields
                for field in 0..<fields {
                    row[field] = mask & (1 << UInt8(field)) != 0
                        ? UInt32(truncatingIfNeeded: VarInt.read(buffer, at: &offset)) : 0
                }
            }
        }
        return postings
    }

    /// Heap bytes used, for memory reports.
    var memoryFootprint: Int {
        bytes.capacity + (blockLastDoc.capacity + blockStart.capacity) * 4
            + (blockMaxFrequency.capacity + blockMinLength.capacity) * 4
    }

    /// Releases the spare capacity growth left behind.
    mutating func shrinkToFit() {
        bytes = ContiguousArray(bytes)
        blockLastDoc = ContiguousArray(blockLastDoc)
        blockStart = ContiguousArray(blockStart)
        blockMaxFrequency = ContiguousArray(blockMaxFrequency)
        blockMinLength = ContiguousArray(blockMinLength)
    }
}
