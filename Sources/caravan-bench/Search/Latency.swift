#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Monotonic nanoseconds: the same clock Python's `time.perf_counter_ns` reads on Linux.
@inline(__always)
func monotonicNanoseconds() -> UInt64 {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
}

/// CPU time of the whole process (all threads): unlike the wall clock, it does not count time spent
/// waiting for a core, so it compares two builds fairly on a machine other work is using.
@inline(__always)
func processCPUNanoseconds() -> UInt64 {
    var spec = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &spec)
    return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
}

enum Latency {
    /// Nearest-rank percentile (p in 0…100) of nanosecond samples, in milliseconds. The peer computes
    /// it the same way, so the two sides' p50 and p95 mean the same thing.
    static func percentileMS(_ samples: [UInt64], _ p: Double) -> Double {
        guard !samples.isEmpty else { return 0 }
        let sorted = samples.sorted()
        let rank = max(1, Int((p / 100 * Double(sorted.count)).rounded(.up)))
        return Double(sorted[min(rank, sorted.count) - 1]) / 1e6
    }

    /// The median of one query's repeated timings: one slow run (a page fault, a context switch)
    /// does not decide that query's figure.
    static func median(_ samples: [UInt64]) -> UInt64 {
        let sorted = samples.sorted()
        return sorted[sorted.count / 2]
    }
}
