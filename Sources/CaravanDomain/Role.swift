/// What a person does in Caravan. The raw values are stored and are part of the API.
public enum Role: String, CaseIterable, Codable, Sendable, Comparable {
    case specialist
    case employer
    case migrationOfficer = "migration_officer"
    case centreStaff = "centre_staff"
    case universityAdmissions = "university_admissions"
    case registryOfficer = "registry_officer"
    case analyst
    case admin

    /// Specialists and employers sign themselves up; every other role is given by an admin,
    /// because it grants access to other people's cases.
    public var isSelfService: Bool {
        switch self {
        case .specialist, .employer: true
        default: false
        }
    }

    /// The catalogue key of the role's name.
    public var messageKey: String { "role.\(rawValue)" }

    public static func < (lhs: Role, rhs: Role) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
