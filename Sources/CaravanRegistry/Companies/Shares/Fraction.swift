import Foundation

/// An exact rational number: founders' shares are written as fractions (1/3), percentages (33.5 %) or decimals
/// (0.25) on form Р11001, and only exact arithmetic says whether 1/3 + 1/3 + 1/3 is the whole. Always reduced,
/// with a positive denominator, so equal values have equal representations (and `==` is value equality).
public struct Fraction: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let numerator: Int64
    public let denominator: Int64

    public static let zero = Fraction(reducing: 0, 1)!
    public static let one = Fraction(reducing: 1, 1)!

    /// Why a fraction could not be made or computed.
    public enum Problem: Error, Sendable, Equatable {
        case zeroDenominator
        /// A numerator or denominator left Int64: never rounded, since a share must stay exact.
        case overflow
        case unreadable
    }

    /// `numerator/denominator` in lowest terms; nil for a zero denominator or when the sign cannot be moved to
    /// the numerator (`Int64.min` has no positive counterpart).
    public init?(reducing numerator: Int64, _ denominator: Int64) {
        guard let value = try? Self.make(numerator, denominator) else { return nil }
        self = value
    }

    public init(_ whole: Int64) {
        numerator = whole
        denominator = 1
    }

    private init(unchecked numerator: Int64, _ denominator: Int64) {
        self.numerator = numerator
        self.denominator = denominator
    }

    static func make(_ numerator: Int64, _ denominator: Int64) throws(Problem) -> Fraction {
        guard denominator != 0 else { throw .zeroDenominator }
        var n = numerator, d = denominator
        if d < 0 {
            guard n != .min, d != .min else { throw .overflow }
            n = -n
            d = -d
        }
        let g = Self.gcd(n.magnitude, d.magnitude)
        return Fraction(unchecked: n / Int64(g), d / Int64(g))
    }

    static func gcd(_ a: UInt64, _ b: UInt64) -> UInt64 {
        var a = a, b = b
        while b != 0 { (a, b) = (b, a % b) }
        return a == 0 ? 1 : a
    }

    public var isPositive: Bool { numerator > 0 }
    public var isWhole: Bool { denominator == 1 }

    public var description: String { denominator == 1 ? "\(numerator)" : "\(numerator)/\(denominator)" }

    // MARK: Checked arithmetic

    /// The exact sum, or `.overflow`. Denominators meet at their least common multiple, which keeps the
    /// intermediate numbers as small as they can be (1/3 + 1/6 goes through 6, not 18).
    public func adding(_ other: Fraction) throws(Problem) -> Fraction {
        let g = Int64(Self.gcd(denominator.magnitude, other.denominator.magnitude))
        let (left, o1) = numerator.multipliedReportingOverflow(by: other.denominator / g)
        let (right, o2) = other.numerator.multipliedReportingOverflow(by: denominator / g)
        let (sum, o3) = left.addingReportingOverflow(right)
        let (common, o4) = (denominator / g).multipliedReportingOverflow(by: other.denominator)
        guard !(o1 || o2 || o3 || o4) else { throw .overflow }
        return try Self.make(sum, common)
    }

    public func subtracting(_ other: Fraction) throws(Problem) -> Fraction {
        guard other.numerator != .min else { throw .overflow }
        return try adding(Fraction(unchecked: -other.numerator, other.denominator))
    }

    /// The exact product; factors are cancelled crosswise first so 2/3 × 3/2 never leaves Int64.
    public func multiplied(by other: Fraction) throws(Problem) -> Fraction {
        let g1 = Int64(Self.gcd(numerator.magnitude, other.denominator.magnitude))
        let g2 = Int64(Self.gcd(other.numerator.magnitude, denominator.magnitude))
        let (n, o1) = (numerator / g1).multipliedReportingOverflow(by: other.numerator / g2)
        let (d, o2) = (denominator / g2).multipliedReportingOverflow(by: other.denominator / g1)
        guard !(o1 || o2) else { throw .overflow }
        return try Self.make(n, d)
    }

    /// The sum of all, or `.overflow`: the shares of up to 50 founders.
    public static func sum(_ values: some Sequence<Fraction>) throws(Problem) -> Fraction {
        var total = Fraction.zero
        for value in values { total = try total.adding(value) }
        return total
    }

    /// Compared without overflow: the cross products are taken at full width (128 bits).
    public static func < (lhs: Fraction, rhs: Fraction) -> Bool {
        let left = lhs.numerator.multipliedFullWidth(by: rhs.denominator)
        let right = rhs.numerator.multipliedFullWidth(by: lhs.denominator)
        return (left.high, left.low) < (right.high, right.low)
    }

    // MARK: Reading

    /// Reads what a person types into the share field: `1/3`, `50%`, `33.5 %`, `0.25`, `0,25`, `1`.
    /// Spaces around the parts are ignored; a percentage is divided by 100. Negative input is read (so the rules
    /// can say a share must be positive) but anything else is `nil`.
    public init?(parsing text: String) {
        guard let value = try? Self.parse(text) else { return nil }
        self = value
    }

    static func parse(_ raw: String) throws(Problem) -> Fraction {
        var text = raw.filter { !$0.isWhitespace }
        guard !text.isEmpty else { throw .unreadable }
        var percent = false
        if text.hasSuffix("%") {
            percent = true
            text.removeLast()
        }
        let value: Fraction
        if let slash = text.firstIndex(of: "/") {
            guard !percent else { throw .unreadable }
            guard let n = Int64(text[..<slash]), let d = Int64(text[text.index(after: slash)...]), Self.isPlainInteger(text[..<slash]),
                  Self.isPlainInteger(text[text.index(after: slash)...])
            else { throw .unreadable }
            value = try make(n, d)
        } else {
            value = try decimal(text.replacingOccurrences(of: ",", with: "."))
        }
        return percent ? try value.multiplied(by: Fraction(unchecked: 1, 100)) : value
    }

    /// Digits with an optional leading minus: `Int64("+3")` accepts a plus sign that no form should.
    private static func isPlainInteger(_ text: Substring) -> Bool {
        let digits = text.first == "-" ? text.dropFirst() : text
        return !digits.isEmpty && digits.allSatisfy { $0.isASCII && $0.isNumber }
    }

    /// `12`, `0.25`, `-1.5`, `.5`: an integer part and up to 18 decimal places, read exactly.
    private static func decimal(_ text: String) throws(Problem) -> Fraction {
        var body = Substring(text)
        let negative = body.first == "-"
        if negative { body = body.dropFirst() }
        let parts = body.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count) else { throw .unreadable }
        let whole = parts[0], fractional = parts.count == 2 ? parts[1] : ""
        guard !(whole.isEmpty && fractional.isEmpty), parts.count == 1 || !fractional.isEmpty,
              (whole + fractional).allSatisfy({ $0.isASCII && $0.isNumber }), fractional.count <= 18
        else { throw .unreadable }
        var scale: Int64 = 1
        for _ in 0..<fractional.count { scale *= 10 }
        guard let digits = Int64(whole.isEmpty ? String(fractional) : String(whole + fractional)) else { throw .overflow }
        return try make(negative ? -digits : digits, scale)
    }
}

extension Fraction: Codable {
    /// Stored and sent as its text (`"1/3"`, `"1"`), which reads back exactly.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let value = Fraction(parsing: text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a fraction: \(text)")
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
