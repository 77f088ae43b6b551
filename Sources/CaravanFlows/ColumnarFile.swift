import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Caravan's own columnar file of mobility events (`.cvf`): the events grouped by subscriber and sorted by
/// (subscriber, day, country), in blocks of whole subscribers, each block's columns one after another. docs/FLOWS.md
/// describes the bytes; all numbers little-endian.
///
///     header (64 bytes): magic (8) · version u32 · header size u32 · rows u64 · subscribers u64 · blocks u64 ·
///                        index offset u64 · first day u16 · last day u16 · 0 u32 · checksum u64
///     block:  subscriber u64 × n · rows per subscriber u32 × n · day u16 × m · country u16 × m · count u32 × m
///     index (at the end, one entry per block in subscriber order, 32 bytes each):
///             offset u64 · subscribers u32 · rows u32 · first subscriber u64 · block checksum u64
public enum ColumnarFile {
    /// PNG's trick: a high byte, the name, CR LF, ^Z, LF — a text-mode copy or a CSV mistaken for it fails here.
    public static let magic: [UInt8] = [0x89, 0x43, 0x56, 0x46, 0x0D, 0x0A, 0x1A, 0x0A]  // \x89 C V F \r \n ^Z \n
    public static let version: UInt32 = 1
    static let headerBytes = 64
    static let indexEntryBytes = 32
    /// About 8 MB of columns a block: large reads, and each thread holds one block at a time.
    static let blockRows = 1 << 20

    public static func isColumnar(_ prefix: some Collection<UInt8>) -> Bool { Array(prefix.prefix(8)) == magic }

    /// 64 bits over the bytes, four independent lanes (fast), each word mixed by multiply and rotate.
    static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var lanes: (UInt64, UInt64, UInt64, UInt64) = (0x9E37_79B9_7F4A_7C15, 0xC2B2_AE3D_27D4_EB4F, 0x1656_67B1_9E37_79F9, 0x85EB_CA77_C2B2_AE63)
        let prime: UInt64 = 0x9E37_79B9_7F4A_7C15
        let words = bytes.count / 8
        var index = 0
        let base = bytes.baseAddress
        @inline(__always) func word(_ i: Int) -> UInt64 { base!.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self) }
        while index + 4 <= words {
            lanes.0 = ((lanes.0 ^ word(index)) &* prime).rotated(31)
            lanes.1 = ((lanes.1 ^ word(index + 1)) &* prime).rotated(31)
            lanes.2 = ((lanes.2 ^ word(index + 2)) &* prime).rotated(31)
            lanes.3 = ((lanes.3 ^ word(index + 3)) &* prime).rotated(31)
            index += 4
        }
        var tail: UInt64 = UInt64(bytes.count)
        while index < words { tail = ((tail ^ word(index)) &* prime).rotated(29); index += 1 }
        for offset in (words * 8)..<bytes.count { tail = ((tail ^ UInt64(bytes[offset])) &* prime).rotated(23) }
        var hash = lanes.0 ^ lanes.1.rotated(7) ^ lanes.2.rotated(13) ^ lanes.3.rotated(19) ^ tail
        hash = (hash ^ (hash >> 33)) &* 0xFF51_AFD7_ED55_8CCD
        return hash ^ (hash >> 33)
    }

    struct IndexEntry {
        var offset: UInt64
        var subscribers: UInt32
        var rows: UInt32
        var firstSubscriber: UInt64
        var checksum: UInt64
    }

    /// What a file holds, from its header.
    public struct Header: Hashable, Sendable {
        public var rows: UInt64
        public var subscribers: UInt64
        public var blocks: UInt64
        public var firstDay: UInt16
        public var lastDay: UInt16
    }

    static func blockBytes(subscribers n: Int, rows m: Int) -> Int { (12 * n + 8 * m + 7) & ~7 }
}

extension UInt64 {
    @inline(__always) func rotated(_ bits: UInt64) -> UInt64 { (self << bits) | (self >> (64 - bits)) }
}

/// Writes a columnar file through a temporary file in the same folder, renamed into place only when complete; each
/// thread fills its own blocks (its range of subscribers) and appends them, and the index puts them in order.
final class ColumnarWriter: @unchecked Sendable {
    let path: String
    let temporaryPath: String
    private let fd: Int32
    private let lock = NSLock()
    private var end = UInt64(ColumnarFile.headerBytes)
    private var entries: [(part: Int, sequence: Int, entry: ColumnarFile.IndexEntry)] = []
    private var rows: UInt64 = 0
    private var subscribers: UInt64 = 0
    private var firstDay = UInt16.max, lastDay = UInt16.min
    private var closed = false

    init(path: String) throws(FlowError) {
        self.path = path
        let folder = (path as NSString).deletingLastPathComponent
        var template = Array(((folder.isEmpty ? "." : folder) as NSString).appendingPathComponent(".\((path as NSString).lastPathComponent).tmp-XXXXXX").utf8CString)
        let made = mkstemp(&template)
        guard made >= 0 else { throw .io("cannot write in \(folder.isEmpty ? "." : folder): \(String(cString: strerror(errno)))") }
        fd = made
        temporaryPath = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    deinit { abandon() }

    /// Removes the temporary file (after a failure, or when the import is refused).
    func abandon() {
        lock.lock(); defer { lock.unlock() }
        guard !closed else { return }
        closed = true
        close(fd)
        unlink(temporaryPath)
    }

    private func writeAll(_ bytes: UnsafeRawBufferPointer, at offset: UInt64) throws(FlowError) {
        var done = 0
        while done < bytes.count {
            let wrote = pwrite(fd, bytes.baseAddress! + done, bytes.count - done, off_t(offset) + off_t(done))
            guard wrote > 0 else { throw .io("cannot write \(temporaryPath): \(String(cString: strerror(errno)))") }
            done += wrote
        }
    }

    func append(part: Int, sequence: Int, block: UnsafeRawBufferPointer, subscribers n: Int, rows m: Int,
                firstSubscriber: UInt64, days: ClosedRange<UInt16>) throws(FlowError) {
        let sum = ColumnarFile.checksum(block)
        lock.lock()
        let offset = end
        end += UInt64(block.count)
        entries.append((part, sequence, .init(offset: offset, subscribers: UInt32(n), rows: UInt32(m), firstSubscriber: firstSubscriber, checksum: sum)))
        rows += UInt64(m); subscribers += UInt64(n)
        firstDay = min(firstDay, days.lowerBound); lastDay = max(lastDay, days.upperBound)
        lock.unlock()
        try writeAll(block, at: offset)
    }

    /// The index and the header, then the rename: the file appears whole or not at all.
    func finish() throws(FlowError) -> ColumnarFile.Header {
        let ordered = entries.sorted { ($0.part, $0.sequence) < ($1.part, $1.sequence) }.map(\.entry)
        var index = [UInt8]()
        index.reserveCapacity(ordered.count * ColumnarFile.indexEntryBytes)
        for entry in ordered {
            for word in [entry.offset, UInt64(entry.subscribers) | UInt64(entry.rows) << 32, entry.firstSubscriber, entry.checksum] {
                withUnsafeBytes(of: word.littleEndian) { index.append(contentsOf: $0) }
            }
        }
        let header = ColumnarFile.Header(rows: rows, subscribers: subscribers, blocks: UInt64(ordered.count),
                                         firstDay: rows == 0 ? 0 : firstDay, lastDay: rows == 0 ? 0 : lastDay)
        let indexOffset = end
        try typed { try index.withUnsafeBytes { try writeAll($0, at: indexOffset) } }
        var head = ColumnarFile.magic
        func put<T: FixedWidthInteger>(_ value: T) { withUnsafeBytes(of: value.littleEndian) { head.append(contentsOf: $0) } }
        put(ColumnarFile.version); put(UInt32(ColumnarFile.headerBytes)); put(header.rows); put(header.subscribers)
        put(header.blocks); put(indexOffset); put(header.firstDay); put(header.lastDay); put(UInt32(0))
        let sum = (head + index).withUnsafeBytes { ColumnarFile.checksum($0) }
        put(sum)
        try typed { try head.withUnsafeBytes { try writeAll($0, at: 0) } }
        // mkstemp makes the file private (0600); the finished file reads like any other the user writes.
        let mask = umask(0)
        umask(mask)
        fchmod(fd, 0o644 & ~mask)
        guard fsync(fd) == 0 else { throw .io("cannot write \(temporaryPath): \(String(cString: strerror(errno)))") }
        lock.lock()
        closed = true
        close(fd)
        lock.unlock()
        guard rename(temporaryPath, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporaryPath)
            throw .io("cannot rename \(temporaryPath) to \(path): \(reason)")
        }
        return header
    }
}

/// One thread's part of a columnar file: whole subscribers gathered into a block, appended when it is full.
final class ColumnarPartSink: SubscriberSink, @unchecked Sendable {
    let writer: ColumnarWriter
    let part: Int
    private var sequence = 0
    private var subs: [UInt64] = []
    private var lengths: [UInt32] = []
    private var days: [UInt16] = []
    private var countries: [UInt16] = []
    private var counts: [UInt32] = []
    private var dayRange: ClosedRange<UInt16>?

    init(writer: ColumnarWriter, part: Int) {
        self.writer = writer
        self.part = part
        days.reserveCapacity(ColumnarFile.blockRows); countries.reserveCapacity(ColumnarFile.blockRows)
        counts.reserveCapacity(ColumnarFile.blockRows)
    }

    func take(_ sub: UInt64, _ events: UnsafeBufferPointer<PackedEvent>) throws(FlowError) {
        if !days.isEmpty && days.count + events.count > ColumnarFile.blockRows { try flush() }
        subs.append(sub)
        lengths.append(UInt32(events.count))
        for event in events {
            days.append(event.day); countries.append(event.country); counts.append(event.count)
        }
        let range = events.first!.day...events.last!.day
        dayRange = dayRange.map { min($0.lowerBound, range.lowerBound)...max($0.upperBound, range.upperBound) } ?? range
    }

    func flush() throws(FlowError) {
        guard !subs.isEmpty, let dayRange else { return }
        var block = [UInt8]()
        block.reserveCapacity(ColumnarFile.blockBytes(subscribers: subs.count, rows: days.count))
        subs.withUnsafeBytes { block.append(contentsOf: $0) }
        lengths.withUnsafeBytes { block.append(contentsOf: $0) }
        days.withUnsafeBytes { block.append(contentsOf: $0) }
        countries.withUnsafeBytes { block.append(contentsOf: $0) }
        counts.withUnsafeBytes { block.append(contentsOf: $0) }
        while block.count % 8 != 0 { block.append(0) }
        try typed { try block.withUnsafeBytes { bytes in
            try writer.append(part: part, sequence: sequence, block: bytes, subscribers: subs.count, rows: days.count,
                              firstSubscriber: subs[0], days: dayRange)
        } }
        sequence += 1
        subs.removeAll(keepingCapacity: true); lengths.removeAll(keepingCapacity: true)
        days.removeAll(keepingCapacity: true); countries.removeAll(keepingCapacity: true); counts.removeAll(keepingCapacity: true)
        self.dayRange = nil
    }
}

/// Reading a columnar file block by block (each thread its own blocks), each subscriber's columns in turn.
public final class ColumnarReader: @unchecked Sendable {
    public let header: ColumnarFile.Header
    let entries: [ColumnarFile.IndexEntry]
    private let fd: Int32
    let path: String

    public init(path: String) throws(FlowError) {
        self.path = path
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw .io("cannot read \(path): \(String(cString: strerror(errno)))") }
        do {
            (header, entries) = try Self.readIndex(fd: fd, path: path)
        } catch {
            close(fd)
            throw error
        }
        self.fd = fd
    }

    private static func readIndex(fd: Int32, path: String) throws(FlowError) -> (ColumnarFile.Header, [ColumnarFile.IndexEntry]) {
        var head = [UInt8](repeating: 0, count: ColumnarFile.headerBytes)
        let got = head.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        guard got == ColumnarFile.headerBytes, ColumnarFile.isColumnar(head) else { throw .corrupt("\(path): no columnar header") }
        func value<T: FixedWidthInteger>(_ offset: Int, _: T.Type) -> T {
            head.withUnsafeBytes { T(littleEndian: $0.loadUnaligned(fromByteOffset: offset, as: T.self)) }
        }
        guard value(8, UInt32.self) == ColumnarFile.version else {
            throw .corrupt("\(path): version \(value(8, UInt32.self)), this build reads \(ColumnarFile.version)")
        }
        let header = ColumnarFile.Header(rows: value(16, UInt64.self), subscribers: value(24, UInt64.self), blocks: value(32, UInt64.self),
                                         firstDay: value(48, UInt16.self), lastDay: value(50, UInt16.self))
        let indexOffset = value(40, UInt64.self)
        let size = UInt64(max(0, lseek(fd, 0, SEEK_END)))
        let indexBytes = header.blocks.multipliedReportingOverflow(by: UInt64(ColumnarFile.indexEntryBytes))
        guard !indexBytes.overflow, indexBytes.partialValue < 1 << 40, indexOffset >= UInt64(ColumnarFile.headerBytes),
              indexOffset + indexBytes.partialValue == size else {
            throw .corrupt("\(path): truncated or not written to the end")
        }
        var index = [UInt8](repeating: 0, count: Int(indexBytes.partialValue))
        let read = index.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, off_t(indexOffset)) }
        guard read == index.count, (Array(head[..<56]) + index).withUnsafeBytes({ ColumnarFile.checksum($0) }) == value(56, UInt64.self) else {
            throw .corrupt("\(path): header or index checksum does not match")
        }
        let entries: [ColumnarFile.IndexEntry] = index.withUnsafeBytes { raw in
            (0..<Int(header.blocks)).map { block in
                func word(_ k: Int) -> UInt64 { UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: block * 32 + k * 8, as: UInt64.self)) }
                return .init(offset: word(0), subscribers: UInt32(truncatingIfNeeded: word(1)), rows: UInt32(truncatingIfNeeded: word(1) >> 32),
                             firstSubscriber: word(2), checksum: word(3))
            }
        }
        for entry in entries where entry.offset + UInt64(ColumnarFile.blockBytes(subscribers: Int(entry.subscribers), rows: Int(entry.rows))) > indexOffset {
            throw .corrupt("\(path): a block runs past the index")
        }
        return (header, entries)
    }

    deinit { close(fd) }

    /// Calls `body(thread, subscriber, days, countries, counts)` for every subscriber, the blocks shared out among
    /// `threads` threads (a thread sees its subscribers in order; which thread sees which block is not fixed).
    public func forEachSubscriber(threads: Int, _ body: @Sendable (Int, UInt64, UnsafeBufferPointer<UInt16>, UnsafeBufferPointer<UInt16>, UnsafeBufferPointer<UInt32>) -> Void) throws(FlowError) {
        let largest = entries.map { ColumnarFile.blockBytes(subscribers: Int($0.subscribers), rows: Int($0.rows)) }.max() ?? 0
        let next = Counter()
        let errors = ErrorSlots(threads)
        let entries = entries, fd = fd, path = path
        DispatchQueue.concurrentPerform(iterations: threads) { thread in
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(8, largest), alignment: 16)
            defer { buffer.deallocate() }
            while true {
                let block = next.next()
                guard block < entries.count else { return }
                let entry = entries[block]
                let n = Int(entry.subscribers), m = Int(entry.rows)
                let bytes = ColumnarFile.blockBytes(subscribers: n, rows: m)
                var done = 0
                while done < bytes {
                    let got = pread(fd, buffer.baseAddress! + done, bytes - done, off_t(entry.offset) + off_t(done))
                    guard got > 0 else { errors.set(thread, .corrupt("\(path): cannot read block \(block)")); return }
                    done += got
                }
                guard ColumnarFile.checksum(UnsafeRawBufferPointer(rebasing: buffer[..<bytes])) == entry.checksum else {
                    errors.set(thread, .corrupt("\(path): block \(block) checksum does not match"))
                    return
                }
                let base = UnsafeRawPointer(buffer.baseAddress!)
                let subs = base.assumingMemoryBound(to: UInt64.self)
                let lengths = (base + 8 * n).assumingMemoryBound(to: UInt32.self)
                let days = (base + 12 * n).assumingMemoryBound(to: UInt16.self)
                let countries = (base + 12 * n + 2 * m).assumingMemoryBound(to: UInt16.self)
                let counts = (base + 12 * n + 4 * m).assumingMemoryBound(to: UInt32.self)
                var row = 0
                for index in 0..<n {
                    let length = Int(lengths[index])
                    guard row + length <= m else { errors.set(thread, .corrupt("\(path): block \(block) lengths exceed its rows")); return }
                    body(thread, subs[index], UnsafeBufferPointer(start: days + row, count: length),
                         UnsafeBufferPointer(start: countries + row, count: length), UnsafeBufferPointer(start: counts + row, count: length))
                    row += length
                }
            }
        }
        if let error = errors.first { throw error }
    }
}

final class Counter: @unchecked Sendable {
    private var value = 0
    private let lock = NSLock()
    func next() -> Int { lock.lock(); defer { lock.unlock() }; value += 1; return value - 1 }
}
