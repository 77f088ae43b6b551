import Foundation

/// How the benchmark commands report: `name: value` lines on standard output and a JSON file of the same.
enum Figures {
    /// Whole numbers of 1,000 and more without a fraction; small numbers to four places, the rest to one.
    static func format(_ value: Any) -> String {
        switch value {
        case let double as Double:
            if double.rounded() == double, abs(double) >= 1000 { return String(Int(double)) }
            return String(format: abs(double) < 10 ? "%.4f" : "%.1f", double)
        default: return "\(value)"
        }
    }

    /// Writes `json` (pretty, keys sorted) to `path`, creating its folder.
    static func write(_ json: [String: Any], to path: String) throws {
        let url = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let data = try JSONSerialization.data(withJSONObject: json, options: [.prettyPrinted, .sortedKeys])
        try data.write(to: url)
    }
}
