/// The caller's keys: one per document id ever handed out (deleted ones included, as BM25 still counts
/// them), and the live ones found by key for replacing and deleting.
///
/// The lookup is an open-addressing table of 64-bit slots (the key's 32-bit hash, the document id + 1)
/// hashed from the key's UTF-8 bytes, not a `Dictionary<String, DocID>`: every document added looks up
/// its key, and `String` hashing (SipHash over a normalised view) plus the dictionary's own growth were a
/// measured share of the bulk build's appending stage. A key is compared only when the hashes match.
struct DocumentKeys: Sendable {
    private(set) var keys: [String] = []
    /// 0 for empty, else `hash << 32 | (doc + 1)`; the count is a power of two, at most half full.
    private var slots = ContiguousArray<UInt64>(repeating: 0, count: 16)
    /// Keys with a live document.
    private(set) var liveCount = 0

    /// Ids handed out so far.
    var count: Int { keys.count }

    subscript(doc: DocID) -> String { keys[Int(doc)] }

    /// The live document with `key`.
    func doc(for key: String) -> DocID? { probe(key, hash: Self.hash(key)).doc }

    /// Gives `key` the next id; returns it and the live document the key had before, if any (now replaced).
    mutating func append(_ key: String) -> (doc: DocID, replaced: DocID?) {
        let doc = DocID(keys.count)
        keys.append(key)
        let hash = Self.hash(key)
        let (slot, replaced) = probe(key, hash: hash)
        slots[slot] = UInt64(hash) << 32 | UInt64(doc + 1)
        if replaced == nil {
            liveCount += 1
            if liveCount * 2 > slots.count { rehash(slotCount: slots.count * 2) }
        }
        return (doc, replaced)
    }

    /// Forgets `key`'s live document and returns it.
    mutating func remove(_ key: String) -> DocID? {
        let (slot, doc) = probe(key, hash: Self.hash(key))
        guard let doc else { return nil }
        removeSlot(slot)
        liveCount -= 1
        return doc
    }

    /// The slot holding `key` and its live document, or the empty slot where it would go and nil.
    private func probe(_ key: String, hash: UInt32) -> (slot: Int, doc: DocID?) {
        let mask = slots.count - 1
        var slot = Int(hash) & mask
        while true {
            let entry = slots[slot]
            if entry == 0 { return (slot, nil) }
            if UInt32(truncatingIfNeeded: entry >> 32) == hash {
                let doc = DocID(truncatingIfNeeded: entry) - 1
                if keys[Int(doc)] == key { return (slot, doc) }
            }
            slot = (slot + 1) & mask
        }
    }

    /// Room for `additional` more live keys without growing on the way.
    mutating func reserve(_ additional: Int) {
        // Doubling, so reserving before each of many bulk adds stays amortised O(1) per key.
        if keys.capacity < keys.count + additional { keys.reserveCapacity(max(keys.count + additional, keys.capacity * 2)) }
        var slotCount = slots.count
        while (liveCount + additional) * 2 > slotCount { slotCount *= 2 }
        if slotCount > slots.count { rehash(slotCount: slotCount) }
    }

    /// Keys whose documents are all live, numbered 0, 1, 2, … in order (what `compact` leaves).
    init(allLive keys: [String]) {
        self.init()
        reserve(keys.count)
        for key in keys { _ = append(key) }
    }

    init() {}

    /// Linear probing keeps a key reachable from its home slot without gaps: removing one moves later
    /// entries of the same run back instead of leaving a tombstone.
    private mutating func removeSlot(_ removed: Int) {
        let mask = slots.count - 1
        var hole = removed
        var next = (hole + 1) & mask
        while slots[next] != 0 {
            let home = Int(slots[next] >> 32) & mask
            // The entry may move into the hole unless its home lies cyclically in (hole, next].
            let stays = hole <= next ? (home > hole && home <= next) : (home > hole || home <= next)
            if !stays {
                slots[hole] = slots[next]
                hole = next
            }
            next = (next + 1) & mask
        }
        slots[hole] = 0
    }

    private mutating func rehash(slotCount: Int) {
        let old = slots
        slots = ContiguousArray(repeating: 0, count: slotCount)
        let mask = slotCount - 1
        for entry in old where entry != 0 {
            var slot = Int(entry >> 32) & mask
            while slots[slot] != 0 { slot = (slot + 1) & mask }
            slots[slot] = entry
        }
    }

    /// A 32-bit hash of the key's UTF-8 bytes, eight at a time.
    static func hash(_ key: String) -> UInt32 {
        var key = key
        return key.withUTF8 { bytes in
            var h = ByteMix.mix(0x9E37_79B9_7F4A_7C15 ^ UInt64(bytes.count), UnsafeRawBufferPointer(bytes))
            h = h &* 0x94D0_49BB_1331_11EB
            return UInt32(truncatingIfNeeded: h ^ (h >> 32))
        }
    }

    /// Heap bytes of the table (the keys' own storage not counted), for memory reports.
    var memoryFootprint: Int { slots.capacity * 8 + keys.capacity * 16 }
}

extension DocumentKeys: Equatable {
    /// The same keys by id and the same live documents, however the table happens to be laid out.
    static func == (lhs: DocumentKeys, rhs: DocumentKeys) -> Bool {
        guard lhs.keys == rhs.keys, lhs.liveCount == rhs.liveCount else { return false }
        for entry in lhs.slots where entry != 0 {
            let doc = DocID(truncatingIfNeeded: entry) - 1
            if rhs.doc(for: lhs.keys[Int(doc)]) != doc { return false }
        }
        return true
    }
}
