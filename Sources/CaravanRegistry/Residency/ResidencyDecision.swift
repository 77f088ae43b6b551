import CaravanPermits
import Foundation

/// What the registry knows about an applicant when it decides, each fact found by code, never typed in.
public struct ResidencyChecks: Sendable, Equatable {
    /// How the applicant's identity was verified, if it was.
    public enum Identity: Sendable, Equatable {
        /// In person at a programme centre (the centre's identity-verification result), on a day.
        case centre(centre: String, on: CalendarDate)
        /// From the person's issued residence permit, whose passport an officer read and matched.
        case permit(number: String)
        case notVerified

        public var isVerified: Bool { self != .notVerified }
    }

    public var identity: Identity
    /// The entry-ban registry's answer today; nil when it could not be asked.
    public var entryBan: EntryBanCheck?

    public init(identity: Identity, entryBan: EntryBanCheck?) {
        self.identity = identity
        self.entryBan = entryBan
    }
}

/// Why a decision cannot be made as asked. Each has its own message and problem type.
public enum ResidencyDecisionError: Error, Sendable, Equatable {
    case notOpen
    case identityNotVerified
    case entryBanNotChecked
    case entryBanned
    case passportExpired
    case groundUnknown
    case notActive

    public var code: String {
        switch self {
        case .notOpen: "residency-decided"
        case .identityNotVerified: "residency-identity-unverified"
        case .entryBanNotChecked: "residency-entry-ban-unchecked"
        case .entryBanned: "residency-entry-banned"
        case .passportExpired: "residency-passport-expired"
        case .groundUnknown: "residency-ground-unknown"
        case .notActive: "residency-not-active"
        }
    }
}

/// The registry officer's decision rules: approval only on checked facts, refusal only on a listed ground.
public enum ResidencyDecisionRules {
    /// Approval needs an open application, a verified identity, an entry-ban check that came back clear and a
    /// passport still valid today.
    public static func checkApproval(status: ResidencyApplicationStatus, checks: ResidencyChecks, passportExpiresOn: CalendarDate,
                                     today: CalendarDate) throws(ResidencyDecisionError) {
        guard status.isOpen else { throw .notOpen }
        guard checks.identity.isVerified else { throw .identityNotVerified }
        guard let ban = checks.entryBan else { throw .entryBanNotChecked }
        guard !ban.isBanned else { throw .entryBanned }
        guard passportExpiresOn >= today else { throw .passportExpired }
    }

    /// Refusal needs an open application and a refusal ground from the file.
    public static func checkRefusal(status: ResidencyApplicationStatus, ground: String, grounds: ResidencyGrounds) throws(ResidencyDecisionError) {
        guard status.isOpen else { throw .notOpen }
        guard grounds.ground(ground, for: .refuse) != nil else { throw .groundUnknown }
    }

    /// Revocation needs a residency in force and a revocation ground from the file.
    public static func checkRevocation(isActive: Bool, ground: String, grounds: ResidencyGrounds) throws(ResidencyDecisionError) {
        guard isActive else { throw .notActive }
        guard grounds.ground(ground, for: .revoke) != nil else { throw .groundUnknown }
    }

    /// The last day of a residency approved on `day`: `years` later, less a day.
    public static func validUntil(approvedOn day: CalendarDate, years: Int) -> CalendarDate {
        day.adding(months: 12 * years).adding(days: -1)
    }
}

/// A residency's number: `DR-<year>-<six-digit serial>-<Luhn check digit>`, so a mistyped number is told apart
/// from an unknown one.
public enum ResidencyNumber {
    public static func make(year: Int, serial: Int) -> String {
        let body = String(format: "%04d%06d", year, serial)
        return "DR-\(year)-\(String(format: "%06d", serial))-\(checkDigit(body))"
    }

    public static func isWellFormed(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "DR", parts[1].count == 4, parts[2].count == 6, parts[3].count == 1,
              (parts[1] + parts[2] + parts[3]).allSatisfy({ $0.isASCII && $0.isNumber }) else { return false }
        return String(checkDigit(String(parts[1] + parts[2]))) == parts[3]
    }

    /// Luhn's digit over the year and serial.
    static func checkDigit(_ digits: String) -> Int {
        var sum = 0
        for (offset, character) in digits.reversed().enumerated() {
            var digit = character.wholeNumberValue ?? 0
            if offset % 2 == 0 {
                digit *= 2
                if digit > 9 { digit -= 9 }
            }
            sum += digit
        }
        return (10 - sum % 10) % 10
    }
}
