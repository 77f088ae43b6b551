import CaravanDomain
import CaravanPermits
import Foundation

/// The charter capital and the founders' shares of an ООО.
///
/// The law's numbers: the capital is at least 10,000 roubles (Federal Law No. 14-FZ on LLCs, art. 14(1)) and is
/// paid within four months of registration (art. 16(1)); the shares together are the whole capital. Money is
/// kopecks in `Int64` throughout, so no amount is ever rounded.
public enum ShareRules {
    /// 10,000 roubles.
    public static let minimumCapitalKopecks: Int64 = 10_000 * 100
    public static let paymentMonths = 4

    /// The capital's problems under the field `capital`.
    public static func checkCapital(_ kopecks: Int64, into validator: inout Validator, field: String = "capital") {
        if kopecks < minimumCapitalKopecks {
            validator.add(field, "company.capitalBelowMinimum", ["minimum": roubles(minimumCapitalKopecks)])
        }
    }

    /// Every share's and the total's problems: each share above zero (`founders[i].share`), their sum exactly one
    /// (`founders`), and each founder's nominal value — capital × share — a whole number of kopecks, since a
    /// share's nominal value is money the founder pays in (`founders[i].share`).
    public static func checkShares(_ shares: [Fraction], capitalKopecks: Int64, into validator: inout Validator,
                                   field: (Int) -> String = { "founders[\($0)].share" }, totalField: String = "founders") {
        guard !shares.isEmpty else { return }
        var allPositive = true
        for (index, share) in shares.enumerated() where !share.isPositive {
            validator.add(field(index), "company.shareNotPositive")
            allPositive = false
        }
        do {
            let total = try Fraction.sum(shares)
            if total != .one { validator.add(totalField, "company.sharesNotWhole", ["total": total.description]) }
        } catch {
            validator.add(totalField, "company.sharesOverflow")
        }
        guard allPositive, capitalKopecks > 0 else { return }
        for (index, share) in shares.enumerated() where nominalKopecks(capitalKopecks: capitalKopecks, share: share) == nil {
            validator.add(field(index), "company.nominalNotWholeKopecks", ["share": share.description])
        }
    }

    /// capital × share when that is a whole number of kopecks (and fits Int64); nil otherwise. With the share in
    /// lowest terms the product is whole exactly when the denominator divides the capital.
    public static func nominalKopecks(capitalKopecks: Int64, share: Fraction) -> Int64? {
        guard capitalKopecks % share.denominator == 0 else { return nil }
        let (value, overflow) = (capitalKopecks / share.denominator).multipliedReportingOverflow(by: share.numerator)
        return overflow ? nil : value
    }

    /// The last day to pay the capital: four months after the registration day (Civil Code art. 192: the same
    /// date, or the month's last day when that month is shorter).
    public static func paymentDeadline(registeredOn day: CalendarDate) -> CalendarDate {
        day.adding(months: paymentMonths)
    }

    /// `10000.00`: roubles with kopecks, as the extract and messages print an amount.
    public static func roubles(_ kopecks: Int64) -> String {
        let sign = kopecks < 0 ? "-" : ""
        let magnitude = kopecks.magnitude
        let rest = magnitude % 100
        return "\(sign)\(magnitude / 100).\(rest < 10 ? "0" : "")\(rest)"
    }
}
