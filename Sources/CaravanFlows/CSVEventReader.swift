import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How much memory and how many threads reading may use, and where sort runs are spilled.
public struct FlowSettings: Sendable {
    /// The bound on the import's working memory (sort buffers, read chunks, merge windows), in bytes.
    public var memoryBytes: Int
    public var threads: Int
    /// Where sort runs go when the events do not fit in `memoryBytes` (the output's folder for an import).
    public var temporaryDirectory: String

    public init(memoryMB: Int = FlowSettings.defaultMemoryMB, threads: Int = ProcessInfo.processInfo.activeProcessorCount,
                temporaryDirectory: String = NSTemporaryDirectory()) {
        memoryBytes = max(FlowSettings.minimumMemoryMB, memoryMB) * 1_048_576
        self.threads = max(1, min(threads, 8))
        self.temporaryDirectory = temporaryDirectory
    }

    /// 1 GB: 100 million events (1.6 GB packed) sort in a few runs; any size sorts, more runs the larger.
    public static let defaultMemoryMB = 1_024
    /// Below this the fixed buffers (read chunks, counters) would be most of it.
    public static let minimumMemoryMB = 64

    /// Bytes per read chunk: large enough that locking per chunk costs nothing, small beside the sort buffers.
    var chunkBytes: Int { chunkBytesForTests ?? min(8 << 20, memoryBytes / 32) }
    /// Events per sort buffer and thread: the rest of the memory, halved for the sort's scratch space.
    var runCapacity: Int { runCapacityForTests ?? max(1 << 16, (memoryBytes - 2 * threads * chunkBytes) / threads / 32) }
    /// Tiny chunks and runs, so tests cross chunk boundaries and spill on small inputs.
    var chunkBytesForTests: Int?
    var runCapacityForTests: Int?
}

/// Events from a CSV stream (a file, or gzip's output), sorted by (subscriber, day, country) in bounded memory:
/// `threads` workers each take the next chunk of whole lines, parse it and add it to their own sort buffer, which is
/// sorted and spilled to disk when full; the runs are merged subscriber by subscriber afterwards.
public final class SortedEvents: @unchecked Sendable {
    let runs: [SortedRun]
    let spill: SpillDirectory
    let settings: FlowSettings
    /// Rows taken.
    public let rows: Int
    /// Lines that are not rows (taken only with `skipBad`): the first 50 by line, and how many.
    public let badLines: [EventCSV.RowError]
    public let badLineCount: Int
    /// Sort runs written to disk (0 when everything fitted in memory).
    public let spilledRuns: Int

    init(runs: [SortedRun], spill: SpillDirectory, settings: FlowSettings, rows: Int, badLines: [EventCSV.RowError],
         badLineCount: Int) {
        self.runs = runs
        self.spill = spill
        self.settings = settings
        self.rows = rows
        self.badLines = badLines
        self.badLineCount = badLineCount
        spilledRuns = runs.filter { if case .file = $0.storage { true } else { false } }.count
    }

    func merge(into sinks: [any SubscriberSink]) throws(FlowError) {
        try RunMerge.merge(runs, sinks: sinks, windowBytes: settings.memoryBytes / 2)
    }

    /// Reads `fd` to its end. Bad lines refuse the whole input (reported by number) unless `skipBad`.
    public static func read(fd: Int32, settings: FlowSettings, skipBad: Bool) throws(FlowError) -> SortedEvents {
        let spill = try SpillDirectory(in: settings.temporaryDirectory)
        let source = ChunkSource(fd: fd, chunkBytes: settings.chunkBytes)
        try source.readHeader()
        let workers = (0..<settings.threads).map { _ in Worker(builder: RunBuilder(capacity: settings.runCapacity, spill: spill)) }
        let failures = ErrorSlots(workers.count)
        let refused = Flag()
        DispatchQueue.concurrentPerform(iterations: workers.count) { index in
            let worker = workers[index]
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: source.bufferBytes, alignment: 16)
            defer { buffer.deallocate() }
            do throws(FlowError) {
                while let (chunk, length) = try source.next(into: buffer) {
                    var lineErrors: [(Int, String)] = []
                    let builder = worker.builder
                    let lines: Int
                    // One bad line anywhere and nothing is taken: stop sorting, keep counting.
                    let accepting = skipBad || !refused.isSet
                    do {
                        lines = try CSVChunkParser.parse(UnsafeRawBufferPointer(rebasing: buffer[..<length]), emit: { event in
                            if accepting { try builder.append(event) }
                        }, fail: { line, reason in
                            lineErrors.append((line, reason))
                        })
                    } catch let error as FlowError {
                        throw error
                    } catch {
                        throw FlowError.io("\(error)")
                    }
                    if !lineErrors.isEmpty && !skipBad { refused.set() }
                    worker.record(chunk: chunk, lines: lines, errors: lineErrors)
                }
            } catch {
                failures.set(index, error)
            }
        }
        if let error = failures.first { throw error }
        // Line numbers: the header is line 1; each chunk's lines follow the chunks before it.
        var firstLine = [Int](repeating: 0, count: source.chunks + 1)
        var lineCount = [Int](repeating: 0, count: source.chunks)
        for worker in workers { for (chunk, lines) in worker.lines { lineCount[chunk] = lines } }
        firstLine[0] = 2
        for chunk in 0..<source.chunks { firstLine[chunk + 1] = firstLine[chunk] + lineCount[chunk] }
        let badCount = workers.reduce(0) { $0 + $1.badCount }
        let bad = workers.flatMap { worker in
            worker.errors.map { EventCSV.RowError(line: firstLine[$0.chunk] + $0.line - 1, reason: $0.reason) }
        }.sorted { $0.line < $1.line }.prefix(50)
        if badCount > 0 && !skipBad { throw .badLines(first: Array(bad), total: badCount) }
        let rows = workers.reduce(0) { $0 + $1.builder.rows }
        if rows == 0 {
            if badCount > 0 { throw .badLines(first: Array(bad), total: badCount) }
            throw .noDataRows(line: firstLine[source.chunks] - 1)
        }
        let spilled = workers.contains { !$0.builder.runs.isEmpty }
        var runs: [SortedRun] = []
        for worker in workers { runs += try worker.builder.finish(keepInMemory: !spilled) }
        return SortedEvents(runs: runs, spill: spill, settings: settings, rows: rows, badLines: Array(bad), badLineCount: badCount)
    }

    /// One worker's sort buffer, its bad lines (the first 50 it met) and each chunk's line count.
    final class Worker: @unchecked Sendable {
        let builder: RunBuilder
        var errors: [(chunk: Int, line: Int, reason: String)] = []
        var badCount = 0
        var lines: [(Int, Int)] = []

        init(builder: RunBuilder) { self.builder = builder }

        func record(chunk: Int, lines count: Int, errors found: [(Int, String)]) {
            lines.append((chunk, count))
            badCount += found.count
            for (line, reason) in found where errors.count < 50 { errors.append((chunk, line, reason)) }
        }
    }
}

final class Flag: @unchecked Sendable {
    private var value = false
    private let lock = NSLock()
    var isSet: Bool { lock.lock(); defer { lock.unlock() }; return value }
    func set() { lock.lock(); value = true; lock.unlock() }
}

/// Whole lines from a file descriptor, a chunk at a time, to whichever worker asks next.
final class ChunkSource: @unchecked Sendable {
    let fd: Int32
    let chunkBytes: Int
    /// A line longer than this is not a row of four short fields.
    static let longestLine = 1 << 20
    var bufferBytes: Int { chunkBytes + Self.longestLine }
    private var carry: [UInt8] = []
    private var finished = false
    private(set) var chunks = 0
    private let lock = NSLock()

    init(fd: Int32, chunkBytes: Int) {
        self.fd = fd
        self.chunkBytes = chunkBytes
    }

    private func fill(_ pointer: UnsafeMutableRawPointer, _ capacity: Int) throws(FlowError) -> Int {
        var done = 0
        while done < capacity {
            let got = read(fd, pointer + done, capacity - done)
            if got < 0 {
                if errno == EINTR { continue }
                throw .io("cannot read the input: \(String(cString: strerror(errno)))")
            }
            if got == 0 { finished = true; break }
            done += got
        }
        return done
    }

    /// The first line must be the header.
    func readHeader() throws(FlowError) {
        var buffer = [UInt8](repeating: 0, count: 4_096)
        let got = try typed { try buffer.withUnsafeMutableBytes { raw in try fill(raw.baseAddress!, raw.count) } }
        guard got > 0 else { throw .emptyFile }
        let bytes = buffer[..<got]
        guard let newline = bytes.firstIndex(of: 10) else {
            if finished, EventCSV.checkHeader(Substring(String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .newlines))) {
                throw .noDataRows(line: 1)
            }
            throw .badHeader
        }
        var header = Substring(String(decoding: bytes[..<newline], as: UTF8.self))
        if header.hasSuffix("\r") { header = header.dropLast() }
        if header.hasPrefix("\u{FEFF}") { header = header.dropFirst() }
        guard EventCSV.checkHeader(header) else { throw .badHeader }
        carry = Array(bytes[(newline + 1)...])
    }

    /// The next chunk of whole lines in `buffer`: its number and length; nil at the end.
    func next(into buffer: UnsafeMutableRawBufferPointer) throws(FlowError) -> (Int, Int)? {
        lock.lock()
        defer { lock.unlock() }
        guard !(finished && carry.isEmpty) else { return nil }
        let base = buffer.baseAddress!
        carry.withUnsafeBytes { base.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
        var length = carry.count
        carry.removeAll(keepingCapacity: true)
        if !finished { length += try fill(base + length, max(0, chunkBytes - length)) }
        let bytes = base.assumingMemoryBound(to: UInt8.self)
        var cut = length
        if !finished {
            // Up to the last line break; the rest waits for the next chunk.
            while cut > 0, bytes[cut - 1] != 10 { cut -= 1 }
            if cut == 0 {
                // No line break in a whole chunk: read on for one, up to the longest line allowed.
                let more = try fill(base + length, buffer.count - length)
                length += more
                cut = length
                if !finished {
                    while cut > 0, bytes[cut - 1] != 10 { cut -= 1 }
                    guard cut > 0 else { throw .io("a line is longer than \(Self.longestLine / 1_048_576) MB: not a row of sub,day,country,cnt") }
                }
            }
            carry.append(contentsOf: UnsafeRawBufferPointer(start: base + cut, count: length - cut))
        }
        chunks += 1
        return (chunks - 1, cut)
    }
}
