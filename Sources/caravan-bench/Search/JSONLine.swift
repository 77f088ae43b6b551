/// A minimal reader for the flat JSON objects of profiles.jsonl.
///
/// Foundation's JSON decoding costs tens of microseconds a line, which at a million profiles would
/// dwarf the index build being measured; this reads one line's top-level fields in one pass.
/// Nested objects are skipped; arrays keep their strings and numbers.
enum JSONValue {
    case string(String)
    case number(Double)
    case bool(Bool)
    case null
    case array([JSONValue])
    case object

    var string: String? { if case .string(let value) = self { value } else { nil } }
    var number: Double? { if case .number(let value) = self { value } else { nil } }
    var bool: Bool? { if case .bool(let value) = self { value } else { nil } }
}

struct JSONLineParser {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0

    /// The top-level fields of the object in `bytes`, or nil if it is not a well-formed object.
    static func parseObject(_ bytes: UnsafeBufferPointer<UInt8>) -> [String: JSONValue]? {
        var parser = JSONLineParser(bytes: bytes)
        return parser.object(keep: true)
    }

    private init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    private var current: UInt8? { index < bytes.count ? bytes[index] : nil }

    private mutating func skipSpace() {
        while let byte = current, byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { index += 1 }
    }

    private mutating func expect(_ byte: UInt8) -> Bool {
        skipSpace()
        guard current == byte else { return false }
        index += 1
        return true
    }

    private mutating func object(keep: Bool) -> [String: JSONValue]? {
        guard expect(UInt8(ascii: "{")) else { return nil }
        var fields: [String: JSONValue] = [:]
        if expect(UInt8(ascii: "}")) { return fields }
        repeat {
            skipSpace()
            guard let key = string(), expect(UInt8(ascii: ":")), let value = value() else { return nil }
            if keep { fields[key] = value }
        } while expect(UInt8(ascii: ","))
        return expect(UInt8(ascii: "}")) ? fields : nil
    }

    private mutating func value() -> JSONValue? {
        skipSpace()
        guard let byte = current else { return nil }
        switch byte {
        case UInt8(ascii: "\""): return string().map(JSONValue.string)
        case UInt8(ascii: "{"): return object(keep: false).map { _ in .object }
        case UInt8(ascii: "["):
            index += 1
            var items: [JSONValue] = []
            if expect(UInt8(ascii: "]")) { return .array(items) }
            repeat {
                guard let item = value() else { return nil }
                items.append(item)
            } while expect(UInt8(ascii: ","))
            return expect(UInt8(ascii: "]")) ? .array(items) : nil
        case UInt8(ascii: "t"): return literal("true", .bool(true))
        case UInt8(ascii: "f"): return literal("false", .bool(false))
        case UInt8(ascii: "n"): return literal("null", .null)
        default: return number()
        }
    }

    private mutating func literal(_ word: StaticString, _ result: JSONValue) -> JSONValue? {
        let length = word.utf8CodeUnitCount
        guard index + length <= bytes.count else { return nil }
        for offset in 0..<length where bytes[index + offset] != word.utf8Start[offset] { return nil }
        index += length
        return result
    }

    private mutating func number() -> JSONValue? {
        let start = index
        while let byte = current, (byte >= 0x30 && byte <= 0x39) || byte == UInt8(ascii: "-")
            || byte == UInt8(ascii: "+") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e")
            || byte == UInt8(ascii: "E") { index += 1 }
        guard index > start else { return nil }
        return Double(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self))
            .map(JSONValue.number)
    }

    /// A string literal at `index` (which must be at its opening quote), escapes decoded.
    private mutating func string() -> String? {
        guard current == UInt8(ascii: "\"") else { return nil }
        index += 1
        let start = index
        // Fast path: no escapes, so the bytes between the quotes are the string.
        while let byte = current, byte != UInt8(ascii: "\""), byte != UInt8(ascii: "\\") { index += 1 }
        if current == UInt8(ascii: "\"") {
            defer { index += 1 }
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        }
        var scalars = String.UnicodeScalarView()
        scalars.append(contentsOf: String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]),
                                          as: UTF8.self).unicodeScalars)
        var pendingHigh: UInt32?
        while let byte = current {
            index += 1
            if byte == UInt8(ascii: "\"") { return String(scalars) }
            guard byte == UInt8(ascii: "\\") else {
                // Multi-byte UTF-8: copy the whole sequence through the decoder.
                var end = index
                while end < bytes.count, bytes[end] & 0xC0 == 0x80 { end += 1 }
                scalars.append(contentsOf: String(decoding: UnsafeBufferPointer(rebasing: bytes[(index - 1)..<end]),
                                                  as: UTF8.self).unicodeScalars)
                index = end
                continue
            }
            guard let escape = current else { return nil }
            index += 1
            switch escape {
            case UInt8(ascii: "n"): scalars.append("\n")
            case UInt8(ascii: "t"): scalars.append("\t")
            case UInt8(ascii: "r"): scalars.append("\r")
            case UInt8(ascii: "b"): scalars.append("\u{8}")
            case UInt8(ascii: "f"): scalars.append("\u{C}")
            case UInt8(ascii: "u"):
                guard index + 4 <= bytes.count,
                      let code = UInt32(String(decoding: UnsafeBufferPointer(rebasing: bytes[index..<(index + 4)]),
                                               as: UTF8.self), radix: 16) else { return nil }
                index += 4
                if (0xD800..<0xDC00).contains(code) { pendingHigh = code; continue }
                if (0xDC00..<0xE000).contains(code), let high = pendingHigh {
                    pendingHigh = nil
                    let combined = 0x10000 + ((high - 0xD800) << 10) + (code - 0xDC00)
                    if let scalar = Unicode.Scalar(combined) { scalars.append(scalar) }
                    continue
                }
                scalars.append(Unicode.Scalar(code) ?? "\u{FFFD}")
            default: scalars.append(Unicode.Scalar(escape))
            }
        }
        return nil
    }
}
