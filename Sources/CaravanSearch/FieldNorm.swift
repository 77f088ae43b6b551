/// Field lengths on one byte, as Lucene and tantivy store them for scoring: exact up to 40 terms, then
/// on a log scale (42, 44, …, 56, 60, 64, …). Scoring reads one document's lengths per candidate, at
/// random, so a byte per field keeps that table four times smaller and mostly in cache; and BM25 then
/// sees the lengths tantivy sees, so the two rank alike.
enum FieldNorm {
    /// The length each of the 256 codes stands for, ascending.
    static let lengths: [UInt32] = (0...255).map { decode(UInt8($0)) }

    /// Lucene's `SmallFloat.byte4ToInt`: codes below 24 are the length itself, the rest a 3-bit
    /// mantissa with an exponent.
    static func decode(_ code: UInt8) -> UInt32 {
        guard code >= 24 else { return UInt32(code) }
        let rest = UInt32(code - 24)
        let bits = rest & 7
        let shift = rest >> 3
        return 24 + (shift == 0 ? bits : (bits | 8) << (shift - 1))
    }

    /// The largest code whose length does not exceed `length`.
    static func encode(_ length: UInt32) -> UInt8 {
        var low = 0
        var high = 255
        while low < high {
            let middle = (low + high + 1) >> 1
            if lengths[middle] <= length { low = middle } else { high = middle - 1 }
        }
        return UInt8(low)
    }
}
