/// Counts failed sign-ins per key (an account, an address) in a sliding window and says when to refuse.
///
/// A value type with the time passed in, so tests move the clock; the server keeps one behind an actor.
public struct LoginThrottle: Sendable {
    public struct Limit: Sendable {
        public let failures: Int
        public let window: Double

        public init(failures: Int, window: Double) {
            self.failures = failures
            self.window = window
        }
    }

    public enum Decision: Equatable, Sendable {
        case allowed
        /// Refused; try again after this many seconds.
        case refused(retryAfter: Int)
    }

    private var failures: [String: [Double]] = [:]
    public let limit: Limit

    public init(limit: Limit) {
        self.limit = limit
    }

    /// Whether another attempt for `key` may be tried at `now` (seconds on any monotonic-enough clock).
    public mutating func decision(for key: String, now: Double) -> Decision {
        let recent = prune(key, now: now)
        guard recent.count >= limit.failures, let oldest = recent.first else { return .allowed }
        let wait = Int((oldest + limit.window - now).rounded(.up))
        return .refused(retryAfter: max(1, wait))
    }

    public mutating func recordFailure(for key: String, now: Double) {
        var recent = prune(key, now: now)
        recent.append(now)
        failures[key] = recent
    }

    public mutating func reset(_ key: String) {
        failures[key] = nil
    }

    /// Keys with live failures; bounded by pruning on every touch so memory follows the attack, not history.
    public var trackedKeys: Int { failures.count }

    private mutating func prune(_ key: String, now: Double) -> [Double] {
        let kept = (failures[key] ?? []).filter { now - $0 < limit.window }
        failures[key] = kept.isEmpty ? nil : kept
        return kept
    }
}
