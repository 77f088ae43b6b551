#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a file line by line with the C library's buffered `getline`, handing each line out as bytes:
/// a million profiles stream through without the file ever being in memory.
final class LineReader {
    private let file: UnsafeMutablePointer<FILE>
    private var line: UnsafeMutablePointer<CChar>?
    private var capacity = 0

    init(path: String) throws {
        guard let handle = fopen(path, "r") else { throw BenchError("cannot open \(path)") }
        file = handle
    }

    deinit {
        free(line)
        fclose(file)
    }

    /// Calls `body` with each line, without its line ending; empty lines are skipped.
    func forEachLine(_ body: (UnsafeBufferPointer<UInt8>) throws -> Void) rethrows {
        while true {
            let length = getline(&line, &capacity, file)
            guard length >= 0, let line else { return }
            var count = length
            while count > 0, line[count - 1] == 0x0A || line[count - 1] == 0x0D { count -= 1 }
            guard count > 0 else { continue }
            try line.withMemoryRebound(to: UInt8.self, capacity: count) {
                try body(UnsafeBufferPointer(start: $0, count: count))
            }
        }
    }
}
