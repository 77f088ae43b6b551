import CaravanDomain
import Fluent
import Foundation
import Vapor

/// An invitation for an e-mail address to act for a company. Accepted by the employer account with that
/// address (which may sign up after the invitation was sent).
final class CompanyInvitation: Model, @unchecked Sendable {
    static let schema = "company_invitations"

    @ID(key: .id) var id: UUID?
    @Parent(key: "company_id") var company: Company
    /// Normalised like account e-mails.
    @Field(key: "email") var email: String
    @Parent(key: "invited_by") var invitedBy: User
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "accepted_at") var acceptedAt: Date?

    init() {}

    init(companyID: UUID, email: EmailAddress, invitedBy: UUID, at date: Date) {
        $company.id = companyID
        self.email = email.value
        $invitedBy.id = invitedBy
        createdAt = date
    }
}

struct CreateCompanyInvitation: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(CompanyInvitation.schema)
            .id()
            .field("company_id", .uuid, .required, .references(Company.schema, .id, onDelete: .cascade))
            .field("email", .string, .required)
            .field("invited_by", .uuid, .required, .references(User.schema, .id, onDelete: .cascade))
            .field("created_at", .datetime, .required)
            .field("accepted_at", .datetime)
            .unique(on: "company_id", "email")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(CompanyInvitation.schema).delete()
    }
}

extension CompanyService {
    /// A member of a company invites an e-mail address to join it. An existing account must be an employer's
    /// without a company; an address without an account gets an e-mail and can sign up, then accept.
    func invite(_ rawEmail: String, by user: User, language: LanguageCode) async throws -> CompanyInvitation {
        guard let company = try await company(of: user) else { throw AppError.notFound }
        guard let email = EmailAddress(rawEmail) else {
            throw AppError.validation(ValidationFailure(field: "email", code: "email.invalid"))
        }
        let companyID = try company.requireID()
        let invitee = try await User.query(on: database).filter(\.$email == email.value).first()
        if let invitee {
            guard invitee.domainRole.map(CompaniesPolicy.mayRegister) == true else {
                throw AppError.validation(ValidationFailure(field: "email", code: "invite.notEmployer"))
            }
            if let theirs = try await self.company(of: invitee) {
                throw AppError.conflict(code: theirs.id == companyID ? "already-member" : "member-elsewhere")
            }
        }
        if try await CompanyInvitation.query(on: database).filter(\.$company.$id == companyID).filter(\.$email == email.value).first() != nil {
            throw AppError.conflict(code: "invitation-exists")
        }
        let invitation = CompanyInvitation(companyID: companyID, email: email, invitedBy: try user.requireID(), at: app.dependencies.now())
        let arguments = ["company": company.legalName, "person": user.displayName]
        do {
            try await database.writeTransaction { db in
                try await invitation.create(on: db)
                try await AuditLog(now: app.dependencies.now).append(AuditEntry(
                    actor: AuditEntry.user(user.id), action: "company.member-invited", subject: AuditEntry.company(companyID),
                    payload: ["invitation": invitation.id?.uuidString.lowercased() ?? ""]
                ), on: db)
                let notifications = NotificationService(app: app, database: db)
                if let invitee {
                    try await notifications.notify([try invitee.requireID()], kind: "notice.company.invited", arguments: arguments, link: SiteURL.company.path)
                } else {
                    try await notifications.mail(to: email.value, language: language, kind: "mail.company.invited", arguments: arguments, link: SiteURL.signUp.path)
                }
            }
        } catch let error as any DatabaseError where error.isConstraintFailure {
            throw AppError.conflict(code: "invitation-exists")
        }
        await app.outbox.sweep(app: app, on: database)
        return invitation
    }

    /// Invitations waiting for `user`'s address.
    func pendingInvitations(for user: User) async throws -> [CompanyInvitation] {
        try await CompanyInvitation.query(on: database).filter(\.$email == user.email).filter(\.$acceptedAt == nil)
            .with(\.$company).sort(\.$createdAt, .descending).all()
    }

    /// The invitee joins the company; the one who invited is told. Anyone else's attempt is a 404.
    func accept(_ invitationID: UUID, by user: User) async throws -> Company {
        guard let invitation = try await CompanyInvitation.query(on: database).filter(\.$id == invitationID).with(\.$company).first(),
              invitation.email == user.email
        else { throw AppError.notFound }
        guard invitation.acceptedAt == nil else { throw AppError.conflict(code: "invitation-used") }
        guard user.domainRole.map(CompaniesPolicy.mayRegister) == true else { throw AppError.forbidden }
        if try await company(of: user) != nil { throw AppError.conflict(code: "member-elsewhere") }
        let company = invitation.company
        do {
            try await database.writeTransaction { db in
                invitation.acceptedAt = app.dependencies.now()
                try await invitation.save(on: db)
                try await CompanyMember(companyID: company.requireID(), userID: user.requireID()).create(on: db)
                try await AuditLog(now: app.dependencies.now).append(AuditEntry(
                    actor: AuditEntry.user(user.id), action: "company.member-added", subject: AuditEntry.company(company.id),
                    payload: ["invitation": invitationID.uuidString.lowercased(), "member": AuditEntry.user(user.id)]
                ), on: db)
                try await NotificationService(app: app, database: db).notify(
                    [invitation.$invitedBy.id], kind: "notice.company.joined", arguments: ["company": company.legalName, "person": user.displayName],
                    link: SiteURL.company.path
                )
            }
        } catch let error as any DatabaseError where error.isConstraintFailure {
            throw AppError.conflict(code: "member-elsewhere")
        }
        await app.outbox.sweep(app: app, on: database)
        return company
    }

    /// Who acts for the company, and the addresses invited but not yet joined.
    func people(of company: Company) async throws -> (members: [User], pending: [CompanyInvitation]) {
        let members = try await CompanyMember.query(on: database).filter(\.$company.$id == company.requireID()).with(\.$user)
            .sort(\.$createdAt, .ascending).all().map(\.user)
        let pending = try await CompanyInvitation.query(on: database).filter(\.$company.$id == company.requireID())
            .filter(\.$acceptedAt == nil).sort(\.$createdAt, .ascending).all()
        return (members, pending)
    }
}
