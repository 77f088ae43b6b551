import Foundation

/// An e-mail address, trimmed and lowercased so one person has one account.
///
/// Deliberately a light check (one `@`, a dotted domain, no spaces or control characters, RFC 5321
/// lengths): the only real proof of an address is a message that arrives.
public struct EmailAddress: Hashable, Sendable, Codable, CustomStringConvertible {
    public let value: String

    public init?(_ raw: String) {
        let trimmed = raw.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        guard (3...254).contains(trimmed.utf8.count) else { return nil }
        let parts = trimmed.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return nil }
        let local = parts[0], domain = parts[1]
        guard (1...64).contains(local.utf8.count), !domain.isEmpty else { return nil }
        guard trimmed.unicodeScalars.allSatisfy({ !$0.properties.isWhitespace && $0.value > 0x20 && $0.value != 0x7F }) else {
            return nil
        }
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, labels.allSatisfy({ !$0.isEmpty && !$0.hasPrefix("-") && !$0.hasSuffix("-") }) else {
            return nil
        }
        guard !trimmed.contains(where: { "<>()[]\\,;:\"".contains($0) }) else { return nil }
        self.value = trimmed
    }

    public var description: String { value }
}
