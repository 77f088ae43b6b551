import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A folder of spilled runs, removed with everything in it when the sort is done (or fails).
final class SpillDirectory: @unchecked Sendable {
    let path: String
    private let lock = NSLock()
    private var next = 0

    init(in parent: String) throws(FlowError) {
        let template = (parent as NSString).appendingPathComponent(".caravan-flows-sort-XXXXXX")
        var bytes = Array(template.utf8CString)
        guard let made = mkdtemp(&bytes) else { throw .io("cannot make a temporary folder in \(parent)") }
        path = String(cString: made)
    }

    func newFile() throws(FlowError) -> (path: String, fd: Int32) {
        lock.lock()
        next += 1
        let name = (path as NSString).appendingPathComponent("run-\(next)")
        lock.unlock()
        let fd = open(name, O_RDWR | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else { throw .io("cannot write \(name)") }
        return (name, fd)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// One sorted run: in memory (the last, unspilled one) or in a spill file.
final class SortedRun: @unchecked Sendable {
    enum Storage {
        case memory(UnsafeMutablePointer<PackedEvent>)
        case file(Int32)
    }

    let storage: Storage
    let count: Int

    init(memory: UnsafeMutablePointer<PackedEvent>, count: Int) {
        storage = .memory(memory)
        self.count = count
    }

    init(fd: Int32, count: Int) {
        storage = .file(fd)
        self.count = count
    }

    deinit {
        switch storage {
        case .memory(let pointer): pointer.deallocate()
        case .file(let fd): close(fd)
        }
    }

    func event(at index: Int) -> PackedEvent {
        switch storage {
        case .memory(let pointer): return pointer[index]
        case .file(let fd):
            var event = PackedEvent(subscriber: 0, day: 0, country: 0, count: 0)
            _ = withUnsafeMutableBytes(of: &event) { pread(fd, $0.baseAddress, 16, off_t(index * 16)) }
            return event
        }
    }

    /// The first index whose subscriber is not below `sub`.
    func lowerBound(_ sub: UInt64) -> Int {
        var low = 0, high = count
        while low < high {
            let mid = (low + high) / 2
            if event(at: mid).subscriber < sub { low = mid + 1 } else { high = mid }
        }
        return low
    }
}

/// Collects events up to its capacity, then sorts them and writes them out as a run.
final class RunBuilder {
    let capacity: Int
    private var buffer: UnsafeMutablePointer<PackedEvent>
    private var scratch: UnsafeMutablePointer<PackedEvent>
    private(set) var count = 0
    private(set) var runs: [SortedRun] = []
    private(set) var rows = 0
    let spill: SpillDirectory

    init(capacity: Int, spill: SpillDirectory) {
        self.capacity = max(1, capacity)
        self.spill = spill
        buffer = .allocate(capacity: self.capacity)
        scratch = .allocate(capacity: self.capacity)
    }

    deinit {
        buffer.deallocate()
        scratch.deallocate()
    }

    @inline(__always) func append(_ event: PackedEvent) throws(FlowError) {
        if count == capacity { try spillRun() }
        buffer[count] = event
        count += 1
        rows += 1
    }

    func spillRun() throws(FlowError) {
        guard count > 0 else { return }
        let sorted = RunSort.sort(buffer, scratch: scratch, count: count)
        let (name, fd) = try spill.newFile()
        defer { unlink(name) }  // the open descriptor keeps it readable; nothing is left behind on a crash
        var offset = 0
        let total = count * 16
        let raw = UnsafeRawPointer(sorted)
        while offset < total {
            let written = write(fd, raw + offset, min(total - offset, 1 << 26))
            guard written > 0 else { close(fd); throw .io("cannot write a sort run (disk full?) in \(spill.path)") }
            offset += written
        }
        runs.append(SortedRun(fd: fd, count: count))
        count = 0
    }

    /// The runs, the last one kept in memory when nothing was spilled (the scratch space given back either way).
    func finish(keepInMemory: Bool) throws(FlowError) -> [SortedRun] {
        if keepInMemory && count > 0 {
            let sorted = RunSort.sort(buffer, scratch: scratch, count: count)
            let kept = UnsafeMutablePointer<PackedEvent>.allocate(capacity: count)
            kept.moveInitialize(from: sorted, count: count)
            runs.append(SortedRun(memory: kept, count: count))
            count = 0
        } else {
            try spillRun()
        }
        buffer.deallocate(); scratch.deallocate()
        buffer = .allocate(capacity: 1); scratch = .allocate(capacity: 1)
        return runs
    }
}

/// Reading a range of one run in order, through a window for a spilled one.
struct RunCursor {
    let run: SortedRun
    private var window: UnsafeMutablePointer<PackedEvent>?
    private let windowCapacity: Int
    private var base: UnsafeMutablePointer<PackedEvent>
    private var windowCount = 0
    private var windowIndex = 0
    private var nextRecord: Int
    private let end: Int

    init(run: SortedRun, from start: Int, to end: Int, windowEvents: Int) {
        self.run = run
        self.end = end
        switch run.storage {
        case .memory(let pointer):
            window = nil
            windowCapacity = 0
            base = pointer + start
            windowCount = end - start
            nextRecord = end
        case .file:
            windowCapacity = max(1, windowEvents)
            let allocated = UnsafeMutablePointer<PackedEvent>.allocate(capacity: windowCapacity)
            window = allocated
            base = allocated
            nextRecord = start
        }
    }

    func release() { window?.deallocate() }

    /// The subscriber under the cursor, nil at the end.
    @inline(__always) mutating func current() throws(FlowError) -> UInt64? {
        if windowIndex == windowCount {
            guard try refill() else { return nil }
        }
        return base[windowIndex].subscriber
    }

    private mutating func refill() throws(FlowError) -> Bool {
        guard nextRecord < end, case .file(let fd) = run.storage, let window else { return false }
        let wanted = min(windowCapacity, end - nextRecord)
        var done = 0
        while done < wanted * 16 {
            let got = pread(fd, UnsafeMutableRawPointer(window) + done, wanted * 16 - done, off_t(nextRecord * 16 + done))
            guard got > 0 else { throw .io("cannot read back a sort run") }
            done += got
        }
        windowCount = wanted
        windowIndex = 0
        nextRecord += wanted
        return true
    }

    /// Appends every event of `sub` under the cursor to `group`.
    @inline(__always) mutating func take(_ sub: UInt64, into group: inout [PackedEvent]) throws(FlowError) {
        while try current() == sub {
            let start = windowIndex
            while windowIndex < windowCount, base[windowIndex].subscriber == sub { windowIndex += 1 }
            group.append(contentsOf: UnsafeBufferPointer(start: base + start, count: windowIndex - start))
        }
    }
}

/// What takes the merged events, subscriber by subscriber (one per thread).
protocol SubscriberSink: AnyObject, Sendable {
    func take(_ sub: UInt64, _ events: UnsafeBufferPointer<PackedEvent>) throws(FlowError)
}

enum RunMerge {
    /// Subscriber boundaries splitting the runs into `parts` ranges of about equal size (from samples of each run).
    static func pivots(_ runs: [SortedRun], parts: Int) -> [UInt64] {
        guard parts > 1 else { return [] }
        var samples: [UInt64] = []
        for run in runs where run.count > 0 {
            let step = max(1, run.count / 256)
            var index = 0
            while index < run.count { samples.append(run.event(at: index).subscriber); index += step }
        }
        samples.sort()
        guard !samples.isEmpty else { return [] }
        return (1..<parts).map { samples[samples.count * $0 / parts] }
    }

    /// Merges the runs on `sinks.count` threads, each a range of subscribers; each subscriber's events reach one sink,
    /// sorted by (day, country, count), and the ranges are in subscriber order (sink 0 first).
    static func merge(_ runs: [SortedRun], sinks: [any SubscriberSink], windowBytes: Int) throws(FlowError) {
        let parts = sinks.count
        let bounds = pivots(runs, parts: parts)
        let fileRuns = max(1, runs.filter { if case .file = $0.storage { true } else { false } }.count)
        let windowEvents = max(4_096, windowBytes / 16 / fileRuns / parts)
        let errors = ErrorSlots(parts)
        DispatchQueue.concurrentPerform(iterations: parts) { part in
            do throws(FlowError) {
                var cursors = runs.map { run in
                    let start = part == 0 ? 0 : run.lowerBound(bounds[part - 1])
                    let end = part == parts - 1 ? run.count : run.lowerBound(bounds[part])
                    return RunCursor(run: run, from: start, to: end, windowEvents: windowEvents)
                }
                defer { for cursor in cursors { cursor.release() } }
                var group: [PackedEvent] = []
                group.reserveCapacity(4_096)
                let sink = sinks[part]
                while true {
                    var smallest: UInt64?
                    for index in cursors.indices {
                        if let sub = try cursors[index].current(), smallest == nil || sub < smallest! { smallest = sub }
                    }
                    guard let sub = smallest else { break }
                    group.removeAll(keepingCapacity: true)
                    for index in cursors.indices { try cursors[index].take(sub, into: &group) }
                    // Runs are each sorted; pieces from several runs may interleave in time.
                    var sorted = true
                    for index in group.indices.dropFirst() where group[index].key < group[index - 1].key { sorted = false; break }
                    if !sorted { group.sort { $0.key < $1.key } }
                    try typed { try group.withUnsafeBufferPointer { try sink.take(sub, $0) } }
                }
            } catch {
                errors.set(part, error)
            }
        }
        if let error = errors.first { throw error }
    }
}

/// One error slot per thread.
final class ErrorSlots: @unchecked Sendable {
    private var slots: [FlowError?]
    private let lock = NSLock()

    init(_ count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ error: FlowError) {
        lock.lock(); slots[index] = error; lock.unlock()
    }

    var first: FlowError? { slots.compactMap { $0 }.first }
}
