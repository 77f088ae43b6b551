/// Why an input or an import was refused, in words a user can act on (one line each).
public enum FlowError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Reading or writing failed (a missing file, a full disk, gzip's own complaint).
    case io(String)
    /// Not a single byte.
    case emptyFile
    /// The first line is not `sub,day,country,cnt`.
    case badHeader
    /// A header and nothing else; the number is the last line read.
    case noDataRows(line: Int)
    /// Lines that are not rows: the first few (by line) and how many in all.
    case badLines(first: [EventCSV.RowError], total: Int)
    /// A columnar file that does not read back as written.
    case corrupt(String)

    public var description: String {
        switch self {
        case .io(let reason): reason
        case .emptyFile: "the file is empty (expected a header sub,day,country,cnt and rows)"
        case .badHeader: "line 1: the first line must be: \(EventCSV.header.joined(separator: ","))"
        case .noDataRows(let line): "line \(line): no data rows"
        case .badLines(let first, let total):
            "\(total) bad line(s), the first: \(first.first.map(\.description) ?? "?")"
        case .corrupt(let reason): "not a readable columnar file: \(reason)"
        }
    }
}

/// Runs `body` (a standard-library call that rethrows untyped), keeping a `FlowError` as it is.
@inline(__always) func typed<T>(_ body: () throws -> T) throws(FlowError) -> T {
    do { return try body() } catch let error as FlowError { throw error } catch { throw .io("\(error)") }
}
