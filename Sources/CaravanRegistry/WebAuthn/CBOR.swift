import Foundation

// Internal types live inside `WebAuthn` so that other files of the module cannot clash with them.
extension WebAuthn {
    /// The subset of CBOR (RFC 8949) that WebAuthn attestation objects, authenticator extension outputs and
    /// COSE keys use (WebAuthn Level 2 §6.5, §6.5.1.1).
    ///
    /// Decoded values keep their bytes as `[UInt8]` (zero-based) so that nothing downstream indexes a `Data` slice.
    indirect enum CBORValue: Hashable, Sendable {
        case unsigned(UInt64)
        /// A negative integer `-1 - n`, stored as `n` so the full CBOR range fits.
        case negative(UInt64)
        case bytes([UInt8])
        case text(String)
        case array([CBORValue])
        /// Entries in encoded order; keys are unique (the decoder refuses duplicates).
        case map([CBORMapEntry])
        case bool(Bool)
        case null

        /// The integer value when it fits in `Int`.
        var intValue: Int? {
            switch self {
            case .unsigned(let n):
                return n <= UInt64(Int.max) ? Int(n) : nil
            case .negative(let n):
                return n <= UInt64(Int.max) ? -1 - Int(n) : nil
            default:
                return nil
            }
        }

        /// The value stored under `key` when `self` is a map.
        subscript(key: CBORValue) -> CBORValue? {
            guard case .map(let entries) = self else { return nil }
            return entries.first(where: { $0.key == key })?.value
        }

        subscript(text key: String) -> CBORValue? { self[.text(key)] }

        subscript(int key: Int) -> CBORValue? {
            self[key >= 0 ? .unsigned(UInt64(key)) : .negative(UInt64(-1 - key))]
        }
    }

    struct CBORMapEntry: Hashable, Sendable {
        let key: CBORValue
        let value: CBORValue
    }

    /// A strict, bounded CBOR decoder: definite lengths only, no tags, no floats, no `undefined` or other simple
    /// values beyond `false`/`true`/`null`, text must be valid UTF-8, map keys must be unique, nesting is limited
    /// and every declared length is checked against the bytes that remain before anything is allocated.
    /// Every failure is `WebAuthnError.malformed`; nothing here traps on hostile input.
    struct CBORDecoder {
        struct Limits: Sendable {
            /// Larger inputs are refused outright.
            var maxInputBytes = 65_536
            /// Arrays and maps nested deeper than this are refused (bounds recursion).
            var maxDepth = 16
            /// More elements (or map entries) than this in one container are refused.
            var maxContainerCount = 1_024
        }

        private let bytes: [UInt8]
        private let limits: Limits
        /// Index of the next unread byte.
        private(set) var offset = 0

        init(bytes: [UInt8], limits: Limits = Limits()) {
            self.bytes = bytes
            self.limits = limits
        }

        var isAtEnd: Bool { offset == bytes.count }

        /// Decodes exactly one item that must span all of `bytes` (trailing bytes are refused).
        static func decodeComplete(_ bytes: [UInt8], limits: Limits = Limits()) throws(WebAuthnError) -> CBORValue {
            var decoder = CBORDecoder(bytes: bytes, limits: limits)
            let value = try decoder.decodeItem()
            guard decoder.isAtEnd else { throw .malformed }
            return value
        }

        static func decodeComplete(_ data: Data, limits: Limits = Limits()) throws(WebAuthnError) -> CBORValue {
            guard data.count <= limits.maxInputBytes else { throw .malformed }
            return try decodeComplete([UInt8](data), limits: limits)
        }

        /// Decodes the next item and leaves `offset` just past it.
        mutating func decodeItem() throws(WebAuthnError) -> CBORValue {
            guard bytes.count <= limits.maxInputBytes else { throw .malformed }
            return try decode(depth: 0)
        }

        // MARK: - Internals

        private var remaining: Int { bytes.count - offset }

        private mutating func readByte() throws(WebAuthnError) -> UInt8 {
            guard offset < bytes.count else { throw .malformed }
            let byte = bytes[offset]
            offset += 1
            return byte
        }

        private mutating func readBytes(_ count: Int) throws(WebAuthnError) -> [UInt8] {
            guard count >= 0, count <= remaining else { throw .malformed }
            let slice = Array(bytes[offset..<(offset + count)])
            offset += count
            return slice
        }

        private mutating func readUInt(byteCount: Int) throws(WebAuthnError) -> UInt64 {
            var value: UInt64 = 0
            for _ in 0..<byteCount {
                value = (value << 8) | UInt64(try readByte())
            }
            return value
        }

        /// The argument of a data item head (RFC 8949 §3).
        private mutating func readArgument(_ info: UInt8) throws(WebAuthnError) -> UInt64 {
            switch info {
            case 0...23: return UInt64(info)
            case 24: return try readUInt(byteCount: 1)
            case 25: return try readUInt(byteCount: 2)
            case 26: return try readUInt(byteCount: 4)
            case 27: return try readUInt(byteCount: 8)
            default: throw .malformed  // 28–30 reserved, 31 indefinite length
            }
        }

        /// A length that must fit in what is left of the input, each unit taking at least `unitBytes` bytes.
        private func checkedCount(_ argument: UInt64, unitBytes: Int) throws(WebAuthnError) -> Int {
            guard argument <= UInt64(remaining / unitBytes) else { throw .malformed }
            return Int(argument)
        }

        private mutating func decode(depth: Int) throws(WebAuthnError) -> CBORValue {
            guard depth <= limits.maxDepth else { throw .malformed }
            let initial = try readByte()
            let major = initial >> 5
            let info = initial & 0x1f

            switch major {
            case 0:
                return .unsigned(try readArgument(info))
            case 1:
                return .negative(try readArgument(info))
            case 2:
                let count = try checkedCount(try readArgument(info), unitBytes: 1)
                return .bytes(try readBytes(count))
            case 3:
                let count = try checkedCount(try readArgument(info), unitBytes: 1)
                let raw = try readBytes(count)
                let text = String(decoding: raw, as: UTF8.self)
                // `String(decoding:)` repairs invalid UTF-8; a repaired string no longer round-trips.
                guard Array(text.utf8) == raw else { throw .malformed }
                return .text(text)
            case 4:
                let count = try checkedCount(try readArgument(info), unitBytes: 1)
                guard count <= limits.maxContainerCount else { throw .malformed }
                var items = [CBORValue]()
                items.reserveCapacity(count)
                for _ in 0..<count {
                    items.append(try decode(depth: depth + 1))
                }
                return .array(items)
            case 5:
                let count = try checkedCount(try readArgument(info), unitBytes: 2)
                guard count <= limits.maxContainerCount else { throw .malformed }
                var entries = [CBORMapEntry]()
                entries.reserveCapacity(count)
                var seen = Set<CBORValue>()
                for _ in 0..<count {
                    let key = try decode(depth: depth + 1)
                    guard seen.insert(key).inserted else { throw .malformed }
                    let value = try decode(depth: depth + 1)
                    entries.append(CBORMapEntry(key: key, value: value))
                }
                return .map(entries)
            case 7:
                switch info {
                case 20: return .bool(false)
                case 21: return .bool(true)
                case 22: return .null
                default: throw .malformed  // undefined, other simple values, floats, break
                }
            default:
                throw .malformed  // major type 6 (tags) is not used by WebAuthn structures
            }
        }
    }
}
