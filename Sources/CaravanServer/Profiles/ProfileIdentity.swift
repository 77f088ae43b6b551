import CaravanDomain
import Fluent
import Foundation
import Vapor

/// The applicant's birth date and passport on the profile: nullable columns added after the first release.
struct AddProfileIdentity: AsyncMigration {
    static let columns = ["birth_date", "passport_number", "passport_expires_on"]

    func prepare(on database: any Database) async throws {
        // One column per statement: SQLite's ALTER TABLE adds one at a time.
        for name in Self.columns {
            try await database.schema(SpecialistProfile.schema).field(.string(name), .string).update()
        }
    }

    func revert(on database: any Database) async throws {
        for name in Self.columns.reversed() {
            try await database.schema(SpecialistProfile.schema).deleteField(.string(name)).update()
        }
    }
}

extension SpecialistProfile {
    var identity: ApplicantIdentity {
        get { ApplicantIdentity(birthDate: birthDate, passportNumber: passportNumber, passportExpiresOn: passportExpiresOn) }
        set {
            birthDate = newValue.birthDate
            passportNumber = newValue.passportNumber
            passportExpiresOn = newValue.passportExpiresOn
        }
    }
}

extension ProfileService {
    /// The specialist gives (or corrects) their birth date and passport; every problem at once, nothing saved
    /// on a mistake. A permit case opened later takes them from here instead of asking again.
    func updateIdentity(of user: User, _ input: ApplicantIdentityInput) async throws -> SpecialistProfile {
        try requireSpecialist(user)
        let identity = try validateIdentity(input)
        let profile = try await profile(of: user)
        profile.identity = identity
        try await store(profile)
        return profile
    }

    func validateIdentity(_ input: ApplicantIdentityInput) throws -> ApplicantIdentity {
        let today = CalendarDay.today(app.dependencies.now())
        do { return try ProfileRules.validate(input, today: today) } catch { throw AppError.validation(error) }
    }
}
