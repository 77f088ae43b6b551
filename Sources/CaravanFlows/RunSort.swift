/// Sorting one run of events in memory by (subscriber, day, country, count): one stable scatter pass on the top bits
/// in which the run's subscribers differ (about eight events a bucket), then each bucket sorted on its own —
/// insertion sort for the small ones (nearly free when the input came in day order), the standard library's for the
/// rest. Linear in practice whatever the subscribers' numbering (hashes or 1…n), never worse than n log n.
enum RunSort {
    /// Sorts `count` events of `data` using `scratch` (as large); returns whichever of the two holds the result.
    static func sort(_ data: UnsafeMutablePointer<PackedEvent>, scratch: UnsafeMutablePointer<PackedEvent>,
                     count: Int) -> UnsafeMutablePointer<PackedEvent> {
        guard count > 1 else { return data }
        var low = data[0].subscriber, high = low
        for index in 1..<count {
            let sub = data[index].subscriber
            if sub < low { low = sub }
            if sub > high { high = sub }
        }
        if low == high {
            sortRange(data, 0, count)
            return data
        }
        // About eight events a bucket, at most 2^20 buckets (4 MB of counters).
        let bits = max(1, min(20, (Int.bitWidth - (count / 8).leadingZeroBitCount)))
        let significant = UInt64.bitWidth - (low ^ high).leadingZeroBitCount
        let shift = UInt64(max(0, significant - bits))
        let base = low >> shift
        let buckets = Int((high >> shift) - base) + 1
        let starts = UnsafeMutablePointer<Int>.allocate(capacity: buckets + 1)
        defer { starts.deallocate() }
        starts.initialize(repeating: 0, count: buckets + 1)
        for index in 0..<count { starts[Int((data[index].subscriber >> shift) - base) + 1] += 1 }
        for bucket in 0..<buckets { starts[bucket + 1] += starts[bucket] }
        // Scatter (stable: a bucket keeps the input's order, which for day-ordered dumps is nearly sorted).
        let next = UnsafeMutablePointer<Int>.allocate(capacity: buckets)
        defer { next.deallocate() }
        next.initialize(from: starts, count: buckets)
        for index in 0..<count {
            let event = data[index]
            let bucket = Int((event.subscriber >> shift) - base)
            scratch[next[bucket]] = event
            next[bucket] += 1
        }
        for bucket in 0..<buckets where starts[bucket + 1] - starts[bucket] > 1 {
            sortRange(scratch, starts[bucket], starts[bucket + 1])
        }
        return scratch
    }

    @inline(__always)
    static func sortRange(_ data: UnsafeMutablePointer<PackedEvent>, _ start: Int, _ end: Int) {
        if end - start <= 48 {
            var index = start + 1
            while index < end {
                let event = data[index]
                var hole = index
                while hole > start, PackedEvent.precedes(event, data[hole - 1]) {
                    data[hole] = data[hole - 1]
                    hole -= 1
                }
                data[hole] = event
                index += 1
            }
        } else {
            var slice = UnsafeMutableBufferPointer(start: data + start, count: end - start)
            slice.sort(by: PackedEvent.precedes)
        }
    }
}
