/// Who may do what with accounts. The one place this is decided; the server asks, never re-decides.
public enum AccountsPolicy {
    /// Roles an account may be opened with by `actor` (`nil` is someone not signed in).
    public static func creatableRoles(by actor: Role?) -> Set<Role> {
        switch actor {
        case nil: Set(Role.allCases.filter(\.isSelfService))
        case .admin?: Set(Role.allCases)
        default: []
        }
    }

    /// Only an admin changes roles, and never their own: an admin who demoted themselves
    /// could leave an install with no admin at all.
    public static func mayChangeRole(actor: Role, actorID: String, targetID: String) -> Bool {
        actor == .admin && actorID != targetID
    }

    /// Only admins see the list of all accounts (it holds staff names and e-mail addresses).
    public static func mayListAccounts(actor: Role) -> Bool {
        actor == .admin
    }
}

/// The parts of Caravan a role reaches from the navigation. The pages exist for what is listed.
public enum Area: String, CaseIterable, Sendable {
    case home
    case account
    case profile
    case matches
    /// Text search with filters: vacancies for specialists, specialists for employers.
    case search
    case applications
    /// Residence-permit cases: the applicant's, the sponsor's, the officers' queue.
    case permits
    case vacancies
    case company
    case companies
    case users
    /// Notifications: everyone signed in has an inbox.
    case inbox
    /// The entry-ban registry, kept by registry officers.
    case entryBans
    /// The programme's centres abroad: open to everyone; a specialist's appointments; the staff's desk.
    case centres
    /// Digital residency: a specialist's application, card, passkeys and signatures; the registry officers' desk.
    case residency
    /// The company register: open to everyone; a specialist founds a company, a registry officer decides
    /// applications, the ministry (an admin) decides IT accreditation.
    case register
    /// Study grants: the rounds and their published results are open to everyone; a specialist applies; centre
    /// staff and admissions record scores; admissions keep their students; an admin runs the rounds.
    case grants
    /// The observatory: the programme's figures with their definitions; public, exact for analysts.
    case observatory

    public static func visible(to role: Role?) -> [Area] {
        guard let role else { return [.home, .search, .centres, .register, .grants, .observatory] }
        return allCases.filter { area in
            switch area {
            case .home, .account, .inbox: true
            case .search: VacanciesPolicy.mayBeMatched(role) || VacanciesPolicy.mayWrite(role)
            case .permits: role == .specialist || role == .employer || role == .migrationOfficer
            case .profile: role == .specialist
            case .matches, .applications: VacanciesPolicy.mayBeMatched(role)
            case .vacancies: VacanciesPolicy.mayWrite(role)
            case .company: CompaniesPolicy.mayRegister(role)
            case .companies: CompaniesPolicy.mayListAll(role)
            case .users: AccountsPolicy.mayListAccounts(actor: role)
            case .entryBans: EntryBanPolicy.mayManage(role)
            case .centres: role == .specialist || role == .centreStaff || role == .admin
            case .residency: role == .specialist || role == .registryOfficer
            case .register: true
            case .grants: role != .employer && role != .migrationOfficer && role != .registryOfficer
            case .observatory: true
            }
        }
    }
}
