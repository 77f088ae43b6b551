import Foundation
import Testing
@testable import CaravanRegistry

@Suite("Strict bounded CBOR decoder")
struct CBORTests {
    func decode(_ hex: String) throws(WebAuthnError) -> WebAuthn.CBORValue {
        try WebAuthn.CBORDecoder.decodeComplete(Data(fixtureHex: hex))
    }

    @Test("RFC 8949 Appendix A examples within the supported subset decode to their values")
    func rfcExamples() throws {
        #expect(try decode("00") == .unsigned(0))
        #expect(try decode("17") == .unsigned(23))
        #expect(try decode("1818") == .unsigned(24))
        #expect(try decode("1903e8") == .unsigned(1000))
        #expect(try decode("1a000f4240") == .unsigned(1_000_000))
        #expect(try decode("1bffffffffffffffff") == .unsigned(UInt64.max))
        #expect(try decode("20") == .negative(0))
        #expect(try decode("20").intValue == -1)
        #expect(try decode("3863").intValue == -100)
        #expect(try decode("390100").intValue == -257)
        #expect(try decode("3bffffffffffffffff") == .negative(UInt64.max))
        #expect(try decode("3bffffffffffffffff").intValue == nil)
        #expect(try decode("1bffffffffffffffff").intValue == nil)
        #expect(try decode("40") == .bytes([]))
        #expect(try decode("4401020304") == .bytes([1, 2, 3, 4]))
        #expect(try decode("60") == .text(""))
        #expect(try decode("6449455446") == .text("IETF"))
        #expect(try decode("62c3bc") == .text("ü"))
        #expect(try decode("80") == .array([]))
        #expect(try decode("83010203") == .array([.unsigned(1), .unsigned(2), .unsigned(3)]))
        #expect(try decode("a0") == .map([]))
        #expect(try decode("a201020304") == .map([
            WebAuthn.CBORMapEntry(key: .unsigned(1), value: .unsigned(2)),
            WebAuthn.CBORMapEntry(key: .unsigned(3), value: .unsigned(4)),
        ]))
        #expect(try decode("f4") == .bool(false))
        #expect(try decode("f5") == .bool(true))
        #expect(try decode("f6") == .null)
    }

    @Test("map lookups by text and integer keys, including negative COSE labels")
    func mapLookup() throws {
        let value = try decode("a3616101" + "20" + "02" + "0103")  // {"a": 1, -1: 2, 1: 3}
        #expect(value[text: "a"] == .unsigned(1))
        #expect(value[int: -1] == .unsigned(2))
        #expect(value[int: 1] == .unsigned(3))
        #expect(value[int: 2] == nil)
        #expect(WebAuthn.CBORValue.array([])[text: "a"] == nil)
    }

    @Test("refused: features WebAuthn does not use",
          arguments: [
              "5f4101ff",  // indefinite-length byte string
              "9f01ff",    // indefinite-length array
              "bf6101" + "01ff",  // indefinite-length map
              "c11a514b67b0",  // tag 1 (epoch time)
              "d818456449455446",  // tag 24
              "f7",        // undefined
              "f0",        // simple(16)
              "f820",      // simple(32), two-byte form
              "f93c00",    // half float 1.0
              "fa47c35000",  // single float
              "fb3ff199999999999a",  // double float
              "ff",        // lone break
              "1c", "1d", "1e",  // reserved additional information
          ])
    func unsupportedFeatures(hex: String) {
        #expect(throws: WebAuthnError.malformed) { try decode(hex) }
    }

    @Test("refused: truncated items", arguments: ["", "18", "19", "1a0000", "1b00000000", "42", "4201", "6261",
                                                  "82", "8201", "a1", "a101", "5a0000", "59"])
    func truncated(hex: String) {
        #expect(throws: WebAuthnError.malformed) { try decode(hex) }
    }

    @Test("refused: trailing bytes after a complete item")
    func trailingBytes() {
        #expect(throws: WebAuthnError.malformed) { try decode("0000") }
        #expect(throws: WebAuthnError.malformed) { try decode("a0a0") }
    }

    @Test("decodeItem leaves trailing bytes for the caller (COSE key followed by extensions)")
    func decodeItemPrefix() throws {
        var decoder = WebAuthn.CBORDecoder(bytes: [0xa0, 0x01, 0x02])
        #expect(try decoder.decodeItem() == .map([]))
        #expect(decoder.offset == 1)
        #expect(!decoder.isAtEnd)
    }

    @Test("refused: declared lengths larger than the input, without allocating them")
    func hugeLengths() {
        #expect(throws: WebAuthnError.malformed) { try decode("5bffffffffffffffff") }  // 2^64-1 byte string
        #expect(throws: WebAuthnError.malformed) { try decode("7b7fffffffffffffff") }  // 2^63-1 text string
        #expect(throws: WebAuthnError.malformed) { try decode("5a7fffffff00") }        // 2 GiB byte string
        #expect(throws: WebAuthnError.malformed) { try decode("9bffffffffffffffff") }  // 2^64-1 items
        #expect(throws: WebAuthnError.malformed) { try decode("bb4000000000000000") }  // 2^62 entries
        #expect(throws: WebAuthnError.malformed) { try decode("9a0000ffff" + String(repeating: "00", count: 100)) }
    }

    @Test("refused: containers with more than the element limit")
    func containerCount() throws {
        let ok = "9903ff" + String(repeating: "00", count: 1023)
        #expect(try decode(ok) == .array(Array(repeating: .unsigned(0), count: 1023)))
        let tooMany = "990401" + String(repeating: "00", count: 1025)
        #expect(throws: WebAuthnError.malformed) { try decode(tooMany) }
    }

    @Test("refused: nesting deeper than the limit (no stack exhaustion on 60 000 nested arrays)")
    func depth() throws {
        #expect(try decode(String(repeating: "81", count: 16) + "00") != .null)
        #expect(throws: WebAuthnError.malformed) { try decode(String(repeating: "81", count: 17) + "00") }
        let deep = Data(repeating: 0x81, count: 60_000) + Data([0])
        #expect(throws: WebAuthnError.malformed) { try WebAuthn.CBORDecoder.decodeComplete(deep) }
        let deepMaps = Data([UInt8](repeating: 0xa1, count: 30_000).flatMap { [$0, 0x00] }.dropLast())
        #expect(throws: WebAuthnError.malformed) { try WebAuthn.CBORDecoder.decodeComplete(deepMaps) }
    }

    @Test("refused: input over the size limit")
    func inputSize() {
        let big = Data([0x5a, 0x00, 0x01, 0x00, 0x00]) + Data(repeating: 0, count: 65_536)
        #expect(throws: WebAuthnError.malformed) { try WebAuthn.CBORDecoder.decodeComplete(big) }
    }

    @Test("refused: duplicate map keys", arguments: ["a2010201 03", "a2616101616102", "a2200120 02"])
    func duplicateKeys(hex: String) {
        #expect(throws: WebAuthnError.malformed) { try decode(hex.replacingOccurrences(of: " ", with: "")) }
    }

    @Test("refused: text that is not valid UTF-8", arguments: ["61ff", "62c328", "63e28228", "61c3", "64f0908c28"])
    func invalidUTF8(hex: String) {
        #expect(throws: WebAuthnError.malformed) { try decode(hex) }
    }

    @Test("a Data slice with a non-zero startIndex decodes the same")
    func dataSlice() throws {
        let sliced = (Data([0xff, 0xff]) + Data(fixtureHex: "a1616101")).dropFirst(2)
        #expect(sliced.startIndex == 2)
        #expect(try WebAuthn.CBORDecoder.decodeComplete(sliced) == .map([WebAuthn.CBORMapEntry(key: .text("a"), value: .unsigned(1))]))
    }

    @Test("non-minimal integer encodings are accepted (browsers re-encode; strictness is in structure, not form)")
    func nonMinimal() throws {
        #expect(try decode("1800") == .unsigned(0))
        #expect(try decode("190001") == .unsigned(1))
    }
}
