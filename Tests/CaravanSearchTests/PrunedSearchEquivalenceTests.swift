import Foundation
import Testing
@testable import CaravanSearch

/// The pruned search must return exactly what scoring every posting returns.
@Suite struct PrunedSearchEquivalenceTests {
    static let vocabulary = (0..<400).map { "w\($0)" }

    /// A few thousand documents with a skewed (Zipf-like) word distribution, like real text: a few very
    /// common terms with long lists (many blocks) and a long tail of rare ones.
    static let corpus: InvertedIndex = {
        var generator = SeededGenerator(seed: 2024)
        var index = InvertedIndex()
        for number in 0..<4000 {
            func words(_ count: Int) -> String {
                (0..<count).map { _ in vocabulary[skewedIndex(&generator)] }.joined(separator: " ")
            }
            index.add(SearchDocument(
                key: "doc\(number)",
                fields: ["title": words(Int.random(in: 1...4, using: &generator)),
                         "skills": words(Int.random(in: 0...8, using: &generator)),
                         "summary": words(Int.random(in: 0...60, using: &generator))],
                facets: ["country": [["uz", "kz", "kg", "tj"][number % 4]]],
                numbers: ["salary": Int64.random(in: 50...500, using: &generator) * 1000]))
        }
        // Some churn, so tombstones are exercised too.
        for number in stride(from: 0, to: 4000, by: 7) { index.remove(key: "doc\(number)") }
        return index
    }()

    static func skewedIndex(_ generator: inout SeededGenerator) -> Int {
        let uniform = Double.random(in: 0..<1, using: &generator)
        return min(vocabulary.count - 1, Int(pow(uniform, 3) * Double(vocabulary.count)))
    }

    static func queries(seed: UInt64, count: Int) -> [String] {
        var generator = SeededGenerator(seed: seed)
        return (0..<count).map { _ in
            (0..<Int.random(in: 1...4, using: &generator)).map { _ in vocabulary[skewedIndex(&generator)] }
                .joined(separator: " ")
        }
    }

    @Test(arguments: [SearchQuery.Mode.any, .all], [1, 10, 50])
    func prunedEqualsExhaustive(mode: SearchQuery.Mode, limit: Int) {
        var prunedWork = 0
        var exhaustiveWork = 0
        for text in Self.queries(seed: UInt64(limit), count: 150) {
            let query = SearchQuery(text, mode: mode, limit: limit)
            let pruned = Self.corpus.search(query)
            let reference = Self.corpus.searchExhaustively(query)
            #expect(pruned.hits == reference.hits, "\(text)")
            prunedWork += pruned.scoredDocuments
            exhaustiveWork += reference.scoredDocuments
        }
        // Not scoring every posting: for top-10 OR, far fewer documents are fully scored than postings read.
        if mode == .any && limit == 10 { #expect(prunedWork * 2 < exhaustiveWork, "\(prunedWork) vs \(exhaustiveWork)") }
    }

    /// The corpus fits one default window; small windows make the OR search cross window boundaries
    /// hundreds of times per query, with one and with several essential lists, filtered and not.
    /// Non-essential lists are probed by decoding a window of them or by moving a cursor to each
    /// candidate (then scored at once), chosen by density; each way is forced here too.
    @Test(arguments: [64, 128, 1024], [1, 10, 50])
    func prunedEqualsExhaustiveAcrossWindows(window: Int, limit: Int) {
        let filter = SearchFilter.all([.not(.facet("country", "kz")), .atLeast("salary", 150_000)])
        for (number, text) in Self.queries(seed: UInt64(limit * 7 + window), count: 120).enumerated() {
            let query = SearchQuery(text, mode: .any, filter: number % 3 == 0 ? filter : nil, limit: limit)
            let reference = Self.corpus.searchExhaustively(query).hits
            for probeDensely in [nil, true, false] as [Bool?] {
                #expect(Self.corpus.search(query, window: window, probeDensely: probeDensely).hits == reference,
                        "\(text), window \(window), dense \(String(describing: probeDensely))")
            }
        }
    }

    @Test(arguments: [SearchQuery.Mode.any, .all])
    func prunedEqualsExhaustiveWithFilters(mode: SearchQuery.Mode) {
        let filters: [SearchFilter] = [
            .facet("country", "uz"),
            .range("salary", 100_000...200_000),
            .all([.not(.facet("country", "kz")), .atLeast("salary", 300_000)]),
        ]
        for (number, text) in Self.queries(seed: 99, count: 60).enumerated() {
            let query = SearchQuery(text, mode: mode, filter: filters[number % filters.count], limit: 10)
            #expect(Self.corpus.search(query).hits == Self.corpus.searchExhaustively(query).hits, "\(text)")
        }
    }
}

@Suite struct SearchBadInputTests {
    let index = PrunedSearchEquivalenceTests.corpus

    @Test func emptyAndStopWordOnlyQueriesReturnNothing() {
        #expect(index.search(SearchQuery("")).hits.isEmpty)
        #expect(index.search(SearchQuery("   \n\t ")).hits.isEmpty)
        #expect(index.search(SearchQuery("the and of", mode: .all)).hits.isEmpty)
    }

    @Test func hugeBinaryAndMixedScriptQueriesFinishQuickly() {
        var generator = SeededGenerator(seed: 5)
        let binary = String(decoding: (0..<100_000).map { _ in UInt8.random(in: 0...255, using: &generator) },
                            as: UTF8.self)
        let huge = String(repeating: "w1 w2 разработчик java ", count: 5000)
        let mixed = "w1 Jаvа (Cyrillic а) 日本語 w3 ☃ \u{0}\u{FFFF} w5"
        let started = Date()
        for text in [binary, huge, mixed] {
            for mode in [SearchQuery.Mode.any, .all] {
                let result = index.search(SearchQuery(text, mode: mode))
                #expect(result.hits.count <= 10)
            }
        }
        #expect(index.search(SearchQuery(huge)).hits.count == 10)
        // Generous for a debug build on a shared machine; a hang would take forever, not seconds.
        #expect(Date().timeIntervalSince(started) < 20)
    }
}

@Suite struct SearchBuildingBlockTests {
    @Test func varIntRoundTrips() {
        var bytes = ContiguousArray<UInt8>()
        let values: [UInt64] = [0, 1, 127, 128, 300, 16_383, 16_384, UInt64(UInt32.max), UInt64.max]
        for value in values { VarInt.append(value, to: &bytes) }
        var decoded: [UInt64] = []
        bytes.withUnsafeBufferPointer { buffer in
            var offset = 0
            while offset < buffer.count { decoded.append(VarInt.read(buffer, at: &offset)) }
        }
        #expect(decoded == values)
        #expect(bytes.count == 1 + 1 + 1 + 2 + 2 + 2 + 3 + 5 + 10)
    }

    @Test func postingListDecodesEveryBlock() {
        var list = PostingList(fieldCount: 3)
        let docs: [DocID] = (0..<300).map { DocID($0 * 5 + ($0 % 5)) }
        for (number, doc) in docs.enumerated() {
            list.append(doc, frequencies: SIMD8(UInt32(number % 4), 1, 0, 0, 0, 0, 0, 0),
                        lengths: SIMD8(10, 5, 0, 0, 0, 0, 0, 0))
        }
        #expect(list.blockCount == 3)
        var decoded: [DocID] = []
        let buffer = UnsafeMutablePointer<DocID>.allocate(capacity: 128)
        let masks = UnsafeMutablePointer<UInt8>.allocate(capacity: 128)
        let frequencies = UnsafeMutablePointer<UInt32>.allocate(capacity: 128 * 3)
        defer { buffer.deallocate(); masks.deallocate(); frequencies.deallocate() }
        for block in 0..<list.blockCount {
            let count = list.decode(block: block, docs: buffer, masks: masks, frequencies: frequencies)
            decoded += (0..<count).map { buffer[$0] }
        }
        #expect(decoded == docs)
        #expect(list.fieldDocumentFrequency[0] == 225)
        #expect(list.fieldDocumentFrequency[1] == 300)
    }

    /// Gaps of one byte, of two and now and then of three, in a given share (decoded without a branch on
    /// each one's length, `VarInt.readShort`): whole blocks, blocks decoded up to a target, and each value
    /// read both ways must give back exactly what was appended, up to the list's last byte.
    @Test(arguments: [0.0, 0.1, 0.5, 0.97])
    func postingListDecodesGapsOfEveryLength(longShare: Double) {
        var generator = SeededGenerator(seed: 11)
        var list = PostingList(fieldCount: 3)
        var docs: [DocID] = []
        var masks: [UInt8] = []
        var doc: DocID = 0
        // 1003: the last block's 107 postings are not a multiple of the eight decoded at once.
        for number in 0..<1003 {
            let long = Double.random(in: 0..<1, using: &generator) < longShare
            doc += !long ? DocID.random(in: 1...15, using: &generator)
                : number % 40 == 0 ? DocID.random(in: 2048...100_000, using: &generator)
                : DocID.random(in: 16...2047, using: &generator)
            let frequencies = SIMD8<UInt32>(UInt32(number % 3), 1, UInt32(number % 2), 0, 0, 0, 0, 0)
            list.append(doc, frequencies: frequencies, lengths: SIMD8(4, 4, 4, 0, 0, 0, 0, 0))
            docs.append(doc)
            masks.append((number % 3 == 0 ? 0 : 1) | 2 | (number % 2 == 0 ? 0 : 4))
        }
        let buffer = UnsafeMutablePointer<DocID>.allocate(capacity: PostingList.blockSize)
        let maskBuffer = UnsafeMutablePointer<UInt8>.allocate(capacity: PostingList.blockSize)
        defer { buffer.deallocate(); maskBuffer.deallocate() }
        var decoded: [DocID] = []
        var decodedMasks: [UInt8] = []
        for block in 0..<list.blockCount {
            let count = list.decodeDocuments(block: block, docs: buffer, masks: maskBuffer)
            decoded += (0..<count).map { buffer[$0] }
            decodedMasks += (0..<count).map { maskBuffer[$0] }

            // Stopped at targets, as a cursor looks: each stop lands right on the first document at or past
            // its target (a target between two documents, as cursors mostly ask), from wherever the last one
            // left off; a target already passed decodes one posting more.
            let first = block * PostingList.blockSize
            var position = PostingList.BlockPosition(list: list, block: block)
            var wanted = first + Int.random(in: 0..<count, using: &generator)
            for _ in 0..<3 {
                let target = wanted == first ? docs[wanted] : docs[wanted - 1] + 1
                list.decodeDocuments(&position, upTo: count, stoppingAt: target, docs: buffer, masks: maskBuffer)
                #expect(position.decoded == wanted - first + 1)
                #expect(position.lastDoc == docs[wanted])
                guard wanted + 1 < first + count else { break }
                wanted += Int.random(in: 1..<(first + count - wanted), using: &generator)
            }
            if position.decoded < count {
                let before = position.decoded
                list.decodeDocuments(&position, upTo: count, stoppingAt: 0, docs: buffer, masks: maskBuffer)
                #expect(position.decoded == before + 1)
            }
            // And on to the block's end: no further, and the next block's bytes start where it stopped.
            list.decodeDocuments(&position, upTo: count, stoppingAt: .exhausted, docs: buffer, masks: maskBuffer)
            #expect(position.decoded == count)
            #expect(position.lastDoc == docs[first + count - 1])
            #expect(position.offset == (block + 1 < list.blockCount ? Int(list.blockStart[block + 1]) : list.bytes.count))
            #expect((0..<count).map { buffer[$0] } == Array(docs[first..<(first + count)]))
            #expect((0..<count).map { maskBuffer[$0] } == Array(masks[first..<(first + count)]))
        }
        #expect(decoded == docs)
        #expect(decodedMasks == masks)

        list.bytes.withUnsafeBufferPointer { bytes in
            var plain = 0
            var short = 0
            while plain < bytes.count {
                let value = VarInt.read(bytes, at: &plain)
                #expect(VarInt.readShort(bytes, at: &short, last: bytes.count - 1) == value)
                #expect(short == plain)
            }
        }
    }

    @Test func topKKeepsTheBestAndBreaksTiesById() {
        var top = TopK(k: 3)
        for (score, doc) in [(1.0, 9), (5.0, 4), (5.0, 2), (3.0, 1), (0.5, 0), (5.0, 3)] as [(Double, DocID)] {
            top.offer(score: score, doc: doc)
        }
        #expect(top.sorted().map(\.doc) == [2, 3, 4])
    }

    @Test func bitsetOperations() {
        var a = Bitset(capacity: 130, filled: true)
        #expect(a.count == 130)
        #expect(!a.contains(130))
        var b = Bitset()
        b.insert(5)
        b.insert(129)
        b.insert(1000)
        a.formIntersection(b)
        #expect(a.count == 2)
        a.subtract(b)
        #expect(a.isEmpty)
        var collected: [UInt32] = []
        b.forEach { collected.append($0) }
        #expect(collected == [5, 129, 1000])
    }
}
