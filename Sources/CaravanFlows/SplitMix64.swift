/// The only source of randomness of Caravan's synthetic data (the benchmarks' generators, the flows population): SplitMix64 (Steele, Lea, Flood 2014), seeded explicitly.
///
/// Not `SystemRandomNumberGenerator`: the same seed must give byte-identical files on every machine and
/// every run, so a benchmark figure can be reproduced and a difference traced to code, not to data.
/// SplitMix64 is tiny, fast (one add, two multiply-xorshifts) and passes BigCrush, ample for test data.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A generator for one item (profile `index`, vacancy `index`…): each item's values depend only on
    /// the seed and its index, so changing one template does not shift every later profile.
    public static func forItem(seed: UInt64, stream: UInt64, index: Int) -> SplitMix64 {
        var mixer = SplitMix64(seed: seed ^ (stream &* 0xD1B5_4A32_D192_ED03) ^ UInt64(index))
        return SplitMix64(seed: mixer.next())
    }

    /// 0 ..< bound, by Lemire's multiply-shift (the tiny bias is irrelevant for test data, speed is not).
    public mutating func below(_ bound: Int) -> Int {
        precondition(bound > 0)
        return Int((UInt64(UInt32(truncatingIfNeeded: next() >> 32)) &* UInt64(bound)) >> 32)
    }

    public mutating func int(in range: ClosedRange<Int>) -> Int {
        range.lowerBound + below(range.upperBound - range.lowerBound + 1)
    }

    /// True with probability `p`.
    public mutating func chance(_ p: Double) -> Bool { unit() < p }

    /// Uniform in [0, 1).
    public mutating func unit() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    public mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }
}

/// Items with integer weights, sampled in O(log n) by a cumulative table built once.
public struct Weighted<T: Sendable>: Sendable {
    public let items: [T]
    private let cumulative: [Int]

    public init(_ pairs: [(T, Int)]) {
        items = pairs.map(\.0)
        var sum = 0
        cumulative = pairs.map { sum += $0.1; return sum }
        precondition(sum > 0, "weights must add up to more than zero")
    }

    public func sample(_ rng: inout SplitMix64) -> T {
        let target = rng.below(cumulative.last!)
        var low = 0, high = cumulative.count - 1
        while low < high {
            let mid = (low + high) / 2
            if cumulative[mid] > target { high = mid } else { low = mid + 1 }
        }
        return items[low]
    }
}
