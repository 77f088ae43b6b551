import Foundation

/// A taxpayer number (ИНН): 10 digits for an organisation, 12 for a person, with check digits.
public struct INN: Hashable, Sendable, CustomStringConvertible {
    public enum Kind: Sendable { case organisation, person }

    public let value: String
    public let kind: Kind

    /// Accepts the digits with surrounding spaces; anything else, or a wrong check digit, is not an INN.
    public init?(_ raw: String) {
        guard let digits = RegistryDigits.parse(raw) else { return nil }
        switch digits.count {
        case 10:
            guard RegistryDigits.weightedCheck(digits, weights: [2, 4, 10, 3, 5, 9, 4, 6, 8]) == digits[9] else { return nil }
            kind = .organisation
        case 12:
            guard RegistryDigits.weightedCheck(digits, weights: [7, 2, 4, 10, 3, 5, 9, 4, 6, 8]) == digits[10],
                  RegistryDigits.weightedCheck(digits, weights: [3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8]) == digits[11]
            else { return nil }
            kind = .person
        default:
            return nil
        }
        value = String(raw.trimmingCharacters(in: .whitespaces))
    }

    public var description: String { value }
}

/// A primary state registration number: ОГРН (13 digits, an organisation) or ОГРНИП (15, a sole trader).
public struct OGRN: Hashable, Sendable, CustomStringConvertible {
    public enum Kind: Sendable { case organisation, soleTrader }

    public let value: String
    public let kind: Kind

    public init?(_ raw: String) {
        guard let digits = RegistryDigits.parse(raw) else { return nil }
        // The check digit is the number formed by all but the last digit, modulo 11 (13 digits) or 13 (15),
        // then modulo 10. Twelve or fourteen digits fit in UInt64, so no big-number arithmetic is needed.
        let body = digits.dropLast().reduce(UInt64(0)) { $0 * 10 + UInt64($1) }
        switch digits.count {
        case 13:
            guard Int(body % 11 % 10) == digits[12] else { return nil }
            kind = .organisation
        case 15:
            guard Int(body % 13 % 10) == digits[14] else { return nil }
            kind = .soleTrader
        default:
            return nil
        }
        value = String(raw.trimmingCharacters(in: .whitespaces))
    }

    public var description: String { value }
}

enum RegistryDigits {
    /// The digits of a string of ASCII digits (surrounding spaces allowed), or `nil`.
    static func parse(_ raw: String) -> [Int]? {
        let trimmed = raw.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, trimmed.utf8.count <= 15, trimmed.utf8.allSatisfy({ (48...57).contains($0) }) else { return nil }
        return trimmed.utf8.map { Int($0) - 48 }
    }

    /// The Federal Tax Service's control digit: the weighted sum modulo 11, then modulo 10.
    static func weightedCheck(_ digits: [Int], weights: [Int]) -> Int {
        zip(digits, weights).reduce(0) { $0 + $1.0 * $1.1 } % 11 % 10
    }
}
