import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What an input file is, by its first bytes (never by its name).
public enum FlowInputKind: String, Sendable {
    case csv
    case gzip
    case columnar

    public static func detect(path: String) throws(FlowError) -> FlowInputKind {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw .io("cannot read \(path)") }
        defer { try? handle.close() }
        let prefix = [UInt8]((try? handle.read(upToCount: 8)) ?? Data())
        if ColumnarFile.isColumnar(prefix) { return .columnar }
        if prefix.count >= 2, prefix[0] == 0x1F, prefix[1] == 0x8B { return .gzip }
        return .csv
    }
}

/// The engine behind `caravan flows`: events from CSV (sorted in bounded memory) or from the columnar file, to class
/// counts under several definitions at once, or to a columnar file.
public enum FlowEngine {
    public struct Result: Sendable {
        public var tally: FlowTally
        public var rows: Int
        /// Lines skipped with `skipBad` (the first 50 by line, and how many).
        public var badLines: [EventCSV.RowError] = []
        public var badLineCount = 0
        public var spilledRuns = 0
    }

    final class ClassifySink: SubscriberSink, @unchecked Sendable {
        var classifier: SubscriberClassifier
        var tally: FlowTally

        init(home: CountryKey, definitions: [FlowDefinition]) {
            classifier = SubscriberClassifier(home: home, definitions: definitions)
            tally = FlowTally(definitions: definitions.count)
        }

        func take(_ sub: UInt64, _ events: UnsafeBufferPointer<PackedEvent>) throws(FlowError) {
            classifier.add(events, to: &tally)
        }
    }

    /// Every subscriber of a CSV stream classified under each definition.
    public static func classify(csv fd: Int32, home: CountryKey, definitions: [FlowDefinition], settings: FlowSettings,
                                skipBad: Bool) throws(FlowError) -> Result {
        let sorted = try SortedEvents.read(fd: fd, settings: settings, skipBad: skipBad)
        let sinks = (0..<settings.threads).map { _ in ClassifySink(home: home, definitions: definitions) }
        try sorted.merge(into: sinks)
        var tally = FlowTally(definitions: definitions.count)
        for sink in sinks { tally.merge(sink.tally) }
        return Result(tally: tally, rows: sorted.rows, badLines: sorted.badLines, badLineCount: sorted.badLineCount,
                      spilledRuns: sorted.spilledRuns)
    }

    final class ThreadTally: @unchecked Sendable {
        var classifier: SubscriberClassifier
        var tally: FlowTally

        init(home: CountryKey, definitions: [FlowDefinition]) {
            classifier = SubscriberClassifier(home: home, definitions: definitions)
            tally = FlowTally(definitions: definitions.count)
        }
    }

    /// Every subscriber of a columnar file classified under each definition.
    public static func classify(columnar path: String, home: CountryKey, definitions: [FlowDefinition],
                                threads: Int) throws(FlowError) -> Result {
        let reader = try ColumnarReader(path: path)
        let states = (0..<max(1, threads)).map { _ in ThreadTally(home: home, definitions: definitions) }
        try reader.forEachSubscriber(threads: states.count) { thread, _, days, countries, counts in
            let state = states[thread]
            state.classifier.add(days: days, countries: countries, counts: counts, to: &state.tally)
        }
        var tally = FlowTally(definitions: definitions.count)
        for state in states { tally.merge(state.tally) }
        return Result(tally: tally, rows: Int(reader.header.rows))
    }

    public struct ImportResult: Sendable {
        public var header: ColumnarFile.Header
        public var bytes: Int
        public var badLines: [EventCSV.RowError]
        public var badLineCount: Int
        public var spilledRuns: Int
    }

    /// A CSV stream to a columnar file at `output`, through a temporary file beside it: on any failure (a bad line
    /// without `skipBad`, a full disk) the temporary file is removed and nothing is left at `output`.
    public static func importCSV(fd: Int32, output: String, settings: FlowSettings, skipBad: Bool) throws(FlowError) -> ImportResult {
        let writer = try ColumnarWriter(path: output)
        do {
            let sorted = try SortedEvents.read(fd: fd, settings: settings, skipBad: skipBad)
            let sinks = (0..<settings.threads).map { ColumnarPartSink(writer: writer, part: $0) }
            try sorted.merge(into: sinks)
            for sink in sinks { try sink.flush() }
            let header = try writer.finish()
            let size = (try? FileManager.default.attributesOfItem(atPath: output)[.size] as? Int) ?? 0
            return ImportResult(header: header, bytes: size, badLines: sorted.badLines, badLineCount: sorted.badLineCount,
                                spilledRuns: sorted.spilledRuns)
        } catch {
            writer.abandon()
            throw error
        }
    }
}
