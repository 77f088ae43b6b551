import Foundation
import Testing
@testable import CaravanRegistry

@Suite("Base64URL")
struct Base64URLTests {
    /// RFC 4648 §10 test vectors, in the url-safe alphabet without padding.
    @Test("RFC 4648 vectors encode without padding and decode back",
          arguments: [("", ""), ("f", "Zg"), ("fo", "Zm8"), ("foo", "Zm9v"), ("foob", "Zm9vYg"),
                      ("fooba", "Zm9vYmE"), ("foobar", "Zm9vYmFy")])
    func rfcVectors(plain: String, encoded: String) {
        #expect(Base64URL.encode(Data(plain.utf8)) == encoded)
        #expect(Base64URL.decode(encoded) == Data(plain.utf8))
    }

    @Test("uses - and _ where base64 has + and /")
    func urlAlphabet() {
        let bytes = Data([0xfb, 0xff, 0xbf, 0xfe])
        #expect(bytes.base64EncodedString() == "+/+//g==")
        #expect(Base64URL.encode(bytes) == "-_-__g")
        #expect(Base64URL.decode("-_-__g") == bytes)
    }

    @Test("tolerates correct padding on input")
    func padding() {
        #expect(Base64URL.decode("Zg==") == Data("f".utf8))
        #expect(Base64URL.decode("Zm8=") == Data("fo".utf8))
        #expect(Base64URL.decode("-_-__g==") == Data([0xfb, 0xff, 0xbf, 0xfe]))
    }

    @Test("refuses characters outside the url-safe alphabet, bad padding and impossible lengths",
          arguments: ["+/+//g", "Zg=", "Zg===", "Z", "Zm9vY", "Zm 9v", "Zm9v\n", "Z=g", "=", "Zm8==", "é"])
    func refusals(text: String) {
        #expect(Base64URL.decode(text) == nil)
    }

    @Test("round-trips random bytes of every length up to 70")
    func roundTrip() {
        var rng = SeededGenerator(seed: 42)
        for length in 0...70 {
            let bytes = Data((0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) })
            let text = Base64URL.encode(bytes)
            #expect(!text.contains("=") && !text.contains("+") && !text.contains("/"))
            #expect(Base64URL.decode(text) == bytes)
        }
    }
}
