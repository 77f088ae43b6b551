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
