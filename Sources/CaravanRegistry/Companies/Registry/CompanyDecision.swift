import CaravanPermits
import Foundation

/// Where a company application stands. Only `submitted` awaits the registry; a decided application never changes.
public enum CompanyApplicationStatus: String, CaseIterable, Codable, Sendable {
    /// Being filled in and signed.
    case draft
    case submitted
    case registered
    case refused
    case withdrawn

    public var isOpen: Bool { self == .submitted }
}

/// Why the registry cannot decide as asked. Each has its own message and problem type.
public enum CompanyDecisionError: Error, Hashable, Sendable {
    case notOpen
    /// The application has errors (the report lists them).
    case applicationInvalid
    /// The name is identical to a registered one with the same main activity.
    case nameTaken(String)
    /// Someone has not signed the current revision, or signed an earlier one.
    case signaturesIncomplete
    case identityNotVerified(userID: String)
    case entryBanNotChecked(userID: String)
    case entryBanned(userID: String)
    case groundUnknown

    public var code: String {
        switch self {
        case .notOpen: "company-decided"
        case .applicationInvalid: "company-application-invalid"
        case .nameTaken: "company-name-taken"
        case .signaturesIncomplete: "company-signatures-incomplete"
        case .identityNotVerified: "company-identity-unverified"
        case .entryBanNotChecked: "company-entry-ban-unchecked"
        case .entryBanned: "company-entry-banned"
        case .groundUnknown: "company-ground-unknown"
        }
    }
}

/// The registry officer's rules: registration only on checked facts, refusal only on a ground from the file, and
/// the decision within the legal term on the production calendar.
public enum CompanyDecisionRules {
    /// 129-FZ art. 8(1): three working days from the submission (five until 2015) — as third-party sources give it;
    /// the official text was not read, so it is a default the programme may change.
    public static let defaultDecisionWorkingDays = 3

    /// Registration needs an open application that validated with a name not taken, every founder's and the
    /// director's signature over the current revision, and for every person among them (`persons`, keyed by user
    /// id: the founders' and director's facts found by code) a verified identity and an entry-ban check that came
    /// back clear.
    public static func checkApproval(application: CompanyApplication, status: CompanyApplicationStatus, report: CompanyApplicationReport,
                                     signatures: SignatureReview, persons: [String: ResidencyChecks]) throws(CompanyDecisionError) {
        guard status.isOpen else { throw .notOpen }
        if case .identical(let name) = report.nameComparison { throw .nameTaken(name) }
        guard report.isValid else { throw .applicationInvalid }
        guard signatures.isComplete, signatures.revision == application.revision else { throw .signaturesIncomplete }
        for userID in application.personUserIDs {
            guard let checks = persons[userID], checks.identity.isVerified else { throw .identityNotVerified(userID: userID) }
            guard let ban = checks.entryBan else { throw .entryBanNotChecked(userID: userID) }
            guard !ban.isBanned else { throw .entryBanned(userID: userID) }
        }
    }

    /// Refusal needs an open application and a ground from the file.
    public static func checkRefusal(status: CompanyApplicationStatus, ground: String, grounds: CompanyGrounds) throws(CompanyDecisionError) {
        guard status.isOpen else { throw .notOpen }
        guard grounds.ground(ground) != nil else { throw .groundUnknown }
    }

    /// The day the decision is due: `workingDays` working days after the submission day, which does not count
    /// (Civil Code art. 191).
    public static func decisionDate(submittedOn day: CalendarDate, workingDays: Int = defaultDecisionWorkingDays,
                                    calendar: WorkingDayCalendar) throws(CalendarError) -> CalendarDate {
        try calendar.adding(workingDays: workingDays, to: day)
    }
}
