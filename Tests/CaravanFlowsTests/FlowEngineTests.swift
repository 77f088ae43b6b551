@testable import CaravanFlows
import Foundation
import Testing

/// The fast path against the rules: `SubscriberClassifier` must give `FlowRules.classify`'s answer for every
/// subscriber and definition, on random data made to hit the edges (ties, a country twice a day, gaps, spans and
/// observed days right at the thresholds).
@Suite struct FastPathEquivalenceTests {
    static let countries = ["KZ", "RU", "TR", "UZ", "AE"].map { CountryKey($0)! }

    /// A random subscriber: segments of 1–70 days in a few countries, days left unobserved, noise rows, ties.
    static func subscriber(_ rng: inout FlowInputTests.SplitMix) -> [MobilityEvent] {
        var events: [MobilityEvent] = []
        var day = Int32.random(in: 0...30, using: &rng)
        let sub = rng.next()
        for _ in 0..<Int.random(in: 0...9, using: &rng) {
            let country = countries[Int.random(in: 0..<countries.count, using: &rng)]
            let length = Int32([1, 2, 3, 4, 29, 30, 31, 60, 70][Int.random(in: 0..<9, using: &rng)])
            let observed = Double.random(in: 0.3...1, using: &rng)
            for offset in 0..<length where Double.random(in: 0..<1, using: &rng) < observed {
                let count = UInt32.random(in: 1...4, using: &rng)
                events.append(MobilityEvent(subscriber: sub, day: day + offset, country: country, count: count))
                switch Int.random(in: 0..<8, using: &rng) {
                case 0:  // another country, as many events: a tie, the lowest code wins
                    events.append(MobilityEvent(subscriber: sub, day: day + offset, country: countries[Int.random(in: 0..<countries.count, using: &rng)], count: count))
                case 1:  // the same country in a second row: they add up
                    events.append(MobilityEvent(subscriber: sub, day: day + offset, country: country, count: 1))
                case 2:  // a row of another country with more events
                    events.append(MobilityEvent(subscriber: sub, day: day + offset, country: countries[Int.random(in: 0..<countries.count, using: &rng)], count: count + 1))
                default: break
                }
            }
            day += length + Int32([0, 0, 0, 5, 20][Int.random(in: 0..<5, using: &rng)])
        }
        return events.shuffled(using: &rng)
    }

    static func definitions(_ rng: inout FlowInputTests.SplitMix) -> [FlowDefinition] {
        FlowDefinition.presets + (0..<6).map { index in
            let noise = Int.random(in: 1...5, using: &rng)
            return FlowDefinition(name: "random-\(index)", noiseDays: noise, residenceDays: Int.random(in: noise...60, using: &rng),
                                  returnDays: Int.random(in: 1...90, using: &rng))
        }
    }

    @Test func theFastPathGivesTheRulesAnswerOnRandomSubscribers() {
        var rng = FlowInputTests.SplitMix(state: 18)
        let definitions = Self.definitions(&rng)
        let home = CountryKey("UZ")!
        var classifier = SubscriberClassifier(home: home, definitions: definitions)
        var disagreements: [String] = []
        var seen = Set<FlowClass>()
        for _ in 0..<3_000 {
            let events = Self.subscriber(&rng)
            let observed = FlowAnalysis.observed(events.map { ($0.day, $0.country, $0.count) })
            let fast = classifier.classes(events.map(PackedEvent.init))
            for (index, definition) in definitions.enumerated() {
                let rule = FlowRules.classify(observed, home: home, definition: definition)
                seen.insert(rule)
                if fast[index] != rule, disagreements.count < 5 { disagreements.append("\(definition.name): \(fast[index]) ≠ \(rule) for \(events)") }
            }
        }
        #expect(disagreements.isEmpty, "\(disagreements)")
        #expect(seen == Set(FlowClass.allCases), "the random data reaches every class")
    }
}

/// CSV in, sorted in bounded memory (spilled runs, chunk boundaries), columnar file out and read back — each route
/// giving the reference `FlowAnalysis`'s counts; bad input refused with its line and nothing left behind.
@Suite struct FlowImportTests {
    let folder: URL

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("flows-engine-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    func write(_ name: String, _ text: String) throws -> String {
        let url = folder.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    func settings(threads: Int = 2) -> FlowSettings {
        var settings = FlowSettings(memoryMB: 64, threads: threads, temporaryDirectory: folder.path)
        settings.chunkBytesForTests = 4_096  // many chunks, lines cut at their edges
        settings.runCapacityForTests = 1_000  // many runs spilled
        return settings
    }

    static func date(_ day: Int32) -> String {
        let date = Date(timeIntervalSince1970: Double(day) * 86_400)
        return ISO8601DateFormatter.string(from: date, timeZone: TimeZone(identifier: "UTC")!, formatOptions: [.withFullDate])
    }

    static func csv(_ events: [MobilityEvent]) -> String {
        "sub,day,country,cnt\n" + events.map { "\($0.subscriber),\(date($0.day)),\($0.country),\($0.count)\n" }.joined()
    }

    func leftovers() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { $0.hasPrefix(".") }
    }

    func withFile<T>(_ path: String, _ body: (Int32) throws -> T) throws -> T {
        let fd = open(path, O_RDONLY)
        defer { close(fd) }
        return try body(fd)
    }

    @Test func csvAndColumnarGiveTheReferenceCountsThroughSpilledRuns() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        // setup: 400 random subscribers, rows in day order as dumps come (a few thousand rows: dozens of runs)
        var rng = FlowInputTests.SplitMix(state: 7)
        var events: [MobilityEvent] = []
        for _ in 0..<400 { events += FastPathEquivalenceTests.subscriber(&rng).map { MobilityEvent(subscriber: $0.subscriber, day: $0.day + 20_000, country: $0.country, count: $0.count) } }
        events.sort { ($0.day, $0.subscriber) < ($1.day, $1.subscriber) }
        let input = try write("events.csv", Self.csv(events))
        let definitions = FastPathEquivalenceTests.definitions(&rng)
        let home = CountryKey("UZ")!
        var reference = FlowAnalysis(home: home)
        reference.add(contentsOf: events)
        let expected = reference.summaries(definitions)

        // act
        let fromText = try withFile(input) { try FlowEngine.classify(csv: $0, home: home, definitions: definitions, settings: settings(), skipBad: false) }
        let output = folder.appendingPathComponent("events.cvf").path
        let imported = try withFile(input) { try FlowEngine.importCSV(fd: $0, output: output, settings: settings(), skipBad: false) }
        let fromColumns = try FlowEngine.classify(columnar: output, home: home, definitions: definitions, threads: 2)
        let oneThread = try withFile(input) { try FlowEngine.classify(csv: $0, home: home, definitions: definitions, settings: settings(threads: 1), skipBad: false) }

        // check
        #expect(fromText.spilledRuns > 3, "the test must exercise the merge")
        #expect(fromText.tally.summaries(definitions) == expected)
        #expect(oneThread.tally.summaries(definitions) == expected)
        #expect(fromColumns.tally.summaries(definitions) == expected)
        #expect(fromText.rows == events.count && fromColumns.rows == events.count)
        #expect(imported.header.rows == UInt64(events.count) && imported.header.subscribers == UInt64(reference.subscribers))
        #expect(try FlowInputKind.detect(path: output) == .columnar && FlowInputKind.detect(path: input) == .csv)
        #expect(leftovers().isEmpty, "no temporary file or sort folder is left: \(leftovers())")

        // The file holds the rows themselves, each subscriber's in (day, country) order.
        let reader = try ColumnarReader(path: output)
        let rows = RowCollector()
        try reader.forEachSubscriber(threads: 1) { _, sub, days, countries, counts in
            for index in days.indices { rows.add(PackedEvent(subscriber: sub, day: days[index], country: countries[index], count: counts[index])) }
        }
        let sortedInput = events.map(PackedEvent.init).sorted(by: PackedEvent.precedes)
        #expect(rows.events == sortedInput)
    }

    final class RowCollector: @unchecked Sendable {
        var events: [PackedEvent] = []
        func add(_ event: PackedEvent) { events.append(event) }
    }

    @Test func aBadLineIsReportedByNumberAndNothingIsWritten() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        // setup: good rows across many chunks; bad ones at known lines (a hex subscriber and spaces are fine)
        var lines = ["sub,day,country,cnt"]
        for index in 0..<2_000 { lines.append("\(index % 97),2025-01-\(String(format: "%02d", index % 28 + 1)),UZ,\(index % 5 + 1)") }
        lines[500] = "ff00ff00ff00ff00, 2025-01-02 ,RU,3"
        lines[700] = "12,2025-02-30,UZ,1"
        lines[1_500] = "12,1969-12-31,UZ,1"
        lines[1_800] = "12,2025-01-01,UZ"
        let input = try write("bad.csv", lines.joined(separator: "\r\n") + "\r\n")
        let output = folder.appendingPathComponent("bad.cvf").path

        // act / check: refused, the lines named (1-based, the header is line 1), nothing left
        do {
            _ = try withFile(input) { try FlowEngine.importCSV(fd: $0, output: output, settings: settings(), skipBad: false) }
            Issue.record("a bad line was taken")
        } catch let error as FlowError {
            guard case .badLines(let first, let total) = error else { Issue.record("\(error)"); return }
            #expect(total == 3 && first.map(\.line) == [701, 1_501, 1_801], "\(first)")
            #expect(first[0].reason.contains("not a date") && first[1].reason.contains("out of range") && first[2].reason.contains("expected 4 fields"))
        }
        #expect(!FileManager.default.fileExists(atPath: output) && leftovers().isEmpty, "\(leftovers())")

        // --skip-bad: the good ones taken, the bad ones still reported
        let skipped = try withFile(input) { try FlowEngine.importCSV(fd: $0, output: output, settings: settings(), skipBad: true) }
        #expect(skipped.badLineCount == 3 && skipped.header.rows == 1_997)
        #expect(FileManager.default.fileExists(atPath: output) && leftovers().isEmpty)
    }

    @Test func emptyHeaderOnlyAndHeaderlessInputsAreRefusedPlainly() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        func refusal(_ text: String) throws -> FlowError? {
            let input = try write("input.csv", text)
            do {
                _ = try withFile(input) { try FlowEngine.classify(csv: $0, home: CountryKey("UZ")!, definitions: [.standard], settings: settings(), skipBad: true) }
                return nil
            } catch let error as FlowError { return error }
        }
        #expect(try refusal("") == .emptyFile)
        #expect(try refusal("sub,day,country,cnt\n") == .noDataRows(line: 1))
        #expect(try refusal("sub,day,country,cnt\n\n\n") == .noDataRows(line: 3))
        #expect(try refusal("1,2025-01-01,UZ,3\n") == .badHeader)
        #expect(try refusal("sub,day,country,cnt\nx,y\n").map { "\($0)" }?.contains("line 2") == true)
        #expect(try refusal("sub,day,country,cnt\n1,2025-01-01,UZ,3") == nil, "a last line without a line break is read")
        #expect(leftovers().isEmpty)
    }

    @Test func aDamagedColumnarFileIsRefused() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = try write("events.csv", Self.csv((0..<300).map { MobilityEvent(subscriber: UInt64($0 % 7), day: Int32(20_000 + $0), country: CountryKey("UZ")!, count: 2) }))
        let output = folder.appendingPathComponent("events.cvf").path
        _ = try withFile(input) { try FlowEngine.importCSV(fd: $0, output: output, settings: settings(), skipBad: false) }
        var bytes = try Data(contentsOf: URL(fileURLWithPath: output))
        bytes[100] ^= 0x40  // inside the first block
        try bytes.write(to: URL(fileURLWithPath: output))
        #expect(throws: FlowError.self) { try FlowEngine.classify(columnar: output, home: CountryKey("UZ")!, definitions: [.standard], threads: 1) }
        try bytes.prefix(bytes.count - 8).write(to: URL(fileURLWithPath: output))
        #expect(throws: FlowError.self) { try ColumnarReader(path: output) }
    }

    @Test func theSQLCarriesTheDefinitionsThresholds() {
        let sql = FlowSQL.query(definition: FlowDefinition(name: "strict", noiseDays: 4, residenceDays: 45, returnDays: 90), home: CountryKey("TJ")!, table: "mobility.events")
        #expect(sql.contains("WHERE observed >= 4") && sql.contains("span >= 45") && sql.contains("THEN 90 ELSE 45 END"))
        #expect(sql.contains("country = 'TJ'") && sql.contains("FROM mobility.events"))
        #expect(FlowSQL.isPlainName("mobility.events") && !FlowSQL.isPlainName("events; DROP TABLE x") && !FlowSQL.isPlainName("1x"))
    }
}

/// The byte parser must take every ordinary row itself (the fallback is right but slow) and read it as `EventCSV` does.
@Suite struct CSVFastPathTests {
    @Test func ordinaryRowsTakeTheFastPathAndReadAsEventCSVDoes() throws {
        var rng = FlowInputTests.SplitMix(state: 99)
        for _ in 0..<5_000 {
            let day = Int32.random(in: 0...47_846, using: &rng)
            let sub = rng.next() >> UInt64.random(in: 0...63, using: &rng)
            let count = UInt32.random(in: 1...UInt32.max, using: &rng) >> UInt32.random(in: 0...31, using: &rng)
            let code = String(decoding: [UInt8.random(in: 65...90, using: &rng), UInt8.random(in: 65...90, using: &rng)], as: UTF8.self)
            let line = "\(sub),\(FlowImportTests.date(day)),\(code),\(max(1, count))" + ["\n", "\r\n", ""][Int.random(in: 0...2, using: &rng)]
            let bytes = Array(line.utf8)
            let fast = bytes.withUnsafeBufferPointer { CSVChunkParser.fast($0.baseAddress!, 0, $0.count, CSVChunkParser.yearStart, CSVChunkParser.monthStart, CSVChunkParser.monthLength) }
            let reference = PackedEvent(try EventCSV.parse(Substring(line.trimmingCharacters(in: .newlines)), number: 1))
            try #require(fast?.0 == reference, "\(line)")
            #expect(fast?.1 == bytes.count + (bytes.last == 10 ? 0 : 1), "where the next line starts")
        }
        // Not the ordinary shape: left to EventCSV (which reads or refuses it).
        for line in ["ff00ff00ff00ff00,2025-01-01,UZ,1", " 1,2025-01-01,UZ,1", "1,2025-02-29,UZ,1", "1,1969-12-31,UZ,1", "1,2025-01-01,uz,1",
                     "1,2025-01-01,UZ,0", "1,2025-01-01,UZ,4294967296", "18446744073709551616,2025-01-01,UZ,1", "1,2025-1-01,UZ,1", "1,2025-01-01,UZ,1,"] {
            let bytes = Array(line.utf8)
            #expect(bytes.withUnsafeBufferPointer { CSVChunkParser.fast($0.baseAddress!, 0, $0.count, CSVChunkParser.yearStart, CSVChunkParser.monthStart, CSVChunkParser.monthLength) } == nil, "\(line)")
        }
    }
}
