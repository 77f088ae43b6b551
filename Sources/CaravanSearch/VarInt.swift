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

    @inline(__always)
    static func read(_ bytes: UnsafeBufferPointer<UInt8>, at offset: inout Int) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let byte = bytes[offset]
            offset += 1
            result |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return result }
            shift += 7
        }
    }
}
