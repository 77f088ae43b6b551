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

extension SpecialistProfile: SealsPersonalData {
    var birthDate: String? {
        get { sealedBirthDate?.wrappedValue }
        set { if newValue != birthDate { sealedBirthDate = newValue.map(Sealed.init) } }
    }

    var passportNumber: String? {
        get { sealedPassportNumber?.wrappedValue }
        set { if newValue != passportNumber { sealedPassportNumber = newValue.map(Sealed.init) } }
    }

    var passportExpiresOn: String? {
        get { sealedPassportExpiresOn?.wrappedValue }
        set { if newValue != passportExpiresOn { sealedPassportExpiresOn = newValue.map(Sealed.init) } }
    }

    /// The family as the domain knows it; a member whose details did not change keeps their sealed form.
    var family: [FamilyMember] {
        get { storedFamily.map(\.member) }
        set {
            let stored = $storedFamily.value ?? []
            storedFamily = newValue.map { member in stored.first { $0.member == member } ?? StoredFamilyMember(member) }
        }
    }

    func sealPersonalData(with keyring: DataKeyring) throws {
        if let value = $sealedBirthDate.value, let value, value.needsSealing { sealedBirthDate = try value.sealed(with: keyring) }
        if let value = $sealedPassportNumber.value, let value, value.needsSealing { sealedPassportNumber = try value.sealed(with: keyring) }
        if let value = $sealedPassportExpiresOn.value, let value, value.needsSealing { sealedPassportExpiresOn = try value.sealed(with: keyring) }
        if let family = $storedFamily.value, family.contains(where: \.needsSealing) {
            storedFamily = try family.map { try $0.sealed(with: keyring) }
        }
    }

    var identity: ApplicantIdentity {
        get { ApplicantIdentity(birthDate: birthDate, passportNumber: passportNumber, passportExpiresOn: passportExpiresOn) }
        set {
            birthDate = newValue.birthDate
            passportNumber = newValue.passportNumber
            passportExpiresOn = newValue.passportExpiresOn
        }
    }
}

/// A family member as the profile stores them: the name and birth date sealed, relation and citizenship plain
/// (the same JSON keys as `FamilyMember`).
struct StoredFamilyMember: Codable, Hashable, Sendable {
    @Sealed var name: String
    var relation: FamilyRelation
    @Sealed var birthDate: String
    var citizenship: CountryCode

    init(_ member: FamilyMember) {
        name = member.name
        relation = member.relation
        birthDate = member.birthDate
        citizenship = member.citizenship
    }

    var member: FamilyMember { FamilyMember(name: name, relation: relation, birthDate: birthDate, citizenship: citizenship) }

    var needsSealing: Bool { _name.needsSealing || _birthDate.needsSealing }

    func sealed(with keyring: DataKeyring) throws -> StoredFamilyMember {
        var copy = self
        copy._name = try _name.sealed(with: keyring)
        copy._birthDate = try _birthDate.sealed(with: keyring)
        return copy
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
