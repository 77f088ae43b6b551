/// An open-addressing hash table from short scalar sequences (terms, surface forms) to dense entry
/// numbers 0, 1, 2, … in insertion order, plus an `Int32` value per entry.
///
/// Keys live in one flat arena, so a million terms cost a few flat arrays, not a million `String`s; a
/// lookup hashes the scalars in place (no `String`, no Unicode normalisation as `String` hashing does).
struct ScalarTable: Sendable {
    private(set) var arena = ContiguousArray<UInt32>()
    /// Start of each entry's key in `arena`, plus one past the last.
    private(set) var starts: ContiguousArray<UInt32> = [0]
    private(set) var hashes = ContiguousArray<UInt32>()
    private(set) var values = ContiguousArray<Int32>()
    /// Entry number per slot, −1 for empty; the slot count is a power of two, at most half full.
    private var slots = ContiguousArray<Int32>(repeating: -1, count: 64)

    var count: Int { values.count }

    @inline(__always)
    static func hash(_ key: UnsafeBufferPointer<UInt32>) -> UInt64 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(key.count)
        var index = 0
        let count = key.count
        while index + 1 < count {
            h = (h ^ (UInt64(key[index]) | UInt64(key[index + 1]) << 32)) &* 0xFF51_AFD7_ED55_8CCD
            h ^= h >> 32
            index += 2
        }
        if index < count { h = (h ^ UInt64(key[index])) &* 0xC4CE_B9FE_1A85_EC53 }
        h ^= h >> 29
        h = h &* 0x94D0_49BB_1331_11EB
        return h ^ (h >> 32)
    }

    /// The entry whose key equals `key`, or −1.
    @inline(__always)
    func find(_ key: UnsafeBufferPointer<UInt32>, hash: UInt64) -> Int {
        let tag = UInt32(truncatingIfNeeded: hash)
        return slots.withUnsafeBufferPointer { slots in
            arena.withUnsafeBufferPointer { arena in
                starts.withUnsafeBufferPointer { starts in
                    hashes.withUnsafeBufferPointer { hashes in
                        let mask = slots.count - 1
                        var slot = Int(truncatingIfNeeded: hash >> 20) & mask
                        while true {
                            let entry = Int(slots[slot])
                            if entry < 0 { return -1 }
                            if hashes[entry] == tag {
                                let start = Int(starts[entry])
                                let length = Int(starts[entry + 1]) - start
                                if length == key.count {
                                    var same = true
                                    for offset in 0..<length where arena[start + offset] != key[offset] {
                                        same = false
                                        break
                                    }
                                    if same { return entry }
                                }
                            }
                            slot = (slot + 1) & mask
                        }
                    }
                }
            }
        }
    }

    func find(_ key: UnsafeBufferPointer<UInt32>) -> Int { find(key, hash: Self.hash(key)) }

    func find(_ key: Scalars) -> Int { key.withUnsafeBufferPointer { find($0) } }

    /// Adds `key` (not present: `find` returned −1) and returns its entry number.
    @discardableResult
    mutating func insert(_ key: UnsafeBufferPointer<UInt32>, hash: UInt64, value: Int32) -> Int {
        let entry = values.count
        arena.append(contentsOf: key)
        starts.append(UInt32(arena.count))
        hashes.append(UInt32(truncatingIfNeeded: hash))
        values.append(value)
        if (entry + 1) * 2 > slots.count {
            rehash(slotCount: slots.count * 2)
        } else {
            place(entry, hash: hash)
        }
        return entry
    }

    @discardableResult
    mutating func insert(_ key: Scalars, value: Int32) -> Int {
        key.withUnsafeBufferPointer { insert($0, hash: Self.hash($0), value: value) }
    }

    mutating func setValue(_ value: Int32, at entry: Int) { values[entry] = value }

    func key(at entry: Int) -> ArraySlice<UInt32> {
        ArraySlice(arena[Int(starts[entry])..<Int(starts[entry + 1])])
    }

    func withKey<R>(at entry: Int, _ body: (UnsafeBufferPointer<UInt32>) -> R) -> R {
        arena.withUnsafeBufferPointer { arena in
            body(UnsafeBufferPointer(rebasing: arena[Int(starts[entry])..<Int(starts[entry + 1])]))
        }
    }

    private mutating func place(_ entry: Int, hash: UInt64) {
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash >> 20) & mask
        while slots[slot] >= 0 { slot = (slot + 1) & mask }
        slots[slot] = Int32(entry)
    }

    private mutating func rehash(slotCount: Int) {
        slots = ContiguousArray(repeating: -1, count: slotCount)
        for entry in 0..<values.count {
            let hash = withKey(at: entry) { Self.hash($0) }
            place(entry, hash: hash)
        }
    }

    /// Heap bytes, for memory reports.
    var memoryFootprint: Int {
        (arena.capacity + starts.capacity + hashes.capacity + values.capacity + slots.capacity) * 4
    }
}
