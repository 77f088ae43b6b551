import CaravanDomain

/// Who may fire which event on a permit case. The one place this is decided; the server asks, never re-decides.
/// Ownership (that this specialist is this case's principal, this employer its sponsor) is the server's check
/// on top; the policy answers for the role.
public enum CasePolicy {
    /// A draft is the applicant's own until it is submitted: no officer reads a family's papers before they are
    /// filed with the authority, nor lists them.
    public static func officerMaySee(_ status: CaseStatus) -> Bool {
        status != .draft
    }

    public static func mayFire(_ event: CaseEventKind, role: Role) -> Bool {
        switch role {
        case .specialist:
            // The applicant files, answers and may withdraw; never decides.
            [.submit, .resubmit, .withdraw].contains(event)
        case .migrationOfficer:
            [.startReview, .requestInformation, .decide, .confirmRefusal, .returnToReview, .issuePermit,
             .registerArrival, .cancel].contains(event)
        case .employer:
            // The sponsor is the receiving party that notifies the arrival; it sees the status, not the documents.
            event == .registerArrival
        case .centreStaff, .universityAdmissions, .registryOfficer, .analyst, .admin:
            // Admins run the install, not cases: separating the two keeps an admin from deciding a permit.
            false
        }
    }
}
