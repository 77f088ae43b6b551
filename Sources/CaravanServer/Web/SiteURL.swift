import CaravanDomain
import Foundation
import Vapor

/// Every page's address, in one place: routes are registered from it and templates get links from it,
/// so no template builds a path by hand.
enum SiteURL: Equatable {
    enum ProfileList: String, CaseIterable, Sendable {
        case experience, education, languages, roles
    }

    case home
    case signUp
    /// Asking for a password-reset link, and the link itself.
    case passwordReset
    case passwordResetToken(String)
    case signIn
    case signOut
    case account
    case accountLanguage
    case accountTokens
    case accountExport
    case accountErasure
    case language(LanguageCode)
    /// How complete each interface language is.
    case languages
    case adminUsers
    case adminUserRole(UUID)
    case profile
    case profileSkills
    case profileSkillsRemove
    case profileIdentity
    case profileFamily
    case profileFamilyRemove
    /// Experience, education, languages and desired roles: one add and one remove form each.
    case profileList(ProfileList)
    case profileListRemove(ProfileList)
    case vacancies
    case vacancy(UUID)
    case vacancyStatus(UUID)
    case matches
    case vacancyApply(UUID)
    case vacancyInvite(UUID)
    case applications
    case applicationMove(UUID)
    case company
    case companyInvitations
    case companyInvitationAccept(UUID)
    case adminCompanies
    case adminCompanyAccreditation(UUID)
    case inbox
    case inboxRead
    case permits
    case permitOpen
    case permitCase(UUID)
    case permitAction(UUID)
    case permitPrint(UUID)
    case permitFile(UUID)
    case permitDocuments(UUID)
    case permitPersons(UUID)
    case permitContractEnd(UUID)
    case permitAssign(UUID)
    case permitDocument(UUID, UUID)
    case permitDocumentReview(UUID, UUID)
    case officerCases
    case verify(String)
    case signingKey
    case searchVacancies
    case searchSpecialists
    /// A specialist's profile as an employer reads it.
    case specialist(UUID)
    case searchInvite
    case stylesheet
    case registryEntryBans
    case registryEntryBanLift(UUID)
    case centres
    case centre(String)
    case centreBook(String)
    case appointments
    case appointmentCancel(UUID)
    case appointmentMove(UUID)
    case appointmentCalendar(UUID)
    case centreDesk
    case centreDeskMark(UUID)
    case centreDeskResult(UUID)
    case centreStaff(String)
    case courses
    case course(UUID)
    case courseEnrol(UUID)
    case courseWithdraw(UUID)
    case courseMark(UUID)
    case residency
    case residencyApply
    case residencyWithdraw
    case residencyPhoto
    case residencyCard
    case residencyCardFile
    case residencyPasskeys
    case residencyPasskeyNew
    case residencyPasskeyRemove(UUID)
    case residencyDocuments
    case residencyDocument(UUID)
    case residencyDocumentSignature(UUID)
    case residencyDocumentFile(UUID)
    case registryResidency
    case registryResidencyApplication(UUID)
    case registryResidencyDecision(UUID)
    case registryResidencyPhoto(UUID)
    case registryResidentRevocation(String)
    case verifySignedDocument
    case registryKey
    case okved
    case companyRegistration
    case companyFiling(UUID)
    /// A step or action of a filing: `name`, `address`, `capital`, `activities`, `shares`, `founders`,
    /// `founder-removal`, `director`, `signature`, `submission`, `withdrawal`.
    case companyFilingAction(UUID, String)
    case registryCompanies
    case registryCompanyFiling(UUID)
    case registryCompanyDecision(UUID)
    case register
    case registeredCompany(String)
    /// `extract.json`, `extract`, `change`, `capital`, `accreditation`, `invitation`.
    case registeredCompanyAction(String, String)
    case adminAccreditations
    case adminAccreditationDecision(UUID)
    /// Study grants: the rounds (public), a round's page and its published files, the specialist's application and
    /// answers, the score and admissions desk, the admin's catalogue and rounds.
    case grants
    case grantRound(UUID)
    /// `input.json` or `result.json`.
    case grantRoundFile(UUID, String)
    case grantApply(UUID)
    case grantsMine
    case grantAnswer(UUID)
    case grantDesk
    case grantScores(UUID)
    case grantMove(UUID)
    case grantDeskProgramme
    case grantDeskProgrammeEdit(String)
    case adminGrants
    /// `universities`, `programmes`, `staff`, `rounds`.
    case adminGrantAction(String)
    /// `freeze`, `run`, `ceilings`, `second-round`.
    case adminGrantRoundAction(UUID, String)
    /// The observatory: public figures; the analysts' exact ones; each table as CSV (`<table>.csv`).
    case observatory
    case observatoryExact
    case observatoryCSV(String, exact: Bool)

    var path: String {
        "/" + components.map(\.description).joined(separator: "/")
    }

    /// The route's path components; parameters are named so handlers read them by name.
    var pathComponents: [PathComponent] {
        switch self {
        case .language: ["language", ":code"]
        case .adminUserRole: ["admin", "users", ":userID", "role"]
        case .adminCompanyAccreditation: ["admin", "companies", ":companyID", "accreditation"]
        case .vacancy: ["vacancies", ":vacancyID"]
        case .passwordResetToken: ["password-reset", ":token"]
        case .specialist: ["specialists", ":specialistID"]
        case .vacancyStatus: ["vacancies", ":vacancyID", "status"]
        case .vacancyApply: ["vacancies", ":vacancyID", "apply"]
        case .vacancyInvite: ["vacancies", ":vacancyID", "invite"]
        case .applicationMove: ["applications", ":applicationID", "move"]
        case .companyInvitationAccept: ["company", "invitations", ":invitationID", "accept"]
        case .permitCase: ["permits", ":caseID"]
        case .permitAction: ["permits", ":caseID", "actions"]
        case .permitPrint: ["permits", ":caseID", "permit"]
        case .permitFile: ["permits", ":caseID", "permit.json"]
        case .verify: ["verify", ":number"]
        case .permitDocuments: ["permits", ":caseID", "documents"]
        case .permitPersons: ["permits", ":caseID", "persons"]
        case .permitContractEnd: ["permits", ":caseID", "contract-end"]
        case .permitAssign: ["permits", ":caseID", "assignment"]
        case .permitDocument: ["permits", ":caseID", "documents", ":documentID"]
        case .permitDocumentReview: ["permits", ":caseID", "documents", ":documentID", "review"]
        case .registryEntryBanLift: ["registry", "entry-bans", ":banID", "lift"]
        case .centre: ["centres", ":centreID"]
        case .centreBook: ["centres", ":centreID", "bookings"]
        case .appointmentCancel: ["appointments", ":bookingID", "cancel"]
        case .appointmentMove: ["appointments", ":bookingID", "move"]
        case .appointmentCalendar: ["appointments", ":bookingID", "appointment.ics"]
        case .centreDeskMark: ["centre-desk", "bookings", ":bookingID", "status"]
        case .centreDeskResult: ["centre-desk", "bookings", ":bookingID", "result"]
        case .centreStaff: ["centres", ":centreID", "staff"]
        case .course: ["courses", ":courseID"]
        case .courseEnrol: ["courses", ":courseID", "enrolment"]
        case .courseWithdraw: ["courses", ":courseID", "withdrawal"]
        case .courseMark: ["course-enrolments", ":enrolmentID", "marks"]
        case .residencyPasskeyRemove: ["residency", "passkeys", ":passkeyID", "removal"]
        case .residencyDocument: ["residency", "documents", ":documentID"]
        case .residencyDocumentSignature: ["residency", "documents", ":documentID", "signature"]
        case .residencyDocumentFile: ["residency", "documents", ":documentID", "signed.json"]
        case .registryResidencyApplication: ["registry", "residency", ":applicationID"]
        case .registryResidencyDecision: ["registry", "residency", ":applicationID", "decision"]
        case .registryResidencyPhoto: ["registry", "residency", ":applicationID", "photo"]
        case .registryResidentRevocation: ["registry", "residents", ":number", "revocation"]
        case .companyFiling: ["company-registration", ":filingID"]
        case .companyFilingAction(_, let action): ["company-registration", ":filingID", .constant(action)]
        case .registryCompanyFiling: ["registry", "companies", ":filingID"]
        case .registryCompanyDecision: ["registry", "companies", ":filingID", "decision"]
        case .registeredCompany: ["register", ":ogrn"]
        case .registeredCompanyAction(_, let action): ["register", ":ogrn", .constant(action)]
        case .adminAccreditationDecision: ["admin", "it-accreditation", ":filingID"]
        case .grantRound: ["grants", "rounds", ":roundID"]
        case .grantRoundFile(_, let file): ["grants", "rounds", ":roundID", .constant(file)]
        case .observatoryCSV(_, let exact): exact ? ["observatory", "exact", "tables", ":file"] : ["observatory", "tables", ":file"]
        case .grantApply: ["grants", "rounds", ":roundID", "application"]
        case .grantAnswer: ["grants", "applications", ":applicationID", "answer"]
        case .grantScores: ["grants", "applications", ":applicationID", "scores"]
        case .grantMove: ["grants", "applications", ":applicationID", "status"]
        case .grantDeskProgrammeEdit: ["grants", "desk", "programmes", ":code"]
        case .adminGrantAction(let action): ["admin", "grants", .constant(action)]
        case .adminGrantRoundAction(_, let action): ["admin", "grants", "rounds", ":roundID", .constant(action)]
        default: components.map { PathComponent(stringLiteral: $0) }
        }
    }

    private var components: [String] {
        switch self {
        case .home: []
        case .signUp: ["signup"]
        case .passwordReset: ["password-reset"]
        case .passwordResetToken(let token): ["password-reset", token]
        case .signIn: ["signin"]
        case .signOut: ["signout"]
        case .account: ["account"]
        case .accountLanguage: ["account", "language"]
        case .accountTokens: ["account", "tokens"]
        case .accountExport: ["account", "export"]
        case .accountErasure: ["account", "erasure"]
        case .language(let code): ["language", code.rawValue]
        case .languages: ["languages"]
        case .adminUsers: ["admin", "users"]
        case .adminUserRole(let id): ["admin", "users", id.uuidString.lowercased(), "role"]
        case .profile: ["profile"]
        case .profileSkills: ["profile", "skills"]
        case .profileSkillsRemove: ["profile", "skills", "remove"]
        case .profileIdentity: ["profile", "identity"]
        case .profileFamily: ["profile", "family"]
        case .profileFamilyRemove: ["profile", "family", "remove"]
        case .profileList(let list): ["profile", list.rawValue]
        case .profileListRemove(let list): ["profile", list.rawValue, "remove"]
        case .vacancies: ["vacancies"]
        case .vacancy(let id): ["vacancies", id.uuidString.lowercased()]
        case .vacancyStatus(let id): ["vacancies", id.uuidString.lowercased(), "status"]
        case .matches: ["matches"]
        case .vacancyApply(let id): ["vacancies", id.uuidString.lowercased(), "apply"]
        case .vacancyInvite(let id): ["vacancies", id.uuidString.lowercased(), "invite"]
        case .applications: ["applications"]
        case .applicationMove(let id): ["applications", id.uuidString.lowercased(), "move"]
        case .company: ["company"]
        case .companyInvitations: ["company", "invitations"]
        case .companyInvitationAccept(let id): ["company", "invitations", id.uuidString.lowercased(), "accept"]
        case .adminCompanies: ["admin", "companies"]
        case .adminCompanyAccreditation(let id): ["admin", "companies", id.uuidString.lowercased(), "accreditation"]
        case .inbox: ["inbox"]
        case .permits: ["permits"]
        case .permitOpen: ["permits", "open"]
        case .permitCase(let id): ["permits", id.uuidString.lowercased()]
        case .permitAction(let id): ["permits", id.uuidString.lowercased(), "actions"]
        case .permitPrint(let id): ["permits", id.uuidString.lowercased(), "permit"]
        case .permitFile(let id): ["permits", id.uuidString.lowercased(), "permit.json"]
        case .permitDocuments(let id): ["permits", id.uuidString.lowercased(), "documents"]
        case .permitPersons(let id): ["permits", id.uuidString.lowercased(), "persons"]
        case .permitContractEnd(let id): ["permits", id.uuidString.lowercased(), "contract-end"]
        case .permitAssign(let id): ["permits", id.uuidString.lowercased(), "assignment"]
        case .permitDocument(let id, let document): ["permits", id.uuidString.lowercased(), "documents", document.uuidString.lowercased()]
        case .permitDocumentReview(let id, let document): ["permits", id.uuidString.lowercased(), "documents", document.uuidString.lowercased(), "review"]
        case .officerCases: ["officer", "cases"]
        case .verify(let number): ["verify", number]
        case .signingKey: [".well-known", "caravan-signing-key"]
        case .searchVacancies: ["search", "vacancies"]
        case .searchSpecialists: ["search", "specialists"]
        case .specialist(let id): ["specialists", id.uuidString.lowercased()]
        case .searchInvite: ["search", "specialists", "invite"]
        case .inboxRead: ["inbox", "read"]
        case .stylesheet: ["caravan.css"]
        case .registryEntryBans: ["registry", "entry-bans"]
        case .registryEntryBanLift(let id): ["registry", "entry-bans", id.uuidString.lowercased(), "lift"]
        case .centres: ["centres"]
        case .centre(let id): ["centres", id]
        case .centreBook(let id): ["centres", id, "bookings"]
        case .appointments: ["appointments"]
        case .appointmentCancel(let id): ["appointments", id.uuidString.lowercased(), "cancel"]
        case .appointmentMove(let id): ["appointments", id.uuidString.lowercased(), "move"]
        case .appointmentCalendar(let id): ["appointments", id.uuidString.lowercased(), "appointment.ics"]
        case .centreDesk: ["centre-desk"]
        case .centreDeskMark(let id): ["centre-desk", "bookings", id.uuidString.lowercased(), "status"]
        case .centreDeskResult(let id): ["centre-desk", "bookings", id.uuidString.lowercased(), "result"]
        case .centreStaff(let id): ["centres", id, "staff"]
        case .courses: ["courses"]
        case .course(let id): ["courses", id.uuidString.lowercased()]
        case .courseEnrol(let id): ["courses", id.uuidString.lowercased(), "enrolment"]
        case .courseWithdraw(let id): ["courses", id.uuidString.lowercased(), "withdrawal"]
        case .courseMark(let id): ["course-enrolments", id.uuidString.lowercased(), "marks"]
        case .residency: ["residency"]
        case .residencyApply: ["residency", "application"]
        case .residencyWithdraw: ["residency", "application", "withdrawal"]
        case .residencyPhoto: ["residency", "application", "photo"]
        case .residencyCard: ["residency", "card"]
        case .residencyCardFile: ["residency", "card.json"]
        case .residencyPasskeys: ["residency", "passkeys"]
        case .residencyPasskeyNew: ["residency", "passkeys", "new"]
        case .residencyPasskeyRemove(let id): ["residency", "passkeys", id.uuidString.lowercased(), "removal"]
        case .residencyDocuments: ["residency", "documents"]
        case .residencyDocument(let id): ["residency", "documents", id.uuidString.lowercased()]
        case .residencyDocumentSignature(let id): ["residency", "documents", id.uuidString.lowercased(), "signature"]
        case .residencyDocumentFile(let id): ["residency", "documents", id.uuidString.lowercased(), "signed.json"]
        case .registryResidency: ["registry", "residency"]
        case .registryResidencyApplication(let id): ["registry", "residency", id.uuidString.lowercased()]
        case .registryResidencyDecision(let id): ["registry", "residency", id.uuidString.lowercased(), "decision"]
        case .registryResidencyPhoto(let id): ["registry", "residency", id.uuidString.lowercased(), "photo"]
        case .registryResidentRevocation(let number): ["registry", "residents", number, "revocation"]
        case .verifySignedDocument: ["verify", "signed-document"]
        case .registryKey: [".well-known", "caravan-registry-key"]
        case .okved: ["okved"]
        case .companyRegistration: ["company-registration"]
        case .companyFiling(let id): ["company-registration", id.uuidString.lowercased()]
        case .companyFilingAction(let id, let action): ["company-registration", id.uuidString.lowercased(), action]
        case .registryCompanies: ["registry", "companies"]
        case .registryCompanyFiling(let id): ["registry", "companies", id.uuidString.lowercased()]
        case .registryCompanyDecision(let id): ["registry", "companies", id.uuidString.lowercased(), "decision"]
        case .register: ["register"]
        case .registeredCompany(let ogrn): ["register", ogrn]
        case .registeredCompanyAction(let ogrn, let action): ["register", ogrn, action]
        case .adminAccreditations: ["admin", "it-accreditation"]
        case .adminAccreditationDecision(let id): ["admin", "it-accreditation", id.uuidString.lowercased()]
        case .grants: ["grants"]
        case .grantRound(let id): ["grants", "rounds", id.uuidString.lowercased()]
        case .grantRoundFile(let id, let file): ["grants", "rounds", id.uuidString.lowercased(), file]
        case .grantApply(let id): ["grants", "rounds", id.uuidString.lowercased(), "application"]
        case .grantsMine: ["grants", "mine"]
        case .grantAnswer(let id): ["grants", "applications", id.uuidString.lowercased(), "answer"]
        case .grantDesk: ["grants", "desk"]
        case .grantScores(let id): ["grants", "applications", id.uuidString.lowercased(), "scores"]
        case .grantMove(let id): ["grants", "applications", id.uuidString.lowercased(), "status"]
        case .grantDeskProgramme: ["grants", "desk", "programmes"]
        case .grantDeskProgrammeEdit(let code): ["grants", "desk", "programmes", code]
        case .adminGrants: ["admin", "grants"]
        case .adminGrantAction(let action): ["admin", "grants", action]
        case .adminGrantRoundAction(let id, let action): ["admin", "grants", "rounds", id.uuidString.lowercased(), action]
        case .observatory: ["observatory"]
        case .observatoryExact: ["observatory", "exact"]
        case .observatoryCSV(let table, let exact): exact ? ["observatory", "exact", "tables", "\(table).csv"] : ["observatory", "tables", "\(table).csv"]
        }
    }

    /// A local path that is safe to redirect to after an action (no scheme, no host, no `//`).
    static func safeLocalPath(_ candidate: String?) -> String? {
        guard let candidate, candidate.hasPrefix("/"), !candidate.hasPrefix("//"), !candidate.contains("\\"),
              candidate.utf8.count <= 512,
              !candidate.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else { return nil }
        return candidate
    }
}
