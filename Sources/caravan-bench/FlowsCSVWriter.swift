import CaravanFlows
import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes the population's events as CSV in day order (as operators' dumps arrive): each day's rows drawn on every
/// core, each core a slice of the subscribers into its own buffer, the buffers written in order — constant memory
/// whatever the number of rows.
enum FlowsCSVWriter {
    /// A growable byte buffer, filled without bounds checks or per-byte calls.
    final class Lines: @unchecked Sendable {
        var base: UnsafeMutablePointer<UInt8>
        var count = 0
        var capacity: Int

        init(capacity: Int) {
            self.capacity = capacity
            base = .allocate(capacity: capacity)
        }

        deinit { base.deallocate() }

        @inline(__always) func reserve(_ bytes: Int) {
            guard count + bytes > capacity else { return }
            let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: max(capacity * 2, count + bytes))
            grown.update(from: base, count: count)
            base.deallocate()
            base = grown
            capacity = max(capacity * 2, count + bytes)
        }

        @inline(__always) func decimal(_ value: UInt64) {
            var v = value
            var scratch = (UInt8(0), UInt8(0), UInt8(0), UInt8(0), UInt8(0), UInt8(0), UInt8(0), UInt8(0), UInt8(0), UInt8(0),
                           UInt8(0), UInt8(0), UInt8(0), UInt8(0), UInt8(0), UInt8(0), UInt8(0), UInt8(0), UInt8(0), UInt8(0))
            var n = 0
            withUnsafeMutableBytes(of: &scratch) { raw in
                repeat {
                    raw[19 - n] = UInt8(truncatingIfNeeded: v % 10) + 48
                    v /= 10
                    n += 1
                } while v > 0
                (base + count).update(from: raw.baseAddress!.assumingMemoryBound(to: UInt8.self) + (20 - n), count: n)
            }
            count += n
        }

        @inline(__always) func byte(_ value: UInt8) {
            base[count] = value
            count += 1
        }
    }

    static func dates(first: Int32, days: Int) -> [[UInt8]] {
        (0..<days).map { offset in
            // Civil from days (Howard Hinnant).
            let z = Int(first) + offset + 719_468
            let era = (z >= 0 ? z : z - 146_096) / 146_097
            let doe = z - era * 146_097
            let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365
            let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
            let mp = (5 * doy + 2) / 153
            let d = doy - (153 * mp + 2) / 5 + 1
            let m = mp < 10 ? mp + 3 : mp - 9
            let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
            return Array(String(format: "%04d-%02d-%02d", y, m, d).utf8)
        }
    }

    /// Writes every row; returns how many.
    static func write(_ population: FlowsPopulation, subscribers: Int, to path: String, gzip: Bool) throws -> Int {
        let out: Int32
        var compressor: Process?
        if gzip {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/gzip")
            process.arguments = ["-1", "-c"]
            guard FileManager.default.createFile(atPath: path, contents: nil), let file = FileHandle(forWritingAtPath: path) else {
                throw BenchError("cannot write \(path)")
            }
            let input = Pipe()
            process.standardInput = input
            process.standardOutput = file
            try process.run()
            compressor = process
            out = input.fileHandleForWriting.fileDescriptor
        } else {
            out = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            guard out >= 0 else { throw BenchError("cannot write \(path)") }
        }
        func emit(_ bytes: UnsafeRawPointer, _ length: Int) throws {
            var done = 0
            while done < length {
                let wrote = Foundation.write(out, bytes + done, length - done)
                guard wrote > 0 else { throw BenchError("cannot write \(path) (disk full?)") }
                done += wrote
            }
        }
        let header = Array("sub,day,country,cnt\n".utf8)
        try header.withUnsafeBytes { try emit($0.baseAddress!, $0.count) }
        let dates = dates(first: population.firstDay, days: population.days)
        let parts = max(1, min(8, ProcessInfo.processInfo.activeProcessorCount))
        let buffers = (0..<parts).map { _ in Lines(capacity: 1 << 20) }
        let counts = Lines(capacity: parts * 8)
        var total = 0
        // The adversarial profile's stays are drawn once (small samples only).
        let edges = population.adversarial ? (0..<subscribers).map { population.edgeStays($0) } : []
        for day in 0..<population.days {
            let date = dates[day]
            DispatchQueue.concurrentPerform(iterations: parts) { part in
                let lines = buffers[part]
                lines.count = 0
                var rows: [(UInt16, UInt32)] = []
                rows.reserveCapacity(4)
                var written = 0
                for index in (subscribers * part / parts)..<(subscribers * (part + 1) / parts) {
                    rows.removeAll(keepingCapacity: true)
                    let sub: UInt64
                    if population.adversarial {
                        sub = population.subscriber(index)
                        population.edgeRows(edges[index], index: index, day: day, into: &rows)
                    } else {
                        let plan = population.plan(index)
                        sub = plan.sub
                        population.rows(plan, day: day, into: &rows)
                    }
                    for (country, count) in rows {
                        lines.reserve(64)
                        lines.decimal(sub)
                        lines.byte(44)
                        for byte in date { lines.byte(byte) }
                        lines.byte(44)
                        lines.byte(UInt8(country >> 8)); lines.byte(UInt8(country & 0xFF))
                        lines.byte(44)
                        lines.decimal(UInt64(count))
                        lines.byte(10)
                        written += 1
                    }
                }
                UnsafeMutableRawPointer(counts.base).storeBytes(of: written, toByteOffset: part * 8, as: Int.self)
            }
            for part in 0..<parts {
                try emit(buffers[part].base, buffers[part].count)
                total += UnsafeRawPointer(counts.base).load(fromByteOffset: part * 8, as: Int.self)
            }
        }
        if let compressor {
            try FileHandle(fileDescriptor: out).close()
            compressor.waitUntilExit()
            guard compressor.terminationStatus == 0 else { throw BenchError("gzip failed writing \(path)") }
        } else {
            close(out)
        }
        return total
    }
}
