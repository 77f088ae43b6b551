/// A set of document ids as one bit per document: filters combine with word-wide AND/OR, 64 documents
/// per instruction, and a membership test in the scoring loop is a shift and a mask.
public struct Bitset: Sendable, Hashable {
    public private(set) var words: ContiguousArray<UInt64>

    public init() { words = [] }

    /// A set able to hold ids below `capacity` without growing; `filled` sets all of them.
    public init(capacity: Int, filled: Bool = false) {
        let count = (capacity + 63) >> 6
        words = ContiguousArray(repeating: filled ? ~0 : 0, count: count)
        if filled, capacity & 63 != 0 { words[count - 1] = (1 << UInt64(capacity & 63)) - 1 }
    }

    @inline(__always)
    public func contains(_ id: UInt32) -> Bool {
        let word = Int(id >> 6)
        return word < words.count && words[word] & (1 << UInt64(id & 63)) != 0
    }

    public mutating func insert(_ id: UInt32) {
        let word = Int(id >> 6)
        if word >= words.count { grow(to: word + 1) }
        words[word] |= 1 << UInt64(id & 63)
    }

    public mutating func remove(_ id: UInt32) {
        let word = Int(id >> 6)
        guard word < words.count else { return }
        words[word] &= ~(1 << UInt64(id & 63))
    }

    public var count: Int { words.reduce(0) { $0 + $1.nonzeroBitCount } }
    public var isEmpty: Bool { words.allSatisfy { $0 == 0 } }

    public mutating func formIntersection(_ other: Bitset) {
        let shared = min(words.count, other.words.count)
        words.withUnsafeMutableBufferPointer { mine in
            other.words.withUnsafeBufferPointer { theirs in
                for index in 0..<shared { mine[index] &= theirs[index] }
            }
            for index in shared..<mine.count { mine[index] = 0 }
        }
    }

    public mutating func formUnion(_ other: Bitset) {
        if other.words.count > words.count { grow(to: other.words.count) }
        words.withUnsafeMutableBufferPointer { mine in
            other.words.withUnsafeBufferPointer { theirs in
                for index in 0..<theirs.count { mine[index] |= theirs[index] }
            }
        }
    }

    public mutating func subtract(_ other: Bitset) {
        let shared = min(words.count, other.words.count)
        words.withUnsafeMutableBufferPointer { mine in
            other.words.withUnsafeBufferPointer { theirs in
                for index in 0..<shared { mine[index] &= ~theirs[index] }
            }
        }
    }

    /// Ids in ascending order.
    public func forEach(_ body: (UInt32) -> Void) {
        for (index, word) in words.enumerated() {
            var rest = word
            while rest != 0 {
                body(UInt32(index << 6 + rest.trailingZeroBitCount))
                rest &= rest - 1
            }
        }
    }

    private mutating func grow(to count: Int) {
        // Doubling keeps appends of ascending ids amortised O(1).
        words.append(contentsOf: repeatElement(0, count: max(count, words.count * 2) - words.count))
    }
}
