/// One event in sixteen bytes, as the import sorts and spills it: the subscriber, then day, country and count packed
/// into one word so that ordering by (`subscriber`, `key`) is ordering by subscriber, day, country — the order the
/// columnar file stores and the classifier reads.
public struct PackedEvent: Hashable, Sendable {
    public var subscriber: UInt64
    /// day (16 bits, days since 1970-01-01; 2100-12-31 is 47,846) · country (16 bits) · count (32 bits).
    public var key: UInt64

    public init(subscriber: UInt64, day: UInt16, country: UInt16, count: UInt32) {
        self.subscriber = subscriber
        key = UInt64(day) << 48 | UInt64(country) << 32 | UInt64(count)
    }

    public init(_ event: MobilityEvent) {
        self.init(subscriber: event.subscriber, day: UInt16(event.day), country: event.country.raw, count: event.count)
    }

    @inline(__always) public var day: UInt16 { UInt16(truncatingIfNeeded: key >> 48) }
    @inline(__always) public var country: UInt16 { UInt16(truncatingIfNeeded: key >> 32) }
    @inline(__always) public var count: UInt32 { UInt32(truncatingIfNeeded: key) }

    @inline(__always) static func precedes(_ a: PackedEvent, _ b: PackedEvent) -> Bool {
        a.subscriber < b.subscriber || (a.subscriber == b.subscriber && a.key < b.key)
    }
}
