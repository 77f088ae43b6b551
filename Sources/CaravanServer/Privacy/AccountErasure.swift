import CaravanDomain
import CaravanPermits
import CaravanRegistry
import Fluent
import Foundation
import Vapor

/// A person's request to erase their data (152-FZ, art. 21). What the law lets go goes: the profile (skills,
/// family, birth date, passport), applications that no permit case rests on, notices and mail not yet sent, API
/// tokens and sessions; the account's e-mail, name and password become an anonymous placeholder nobody can sign in
/// with, and the consent is marked withdrawn. What the law keeps stays, and the page says why before they confirm:
/// permit cases with their documents (migration law keeps a case's file), the audit chain (it proves what was
/// done), entry-ban registry entries, and the who-looked log (ids only). Refused while a permit case is open:
/// the decision still needs the applicant, who withdraws the case first or waits for the decision.
struct AccountErasure: Sendable {
    let app: Application
    let database: any Database

    struct Outcome: Sendable, Equatable {
        var profileErased: Bool
        var applicationsErased: Int
        var applicationsKept: Int
        var noticesErased: Int
        var casesKept: Int
    }

    /// The open case that blocks an erasure, if any.
    func blockingCase(of user: User) async throws -> PermitCase? {
        let pending = [CaseStatus.draft] + CaseStatus.open
        return try await PermitCase.query(on: database).filter(\.$principal.$id == user.requireID())
            .filter(\.$status ~~ pending.map(\.rawValue)).first()
    }

    /// Erases `user`'s data after checking the password they typed again (a stolen session or token alone
    /// cannot erase an account). A missing password is a field error (422), a wrong one a 403 naming the field; an open case is a 409.
    func erase(_ user: User, password: String) async throws -> Outcome {
        let accounts = AccountService(app: app, database: database)
        if password.isEmpty {
            throw AppError.validation(ValidationFailure(field: "password", code: "field.required"))
        }
        guard password.unicodeScalars.count <= SignUpRules.passwordMaximum,
              try await accounts.verifyPassword(password, hash: user.passwordHash)
        else { throw AppError.passwordRejected(ValidationFailure(field: "password", code: "erasure.passwordWrong")) }
        if try await blockingCase(of: user) != nil { throw AppError.conflict(code: "erasure-case-open") }
        // A residency application being decided waits for its decision (or the applicant withdraws it), as a case does.
        if try await ResidencyApplication.query(on: database).filter(\.$user.$id == user.requireID())
            .filter(\.$status == ResidencyApplicationStatus.submitted.rawValue).first() != nil {
            throw AppError.conflict(code: "erasure-residency-open")
        }
        let userID = try user.requireID()
        let now = app.dependencies.now()
        let oldEmail = user.email
        let outcome = try await database.writeTransaction { db in
            var outcome = Outcome(profileErased: false, applicationsErased: 0, applicationsKept: 0, noticesErased: 0, casesKept: 0)
            let cases = try await PermitCase.query(on: db).filter(\.$principal.$id == userID).all()
            outcome.casesKept = cases.count
            let caseApplications = Set(cases.map(\.applicationID))
            if let profile = try await SpecialistProfile.query(on: db).filter(\.$user.$id == userID).first() {
                try await profile.delete(on: db)
                outcome.profileErased = true
            }
            for application in try await JobApplication.query(on: db).filter(\.$specialist.$id == userID).all() {
                if let id = application.id, caseApplications.contains(id) {
                    outcome.applicationsKept += 1
                } else {
                    try await application.delete(on: db)
                    outcome.applicationsErased += 1
                }
            }
            let notices = try await Notice.query(on: db).filter(\.$user.$id == userID).all()
            outcome.noticesErased = notices.count
            try await notices.delete(on: db)
            try await OutboxMail.query(on: db).filter(\.$user.$id == userID).filter(\.$sentAt == nil).delete()
            try await OutboxMail.query(on: db).filter(\.$address == oldEmail).filter(\.$sentAt == nil).delete()
            try await CompanyInvitation.query(on: db).filter(\.$email == oldEmail).filter(\.$acceptedAt == nil).delete()
            try await APIToken.query(on: db).filter(\.$user.$id == userID).delete()
            // The registry keeps its records (applications, residencies, signed documents); a residency in force ends
            // at the resident's request, and the passkeys and open challenges go: nobody can sign for this account again.
            for resident in try await Resident.query(on: db).filter(\.$user.$id == userID).filter(\.$status == "active").all() {
                resident.status = "revoked"
                resident.revokedAt = now
                resident.revokedGround = "resident-request"
                resident.revokedBy = userID
                try await resident.update(on: db)
                try await AuditLog(now: app.dependencies.now).append(AuditEntry(
                    actor: AuditEntry.user(userID), action: "residency.revoked", subject: ResidencyService.residentSubject(resident.number),
                    payload: ["ground": "resident-request", "cause": "account-erased"]
                ), on: db)
            }
            try await Passkey.query(on: db).filter(\.$user.$id == userID).delete()
            // A reset link already mailed must not open the placeholder account.
            try await PasswordReset.query(on: db).filter(\.$user.$id == userID).delete()
            try await WebAuthnChallenge.query(on: db).filter(\.$user.$id == userID).delete()
            try await SessionRecord.endAll(of: userID, on: db)
            try await ProcessingConsent.query(on: db).filter(\.$userID == userID).filter(\.$withdrawnAt == nil).set(\.$withdrawnAt, to: now).update()
            // The placeholder keeps the row (permit cases and the audit chain point at it) and no one can sign in:
            // the address is in a domain that never exists, and "!" is no bcrypt hash.
            user.email = "erased-\(userID.uuidString.lowercased())@erased.invalid"
            user.displayName = Self.placeholderName
            user.passwordHash = "!"
            try await user.update(on: db)
            try await AuditLog(now: app.dependencies.now).append(AuditEntry(
                actor: AuditEntry.user(userID), action: "account.erased", subject: AuditEntry.user(userID),
                payload: ["profile": outcome.profileErased ? "erased" : "none", "applicationsErased": String(outcome.applicationsErased),
                          "applicationsKept": String(outcome.applicationsKept), "notices": String(outcome.noticesErased),
                          "casesKept": String(outcome.casesKept)]
            ), on: db)
            try await app.changeFeed.publish(.profile, userID, on: db, at: now)
            return outcome
        }
        await app.candidateIndex.remove(userID)
        return outcome
    }

    /// What an erased account is called wherever a kept record names it.
    static let placeholderName = "—"
}

extension Request {
    var erasure: AccountErasure { AccountErasure(app: application, database: db) }
}
