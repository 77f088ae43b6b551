/// LEB128 variable-length integers: seven bits a byte, high bit set on every byte but the last.
/// Postings are mostly small gaps and term frequencies of 1, so most values take one byte.
enum VarInt {
    @inline(__always)
    static func append(_ value: UInt64, to bytes: inout ContiguousArray<UInt8>) {
        // Most gaps and frequencies fit one byte.
        if value < 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: value))
            return
        }
        var rest = value
        while rest >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
    }

    /// Reads one value at `offset` and moves past it. One- and two-byte values (nearly every frequency)
    /// take the inlined fast path; longer ones a loop kept out of line so the hot decoding loops stay
    /// small. Posting gaps are read with `readShort` instead.
    @inline(__always)
    static func read(_ bytes: UnsafeBufferPointer<UInt8>, at offset: inout Int) -> UInt64 {
        let first = bytes[offset]
        if first < 0x80 {
            offset &+= 1
            return UInt64(first)
        }
        let second = bytes[offset &+ 1]
        if second < 0x80 {
            offset &+= 2
            return UInt64(first & 0x7F) | UInt64(second) << 7
        }
        offset &+= 2
        return readRest(bytes, at: &offset, low: UInt64(first & 0x7F) | UInt64(second & 0x7F) << 7)
    }

    /// `read` without a branch on the value's length when it takes one or two bytes: both bytes are
    /// loaded and the second is masked in only if the first says so. In a list of a term held by a few
    /// percent of the documents a gap takes one byte or two at random, so `read`'s branch on it is
    /// mispredicted on a good share of postings (a common term's nearly all one-byte gaps are decoded eight
    /// at once, see `PostingList.decodeDocuments`). Only a value of three or more bytes (a rare term's long
    /// gap) goes through the loop. `last` is the buffer's last index, so the look-ahead never reads past it.
    @inline(__always)
    static func readShort(_ bytes: UnsafeBufferPointer<UInt8>, at offset: inout Int, last: Int) -> UInt64 {
        let first = UInt64(bytes[offset])
        let second = UInt64(bytes[min(offset &+ 1, last)])
        guard first & second & 0x80 == 0 else {
            offset &+= 2
            return readRest(bytes, at: &offset, low: first & 0x7F | (second & 0x7F) << 7)
        }
        // 1 when the value takes two bytes; then `second` is below 0x80, its last byte.
        let long = first >> 7
        offset &+= 1 &+ Int(truncatingIfNeeded: long)
        return first & 0x7F | second << 7 & (0 &- long)
    }

    @inline(never)
    private static func readRest(_ bytes: UnsafeBufferPointer<UInt8>, at offset: inout Int, low: UInt64) -> UInt64 {
        var result = low
        var shift: UInt64 = 14
        while true {
            let byte = bytes[offset]
            offset &+= 1
            result |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return result }
            shift += 7
        }
    }

    /// Moves `offset` past `count` values without decoding them: a value ends at its first byte below 0x80.
    @inline(__always)
    static func skip(_ count: Int, in bytes: UnsafeBufferPointer<UInt8>, at offset: inout Int) {
        var left = count
        while left > 0 {
            if bytes[offset] < 0x80 { left &-= 1 }
            offset &+= 1
        }
    }
}
