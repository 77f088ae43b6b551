import Testing
@testable import CaravanSearch

/// `DocumentKeys` is the index's own hash table (linear probing, removal by moving entries back): it must
/// agree with a `Dictionary` through any mix of adds, replacements and removals.
@Suite struct DocumentKeysTests {
    @Test func agreesWithADictionaryThroughAddsReplacementsAndRemovals() {
        var keys = DocumentKeys()
        var reference: [String: DocID] = [:]
        var state: UInt64 = 0x2545_F491_4F6C_DD1D
        func next() -> Int {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return Int(state % 5_000)
        }
        // Short and long keys (the hash reads eight bytes at a time, then the rest), with many repeats.
        func key(_ number: Int) -> String { number % 3 == 0 ? "k\(number)" : "profile-\(number)-\(String(repeating: "x", count: number % 11))" }
        for step in 0..<40_000 {
            let name = key(next())
            if step % 3 == 2 {
                #expect(keys.remove(name) == reference.removeValue(forKey: name))
            } else {
                let (doc, replaced) = keys.append(name)
                #expect(doc == DocID(step - step / 3))
                #expect(replaced == reference.updateValue(doc, forKey: name))
            }
        }
        #expect(keys.liveCount == reference.count)
        for number in 0..<5_000 { #expect(keys.doc(for: key(number)) == reference[key(number)]) }
        #expect(keys.doc(for: "never added") == nil)
    }

    @Test func equalityIsAboutContentNotLayout() {
        var grown = DocumentKeys()
        var reserved = DocumentKeys()
        reserved.reserve(1_000)
        for number in 0..<1_000 {
            _ = grown.append("d\(number)")
            _ = reserved.append("d\(number)")
        }
        #expect(grown == reserved)
        _ = reserved.remove("d7")
        #expect(grown != reserved)
        #expect(DocumentKeys(allLive: (0..<10).map { "d\($0)" }).doc(for: "d9") == 9)
    }
}
