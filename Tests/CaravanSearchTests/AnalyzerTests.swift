import Testing
@testable import CaravanSearch

@Suite struct AnalyzerTests {
    let analyzer = Analyzer()

    @Test func stemsRussianAndDropsStopWords() {
        #expect(analyzer.terms("Разработчиками на Джаве") == ["разработчик", "джав"])
        #expect(analyzer.terms("разработчик") == analyzer.terms("разработчиками"))
    }

    @Test func stemsEnglish() {
        #expect(analyzer.terms("developers") == ["develop"])
        #expect(analyzer.terms("The developers are developing") == ["develop", "develop"])
    }

    @Test func stemsEachWordByItsScript() {
        #expect(analyzer.terms("Senior Java-разработчик в команду") == ["senior", "java", "разработчик", "команд"])
    }

    @Test func keepsTechnologyNamesNumbersAndCodesUnstemmed() {
        // "опыт" → "оп" is Snowball's own answer ("-ыт" is a verb ending); queries get the same stem.
        #expect(analyzer.terms("Опыт с C++, .NET и Node.js от 3 лет, k8s") == ["оп", "c++", ".net", "node.js", "3", "лет", "k8s"])
        #expect(analyzer.terms("1С-программист") == ["1с", "программист"])
    }

    @Test func keepsITSearchable() {
        #expect(analyzer.terms("IT-специалисты") == ["it", "специалист"])
    }

    @Test func keepsPositionsThroughStopWords() {
        let positions = analyzer.analyze("работа в Москве").map(\.position)
        #expect(positions == [0, 2])
    }

    @Test func queriesAndDocumentsMeet() {
        let document = Set(analyzer.terms("Ищем опытных программистов на Python и Go"))
        for query in ["программист", "опытный", "python"] {
            #expect(analyzer.terms(query).allSatisfy(document.contains), "\(query)")
        }
    }

    @Test func stopWordsCanBeSwitchedOff() {
        let everything = Analyzer(stopWords: .none)
        #expect(everything.terms("работа в Москве") == ["работ", "в", "москв"])
    }

    @Test func survivesJunk() {
        var generator = SeededGenerator(seed: 7)
        let bytes = (0..<100_000).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let terms = analyzer.terms(String(decoding: bytes, as: UTF8.self))
        #expect(terms.allSatisfy { !$0.isEmpty })
    }
}
