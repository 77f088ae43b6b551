import Testing
@testable import CaravanSearch

/// Facet columns switch from scanning their values to a dictionary past a dozen values: both sides of
/// that switch must find the same documents, before and after compaction.
@Suite struct FacetStoreTests {
    /// 300 documents; "city" has 40 values (past the scan limit), "remote" two.
    static func index() -> InvertedIndex {
        var index = InvertedIndex()
        for number in 0..<300 {
            index.add(SearchDocument(
                key: "d\(number)", fields: ["title": "engineer"],
                facets: ["city": ["city\(number % 40)"], "remote": [number % 2 == 0 ? "yes" : "no"]],
                numbers: ["salary": Int64(number * 1000)]))
        }
        return index
    }

    static func keys(_ index: InvertedIndex, _ filter: SearchFilter) -> Set<String> {
        Set(index.search(SearchQuery("engineer", filter: filter, limit: 1000)).hits.map(\.key))
    }

    @Test(arguments: [0, 5, 11, 12, 13, 39])
    func everyValueFindsItsDocuments(city: Int) {
        var index = Self.index()
        let expected = Set((0..<300).filter { $0 % 40 == city }.map { "d\($0)" })
        #expect(Self.keys(index, .facet("city", "city\(city)")) == expected)
        #expect(index.facetValues("city", of: "d\(city)") == ["city\(city)"])

        // Deleting and compacting renumbers documents; the columns must follow.
        index.remove(key: "d\(city)")
        index.compact()
        #expect(Self.keys(index, .facet("city", "city\(city)")) == expected.subtracting(["d\(city)"]))
        #expect(Self.keys(index, .all([.facet("city", "city\(city)"), .facet("remote", "yes")]))
            == Set(expected.subtracting(["d\(city)"]).filter { Int($0.dropFirst())! % 2 == 0 }))
        #expect(index.number("salary", of: "d\(city + 40)") == Int64((city + 40) * 1000))
    }

    @Test func unknownFacetsAndValuesMatchNothing() {
        let index = Self.index()
        #expect(Self.keys(index, .facet("city", "nowhere")).isEmpty)
        #expect(Self.keys(index, .facet("planet", "earth")).isEmpty)
        #expect(index.facetValues("planet", of: "d1").isEmpty)
        #expect(index.number("height", of: "d1") == nil)
    }
}

/// `SearchDocument` keeps its attributes as sorted name–value pairs: the two ways to make one agree, the
/// order they are given in does not matter, and the index reads every pair.
@Suite struct SearchDocumentTests {
    @Test func pairsAndDictionariesMakeTheSameDocument() {
        let fromDictionaries = SearchDocument(
            key: "p1", fields: ["title": "Java developer", "summary": "Kafka"],
            facets: ["city": ["kazan", "almaty"], "remote": ["yes"]], numbers: ["salary": 200_000, "years": 5])
        let fromPairs = SearchDocument(
            key: "p1", texts: [.init("summary", "Kafka"), .init("title", "Java developer")],
            facets: [.init("remote", "yes"), .init("city", "kazan"), .init("city", "almaty")],
            numbers: [.init("years", 5), .init("salary", 200_000)])
        #expect(fromDictionaries == fromPairs)
        #expect(fromPairs.facets.map(\.value) == ["almaty", "kazan", "yes"])
        #expect(fromPairs.numbers.map(\.name) == ["salary", "years"])
    }

    @Test func theLastNumberOfANameCounts() {
        var index = InvertedIndex()
        index.add(SearchDocument(key: "a", texts: [.init("title", "go")],
                                 numbers: [.init("salary", 1), .init("years", 3), .init("salary", 2)]))
        #expect(index.number("salary", of: "a") == 2)
        #expect(index.number("years", of: "a") == 3)
    }

    @Test func severalTextsOfOneFieldCountAsOne() {
        var split = InvertedIndex()
        split.add(SearchDocument(key: "a", texts: [.init("summary", "kafka java"), .init("summary", "kafka")]))
        var whole = InvertedIndex()
        whole.add(SearchDocument(key: "a", texts: [.init("summary", "kafka java kafka")]))
        #expect(split.lengths == whole.lengths)
        let query = SearchQuery("kafka", limit: 5)
        #expect(split.search(query).hits.map(\.score) == whole.search(query).hits.map(\.score))
    }

    /// Facets with several values, in any order, and documents whose names differ from the last one's.
    @Test func everyFacetValueIsRecorded() {
        var index = InvertedIndex()
        index.add(SearchDocument(key: "a", texts: [.init("title", "go")],
                                 facets: [.init("workplace", "remote"), .init("city", "kazan"), .init("workplace", "office")]))
        index.add(SearchDocument(key: "b", texts: [.init("title", "go")], facets: [.init("workplace", "office")]))
        index.add(SearchDocument(key: "c", texts: [.init("title", "go")], facets: [.init("citizenship", "uz"), .init("city", "kazan")]))
        #expect(index.facetValues("workplace", of: "a") == ["office", "remote"])
        #expect(index.facetValues("city", of: "c") == ["kazan"])
        let office = index.search(SearchQuery("go", filter: .facet("workplace", "office"), limit: 5)).hits.map(\.key)
        #expect(Set(office) == ["a", "b"])
        let kazan = index.search(SearchQuery("go", filter: .facet("city", "kazan"), limit: 5)).hits.map(\.key)
        #expect(Set(kazan) == ["a", "c"])
    }
}
