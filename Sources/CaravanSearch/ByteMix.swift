/// The byte mixing behind the project's hand-rolled hash tables (`DocumentKeys`, the server's kept sentences):
/// eight bytes at a time, each word mixed in by a multiply and a shift, then the remaining bytes as one word.
/// Not a checksum: every table that uses it compares keys byte for byte on a hit.
public enum ByteMix {
    /// `hash` with `bytes` mixed in. `tail` is or-ed into the last word's free high byte (a field's length, say).
    @inlinable
    public static func mix(_ hash: UInt64, _ bytes: UnsafeRawBufferPointer, tail: UInt64 = 0) -> UInt64 {
        var hash = hash
        var offset = 0
        while offset + 8 <= bytes.count {
            hash = (hash ^ bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) &* 0xFF51_AFD7_ED55_8CCD
            hash ^= hash >> 32
            offset += 8
        }
        var last = tail
        var shift: UInt64 = 0
        while offset < bytes.count {
            last |= UInt64(bytes[offset]) << shift
            shift += 8
            offset += 1
        }
        hash = (hash ^ last) &* 0xC4CE_B9FE_1A85_EC53
        hash ^= hash >> 29
        return hash
    }
}
