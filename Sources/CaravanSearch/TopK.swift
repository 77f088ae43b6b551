/// The best `k` (score, document) pairs seen so far, as a min-heap whose root is the weakest entry.
///
/// Order is score descending, then document id ascending, so equal scores always rank the same way.
/// The pruned searches visit documents in ascending id order, so a later document that only ties the
/// weakest entry can never enter: "cannot beat the threshold" is a safe reason to skip it.
struct TopK {
    struct Entry: Equatable {
        var score: Double
        var doc: DocID
    }

    let k: Int
    private(set) var entries: [Entry] = []

    init(k: Int) {
        self.k = k
        entries.reserveCapacity(k)
    }

    var isFull: Bool { entries.count >= k }

    /// The score a new document has to beat; −∞ until the heap is full.
    var threshold: Double { isFull ? entries[0].score : -.infinity }

    /// Whether `a` ranks below `b`.
    @inline(__always)
    static func ranksBelow(_ a: Entry, _ b: Entry) -> Bool {
        a.score < b.score || (a.score == b.score && a.doc > b.doc)
    }

    /// Offers a document; returns whether the threshold may have changed.
    @discardableResult
    mutating func offer(score: Double, doc: DocID) -> Bool {
        guard k > 0 else { return false }
        let entry = Entry(score: score, doc: doc)
        if entries.count < k {
            entries.append(entry)
            siftUp(entries.count - 1)
            return entries.count == k
        }
        guard Self.ranksBelow(entries[0], entry) else { return false }
        entries[0] = entry
        siftDown(0)
        return true
    }

    /// Best first.
    func sorted() -> [Entry] {
        entries.sorted { Self.ranksBelow($1, $0) }
    }

    private mutating func siftUp(_ start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard Self.ranksBelow(entries[child], entries[parent]) else { return }
            entries.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func siftDown(_ start: Int) {
        var parent = start
        while true {
            let left = parent * 2 + 1
            guard left < entries.count else { return }
            var weakest = left
            if left + 1 < entries.count, Self.ranksBelow(entries[left + 1], entries[left]) { weakest = left + 1 }
            guard Self.ranksBelow(entries[weakest], entries[parent]) else { return }
            entries.swapAt(parent, weakest)
            parent = weakest
        }
    }
}
