import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The text input read fast: a chunk of whole lines parsed straight from bytes for the common shape
/// (`1234…,2025-03-01,UZ,7`); any line that is not exactly that shape is handed to `EventCSV.parse`, which either
/// reads it (hex subscribers, spaces around fields) or says what is wrong with it — so the two parsers cannot
/// disagree on what a valid row is, and every refusal carries `EventCSV`'s wording.
enum CSVChunkParser {
    /// Days from 1970-01-01 to the first day of each year 1970…2100.
    static let yearStart: [Int32] = {
        var starts: [Int32] = []
        var day: Int32 = 0
        for year in 1970...2100 {
            starts.append(day)
            day += isLeap(year) ? 366 : 365
        }
        return starts
    }()

    /// Days before each month, for common and leap years.
    static let monthStart: [[Int32]] = [false, true].map { leap in
        let lengths: [Int32] = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return lengths.indices.map { lengths[..<$0].reduce(0, +) }
    }

    static let monthLength: [[Int32]] = [false, true].map { [31, $0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] }

    static func isLeap(_ year: Int) -> Bool { (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 }

    /// Parses every line of `bytes` (whole lines; the last may lack its line break). Each event goes to `emit`, each
    /// bad line to `fail` with its line number within the chunk (the first line is 1). Returns the number of lines.
    @inline(__always)
    static func parse(_ bytes: UnsafeRawBufferPointer, emit: (PackedEvent) throws -> Void,
                      fail: (Int, String) -> Void) rethrows -> Int {
        guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return 0 }
        let end = bytes.count
        let yearStart = Self.yearStart, monthStart = Self.monthStart, monthLength = Self.monthLength
        var position = 0
        var line = 0
        while position < end {
            line += 1
            // The common shape in one pass, line break included; anything else is found and read line by line.
            if let (event, next) = fast(base, position, end, yearStart, monthStart, monthLength) {
                try emit(event)
                position = next
                continue
            }
            let start = position
            let stop = memchr(base + start, 10, end - start).map { UnsafePointer($0.assumingMemoryBound(to: UInt8.self)) - base } ?? end
            position = stop + 1
            var lineEnd = stop
            if lineEnd > start, base[lineEnd - 1] == 13 { lineEnd -= 1 }
            if lineEnd == start { continue }
            let text = String(decoding: UnsafeBufferPointer(start: base + start, count: lineEnd - start), as: UTF8.self)
            let event: PackedEvent
            do {
                event = PackedEvent(try EventCSV.parse(Substring(text), number: 0))
            } catch {
                fail(line, error.reason)
                continue
            }
            try emit(event)
        }
        return line
    }

    /// The common shape only, from `start` to its line break (or `end`): the event and where the next line starts;
    /// nil for anything else (then `EventCSV.parse` decides).
    @inline(__always)
    static func fast(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int, _ yearStart: [Int32],
                             _ monthStart: [[Int32]], _ monthLength: [[Int32]]) -> (PackedEvent, Int)? {
        var i = start
        // sub: 1–20 decimal digits, no overflow.
        var sub: UInt64 = 0
        let subStart = i
        while i < end, p[i] &- 48 < 10 {
            let (times, o1) = sub.multipliedReportingOverflow(by: 10)
            let (plus, o2) = times.addingReportingOverflow(UInt64(p[i] &- 48))
            if o1 || o2 { return nil }
            sub = plus
            i += 1
        }
        guard i > subStart, i < end, p[i] == 44 else { return nil }
        i += 1
        // day: YYYY-MM-DD exactly, then a comma.
        guard i + 11 <= end, p[i + 4] == 45, p[i + 7] == 45, p[i + 10] == 44 else { return nil }
        @inline(__always) func digit(_ offset: Int) -> Int { Int(p[i + offset]) &- 48 }
        let y0 = digit(0), y1 = digit(1), y2 = digit(2), y3 = digit(3), m0 = digit(5), m1 = digit(6), d0 = digit(8), d1 = digit(9)
        for digit in [y0, y1, y2, y3, m0, m1, d0, d1] where UInt(bitPattern: digit) > 9 { return nil }
        let year = y0 * 1000 + y1 * 100 + y2 * 10 + y3
        let month = m0 * 10 + m1
        let dayOfMonth = Int32(d0 * 10 + d1)
        guard (1970...2100).contains(year), (1...12).contains(month) else { return nil }
        let leap = isLeap(year) ? 1 : 0
        guard dayOfMonth >= 1, dayOfMonth <= monthLength[leap][month - 1] else { return nil }
        let day = yearStart[year - 1970] + monthStart[leap][month - 1] + dayOfMonth - 1
        i += 11
        // country: two capitals, then a comma.
        guard i + 3 <= end, p[i] &- 65 < 26, p[i + 1] &- 65 < 26, p[i + 2] == 44 else { return nil }
        let country = UInt16(p[i]) << 8 | UInt16(p[i + 1])
        i += 3
        // cnt: 1–10 digits to the end of the line, above 0, within 32 bits.
        let countStart = i
        var count: UInt64 = 0
        while i < end, p[i] &- 48 < 10, i - countStart < 10 {
            count = count * 10 + UInt64(p[i] &- 48)
            i += 1
        }
        guard i > countStart, count > 0, count <= UInt64(UInt32.max) else { return nil }
        if i < end, p[i] == 13 { i += 1 }
        guard i == end || p[i] == 10 else { return nil }
        return (PackedEvent(subscriber: sub, day: UInt16(day), country: country, count: UInt32(count)), i + 1)
    }
}
