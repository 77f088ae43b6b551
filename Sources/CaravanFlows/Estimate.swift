import Foundation

/// A share with its Wilson score interval at 95 %: what a count out of a total says about the population it was drawn
/// from, honest near 0 and 1 where the normal approximation is not.
public struct Share: Hashable, Sendable {
    public let count: Int
    public let total: Int
    public let value: Double
    public let lower: Double
    public let upper: Double

    /// z for a two-sided 95 % interval.
    public static let z95 = 1.959963984540054

    public init(count: Int, total: Int, z: Double = Share.z95) {
        self.count = count
        self.total = total
        guard total > 0 else {
            value = 0; lower = 0; upper = 0
            return
        }
        let n = Double(total), p = Double(count) / n, z2 = z * z
        let centre = (p + z2 / (2 * n)) / (1 + z2 / n)
        let half = z / (1 + z2 / n) * (p * (1 - p) / n + z2 / (4 * n * n)).squareRoot()
        value = p
        lower = max(0, centre - half)
        upper = min(1, centre + half)
    }
}

/// The classes' counts over everyone classified, with shares and intervals; counts of 15 or fewer are suppressed in
/// any published table (FlowKit's rule), here by `published`.
public struct FlowSummary: Hashable, Sendable {
    public let definition: FlowDefinition
    public let counts: [FlowClass: Int]

    public init(definition: FlowDefinition, counts: [FlowClass: Int]) {
        self.definition = definition
        self.counts = counts
    }

    public var total: Int { counts.values.reduce(0, +) }

    public func share(_ flowClass: FlowClass) -> Share { Share(count: counts[flowClass] ?? 0, total: total) }

    /// Of those who left (departed or returned), the share that came back: the figure behind "85 % returned".
    public var returnedOfLeft: Share {
        let returned = counts[.returned] ?? 0
        return Share(count: returned, total: returned + (counts[.departed] ?? 0))
    }

    /// A count as it may be published: the number, or "≤15".
    public static func published(_ count: Int) -> String { count <= 15 ? "≤15" : "\(count)" }
}
