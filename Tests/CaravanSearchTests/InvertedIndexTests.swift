import Testing
@testable import CaravanSearch

/// Small corpora where the right order is obvious.
@Suite struct InvertedIndexRankingTests {
    private func index(_ documents: [(String, title: String, skills: String, summary: String)]) -> InvertedIndex {
        var index = InvertedIndex()
        for (key, title, skills, summary) in documents {
            index.add(SearchDocument(key: key, fields: ["title": title, "skills": skills, "summary": summary]))
        }
        return index
    }

    private func keys(_ index: InvertedIndex, _ text: String, mode: SearchQuery.Mode = .any,
                      filter: SearchFilter? = nil, limit: Int = 10) -> [String] {
        index.search(SearchQuery(text, mode: mode, filter: filter, limit: limit)).hits.map(\.key)
    }

    @Test func titleOutranksSkillsOutranksSummary() {
        let index = index([
            ("summary", "Engineer", "SQL", "Some Kotlin work in the past"),
            ("title", "Kotlin developer", "SQL", "Backend work"),
            ("skills", "Engineer", "Kotlin, SQL", "Backend work"),
            ("none", "Designer", "Figma", "Posters"),
        ])
        #expect(keys(index, "kotlin") == ["title", "skills", "summary"])
    }

    @Test func shortFieldsAndRareTermsWin() {
        let index = index([
            ("long", "", "", "Python " + String(repeating: "and many other things ", count: 20)),
            ("short", "", "", "Python backend"),
            ("common", "", "", "backend backend"),
            ("other", "", "", "backend services"),
        ])
        #expect(keys(index, "python") == ["short", "long"])
        // "python" is rarer than "backend", so a python match outranks a backend match.
        #expect(keys(index, "python backend").first == "short")
    }

    @Test func andRequiresEveryTermOrRequiresAny() {
        let index = index([
            ("java", "Java developer", "", ""),
            ("both", "Java developer", "Spring", ""),
            ("spring", "", "Spring", ""),
        ])
        #expect(keys(index, "java spring", mode: .all) == ["both"])
        #expect(Set(keys(index, "java spring")) == ["java", "both", "spring"])
        #expect(keys(index, "java spring", mode: .all).count == 1)
        #expect(keys(index, "java kubernetes", mode: .all).isEmpty)
        #expect(keys(index, "java kubernetes").sorted() == ["both", "java"])
    }

    @Test func inflectedRussianMeetsTheStem() {
        let index = index([
            ("ru", "Разработчик", "Java", "Работал с микросервисами и базами данных"),
            ("en", "Developer", "Java", "Microservices"),
        ])
        #expect(keys(index, "разработчиками") == ["ru"])
        #expect(keys(index, "микросервис база", mode: .all) == ["ru"])
    }

    @Test func tiesBreakByInsertionOrder() {
        let index = index((0..<5).map { ("d\($0)", "Go developer", "", "") })
        #expect(keys(index, "go") == ["d0", "d1", "d2", "d3", "d4"])
        #expect(keys(index, "go", limit: 2) == ["d0", "d1"])
    }

    @Test func limitZeroAndEmptyIndexGiveNothing() {
        #expect(keys(InvertedIndex(), "java").isEmpty)
        let index = index([("a", "Java", "", "")])
        #expect(keys(index, "java", limit: 0).isEmpty)
    }
}

@Suite struct InvertedIndexUpdateTests {
    private func document(_ key: String, _ title: String, city: String = "tashkent") -> SearchDocument {
        SearchDocument(key: key, fields: ["title": title], facets: ["city": [city]])
    }

    @Test func deletedDocumentsDisappearAndUpdatesReplace() {
        var index = InvertedIndex()
        index.add(document("a", "Swift developer"))
        index.add(document("b", "Swift engineer"))
        index.add(document("c", "Kotlin developer"))
        #expect(index.search(SearchQuery("swift")).hits.map(\.key) == ["a", "b"])

        let removed = index.remove(key: "a")
        let removedAgain = index.remove(key: "a")
        #expect(removed && !removedAgain)
        #expect(index.search(SearchQuery("swift")).hits.map(\.key) == ["b"])

        index.update(document("c", "Swift and Kotlin developer"))
        #expect(Set(index.search(SearchQuery("swift")).hits.map(\.key)) == ["b", "c"])
        #expect(index.search(SearchQuery("kotlin")).hits.map(\.key) == ["c"])
        #expect(index.liveDocumentCount == 2)

        index.update(document("b", "Rust engineer", city: "almaty"))
        #expect(index.search(SearchQuery("swift")).hits.map(\.key) == ["c"])
        #expect(index.search(SearchQuery("engineer", filter: .facet("city", "tashkent"))).hits.isEmpty)
        #expect(index.facetValues("city", of: "b") == ["almaty"])
    }

    @Test func compactionKeepsResultsAndDropsTombstones() {
        var index = InvertedIndex()
        for number in 0..<300 {
            index.add(SearchDocument(key: "k\(number)", fields: ["title": number % 3 == 0 ? "Go developer" : "Go"],
                                     facets: ["parity": [number % 2 == 0 ? "even" : "odd"]],
                                     numbers: ["salary": Int64(number * 1000)]))
        }
        for number in stride(from: 0, to: 300, by: 2) { index.remove(key: "k\(number)") }
        let query = SearchQuery("go developer", filter: .atLeast("salary", 100_000), limit: 20)
        let before = index.search(query).hits.map(\.key)
        index.compact()
        #expect(index.documentCount == 150)
        let after = index.search(query)
        #expect(after.hits.map(\.key) == before)
        #expect(after.hits == index.searchExhaustively(query).hits)
        #expect(index.search(SearchQuery("go", filter: .facet("parity", "even"))).hits.isEmpty)
        #expect(index.number("salary", of: "k299") == 299_000)
    }
}

@Suite struct InvertedIndexFilterTests {
    let index: InvertedIndex = {
        var index = InvertedIndex()
        let people: [(String, String, String, Int64, Int64)] = [
            ("aziz", "uz", "moscow", 250_000, 4),
            ("dana", "kz", "almaty", 300_000, 5),
            ("timur", "kg", "moscow", 180_000, 3),
            ("olga", "ru", "kazan", 200_000, 6),
        ]
        for (key, citizenship, city, salary, russian) in people {
            index.add(SearchDocument(
                key: key, fields: ["title": "Backend developer"],
                facets: ["citizenship": [citizenship], "city": [city], "remote": key == "dana" ? ["yes"] : []],
                numbers: ["salary": salary, "russianLevel": russian]))
        }
        return index
    }()

    private func keys(_ filter: SearchFilter) -> Set<String> {
        Set(index.search(SearchQuery("developer", filter: filter)).hits.map(\.key))
    }

    @Test func facetsRangesAndBooleanCombinations() {
        #expect(keys(.facet("city", "moscow")) == ["aziz", "timur"])
        #expect(keys(.facet("citizenship", anyOf: ["uz", "kg"])) == ["aziz", "timur"])
        #expect(keys(.range("salary", 190_000...260_000)) == ["aziz", "olga"])
        #expect(keys(.atLeast("russianLevel", 5)) == ["dana", "olga"])
        #expect(keys(.all([.facet("city", "moscow"), .atLeast("russianLevel", 4)])) == ["aziz"])
        #expect(keys(.any([.facet("remote", "yes"), .facet("city", "kazan")])) == ["dana", "olga"])
        #expect(keys(.not(.facet("city", "moscow"))) == ["dana", "olga"])
        #expect(keys(.facet("city", "paris")).isEmpty)
        #expect(keys(.atMost("unknownNumber", 5)).isEmpty)
    }

    @Test func browsingWithoutWordsListsTheFilteredDocumentsNewestFirst() {
        var index = index
        #expect(index.browse(nil, limit: 10).keys == ["olga", "timur", "dana", "aziz"])
        let moscow = index.browse(.facet("city", "moscow"), limit: 1)
        #expect(moscow.keys == ["timur"])
        #expect(moscow.total == 2)
        _ = index.remove(key: "timur")
        #expect(index.browse(.facet("city", "moscow"), limit: 10).keys == ["aziz"])
        #expect(index.browse(.facet("city", "moscow"), limit: 0).keys.isEmpty)
    }

    @Test func countingMatchesBeforeTheCut() {
        #expect(index.count(SearchQuery("backend developer", limit: 1)) == 4)
        #expect(index.count(SearchQuery("backend developer", mode: .all, filter: .facet("city", "moscow"))) == 2)
        #expect(index.count(SearchQuery("backend kotlin", mode: .all)) == 0)
        #expect(index.count(SearchQuery("")) == 0)
    }
}

@Suite struct InvertedIndexBulkBuildTests {
    @Test func bulkBuildEqualsAddingOneByOne() {
        let documents = (0..<300).map { number in
            SearchDocument(key: "d\(number % 280)", fields: [
                "title": ["Java разработчик", "Senior Python developer", "Тестировщик 1С", "C++ engineer"][number % 4],
                "summary": "опыт \(number) лет, разработчиками backend-систем, developers building services",
            ])
        }
        var oneByOne = InvertedIndex()
        for document in documents { oneByOne.add(document) }
        let built = InvertedIndex.build(documents: documents)
        #expect(built.documentCount == oneByOne.documentCount)
        #expect(built.liveDocumentCount == 280)
        #expect(built.termCount == oneByOne.termCount)
        for text in ["java разработчики", "python developers", "c++", "опыт лет", "1c тестировщики"] {
            for mode in [SearchQuery.Mode.any, .all] {
                let query = SearchQuery(text, mode: mode, limit: 20)
                #expect(built.search(query) == oneByOne.search(query), "\(text)")
                #expect(built.search(query).hits == built.searchExhaustively(query).hits, "\(text)")
            }
        }
    }
}
