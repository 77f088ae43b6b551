import Testing
@testable import CaravanSearch

/// `add(contentsOf:)` appends postings term by term on another thread; the index must come out exactly
/// as adding the documents one by one makes it, byte for byte.
@Suite struct BatchAddTests {
    /// Over several batches, with keys repeated (later versions replace earlier ones) and several fields.
    static let documents: [SearchDocument] = (0..<max(4400, InvertedIndex.batchSize * 2 + 300)).map { number in
        SearchDocument(
            key: "d\(number % 4000)",
            fields: [
                "title": ["Java разработчик", "Senior Python developer", "Тестировщик 1С", "C++ engineer"][number % 4],
                "skills": number % 3 == 0 ? "" : "Kafka, PostgreSQL, w\(number % 97), node.js",
                "summary": "опыт \(number % 13) лет, разработчиками backend-систем, w\(number % 251) developers",
            ],
            facets: ["country": [["uz", "kz", "kg"][number % 3]]],
            numbers: ["salary": Int64(number * 100)])
    }

    static func expectSame(_ batched: InvertedIndex, _ reference: InvertedIndex) {
        #expect(batched.documentCount == reference.documentCount)
        #expect(batched.liveDocumentCount == reference.liveDocumentCount)
        #expect(batched.termCount == reference.termCount)
        #expect(batched.lengths == reference.lengths)
        #expect(batched.norms == reference.norms)
        #expect(batched.totalLengths == reference.totalLengths)
        #expect(batched.live == reference.live)
        #expect(batched.keys == reference.keys)
        #expect(batched.facetValues("country", of: "d7") == reference.facetValues("country", of: "d7"))
        #expect(batched.number("salary", of: "d3999") == reference.number("salary", of: "d3999"))
        #expect(batched.postings.count == reference.postings.count)
        for (mine, theirs) in zip(batched.postings, reference.postings) {
            #expect(mine.bytes == theirs.bytes)
            #expect(mine.frequencyBytes == theirs.frequencyBytes)
            #expect(mine.normBytes == theirs.normBytes)
            #expect(mine.blockNormStart == theirs.blockNormStart)
            #expect(mine.blockLastDoc == theirs.blockLastDoc)
            #expect(mine.blockMaxFrequency == theirs.blockMaxFrequency)
            #expect(mine.blockMinLength == theirs.blockMinLength)
            #expect(mine.blockMasks == theirs.blockMasks)
            #expect(mine.fieldDocumentFrequency == theirs.fieldDocumentFrequency)
        }
        for text in ["java разработчики", "python developers w5", "c++ kafka", "опыт лет w17", "node.js"] {
            let query = SearchQuery(text, filter: .facet("country", "uz"), limit: 20)
            #expect(batched.search(query) == reference.search(query), "\(text)")
        }
    }

    @Test func batchEqualsOneByOne() {
        var reference = InvertedIndex()
        for document in Self.documents { reference.add(document) }
        var batched = InvertedIndex()
        batched.add(contentsOf: Self.documents)
        #expect(reference.documentCount > InvertedIndex.batchSize * 2)
        #expect(batched.liveDocumentCount == 4000)
        Self.expectSame(batched, reference)
    }

    @Test func batchesMixWithSingleAdds() {
        var reference = InvertedIndex()
        for document in Self.documents { reference.add(document) }
        var mixed = InvertedIndex()
        for document in Self.documents.prefix(100) { mixed.add(document) }
        mixed.add(contentsOf: Self.documents[100..<3000])
        for document in Self.documents[3000..<3100] { mixed.add(document) }
        mixed.add(contentsOf: Self.documents[3100...])
        Self.expectSame(mixed, reference)
    }

    /// A batch keeps a byte per field frequency; larger ones take a side table and must come out whole.
    @Test func largeFrequenciesSurviveTheBatch() {
        let documents = [
            SearchDocument(key: "a", fields: ["title": "kafka", "summary": String(repeating: "kafka ", count: 300)]),
            SearchDocument(key: "b", fields: ["title": "kafka kafka", "summary": String(repeating: "java ", count: 254)]),
            SearchDocument(key: "c", fields: ["skills": String(repeating: "go ", count: 1000) + "kafka"]),
        ]
        var reference = InvertedIndex()
        for document in documents { reference.add(document) }
        var batched = InvertedIndex()
        batched.add(contentsOf: documents)
        Self.expectSame(batched, reference)
        #expect(batched.search(SearchQuery("kafka")).hits.map(\.key) == reference.search(SearchQuery("kafka")).hits.map(\.key))
    }

    @Test func emptyBatchChangesNothing() {
        var index = InvertedIndex()
        index.add(contentsOf: [SearchDocument]())
        #expect(index.documentCount == 0)
        index.add(contentsOf: Self.documents.prefix(3))
        #expect(index.documentCount == 3)
    }

    /// A vocabulary far larger than a batch's postings sorts them by comparison instead of counting:
    /// 100 documents of 200 words each that no other document has, then short ones in several batches.
    @Test func largeVocabularySortsByComparison() {
        let rare = (0..<100).map { number in
            SearchDocument(key: "r\(number)", texts: [.init("summary", (0..<200).map { "x\(number)y\($0)" }.joined(separator: " "))])
        }
        let short = (0..<(InvertedIndex.batchSize * 3)).map { number in
            SearchDocument(key: "s\(number)", texts: [.init("title", "kafka w\(number % 7)"), .init("summary", "x\(number % 100)y1")])
        }
        var reference = InvertedIndex()
        for document in rare + short { reference.add(document) }
        var batched = InvertedIndex()
        batched.add(contentsOf: rare)
        batched.add(contentsOf: short)
        #expect(batched.termCount > 20_000)
        Self.expectSame(batched, reference)
        #expect(batched.search(SearchQuery("x5y1")).hits.map(\.key) == reference.search(SearchQuery("x5y1")).hits.map(\.key))
    }
}
