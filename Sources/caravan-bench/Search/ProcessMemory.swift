#if canImport(Foundation)
import Foundation
#endif

/// Resident memory of this process as the kernel reports it in /proc/self/status (Linux only):
/// VmRSS is what is resident now, VmHWM the peak, both in kB.
enum ProcessMemory {
    struct Reading: Codable {
        var rssMB: Double
        var peakMB: Double
    }

    static func read() -> Reading? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        var rss: Double?, peak: Double?
        for line in status.split(separator: "\n") {
            let parts = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard parts.count >= 2, let kilobytes = Double(parts[1]) else { continue }
            if parts[0] == "VmRSS:" { rss = kilobytes / 1024 }
            if parts[0] == "VmHWM:" { peak = kilobytes / 1024 }
        }
        guard let rss, let peak else { return nil }
        return Reading(rssMB: rss, peakMB: peak)
    }
}
