#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Appends UTF-8 bytes to a buffer and flushes it to a file in large chunks.
///
/// A million profiles are ~700 MB of JSON Lines: building them as `String`s or through `JSONEncoder`
/// would cost minutes and gigabytes. Writing bytes into one reused buffer keeps memory flat and the
/// generator bound by the disk.
final class ByteWriter {
    private let file: UnsafeMutablePointer<FILE>
    private var buffer: [UInt8] = []
    private let flushThreshold = 1 << 20

    /// Whether `close()` closes the file too (not for standard output).
    private let ownsFile: Bool

    init(path: String) throws {
        guard let handle = fopen(path, "w") else { throw BenchError("cannot open \(path) for writing") }
        file = handle
        ownsFile = true
        buffer.reserveCapacity(flushThreshold + 64 * 1024)
    }

    init(file: UnsafeMutablePointer<FILE>) {
        self.file = file
        ownsFile = false
        buffer.reserveCapacity(flushThreshold + 64 * 1024)
    }

    deinit { close() }

    private var closed = false

    func close() {
        guard !closed else { return }
        flush()
        if ownsFile { fclose(file) } else { fflush(file) }
        closed = true
    }

    func flush() {
        guard !buffer.isEmpty else { return }
        buffer.withUnsafeBufferPointer { _ = fwrite($0.baseAddress, 1, $0.count, file) }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Call after each record, so a flush never splits one.
    func endRecord() {
        buffer.append(UInt8(ascii: "\n"))
        if buffer.count >= flushThreshold { flush() }
    }

    func raw(_ bytes: [UInt8]) { buffer.append(contentsOf: bytes) }

    func raw(_ text: String) {
        var text = text
        text.withUTF8 { buffer.append(contentsOf: $0) }
    }

    func byte(_ value: UInt8) { buffer.append(value) }

    func int(_ value: Int) {
        if value < 0 {
            buffer.append(UInt8(ascii: "-"))
            int(-value)
            return
        }
        if value >= 10 { int(value / 10) }
        buffer.append(UInt8(ascii: "0") + UInt8(value % 10))
    }

    /// A JSON string literal. Only `"`, `\\` and control characters need escaping; UTF-8 passes through.
    func jsonString(_ text: String) {
        var text = text
        // Appending to a local array avoids an exclusivity check on the class's buffer per byte.
        var local: [UInt8] = []
        swap(&local, &buffer)
        local.append(UInt8(ascii: "\""))
        text.withUTF8 { bytes in
            for byte in bytes {
                switch byte {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                    local.append(UInt8(ascii: "\\"))
                    local.append(byte)
                case 0..<0x20:
                    let hex: StaticString = "0123456789abcdef"
                    local.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                                              hex.utf8Start[Int(byte >> 4)], hex.utf8Start[Int(byte & 0xF)]])
                default:
                    local.append(byte)
                }
            }
        }
        local.append(UInt8(ascii: "\""))
        swap(&local, &buffer)
    }

    /// `"key":` — keys are ASCII identifiers chosen in code, so never need escaping.
    func key(_ name: StaticString, first: Bool = false) {
        if !first { buffer.append(UInt8(ascii: ",")) }
        buffer.append(UInt8(ascii: "\""))
        buffer.append(contentsOf: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
        buffer.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
    }

    func bool(_ value: Bool) { raw(value ? "true" : "false") }
}

/// An error that the command line prints as it is.
struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
