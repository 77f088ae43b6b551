import CaravanDomain
import CaravanMatching
import Fluent
import Foundation
import Vapor

/// Reading and changing a specialist's own profile. Every change is checked whole before anything is written.
struct ProfileService: Sendable {
    let app: Application
    let database: any Database

    /// A profile holds at most 50 skills: more is a keyword list, not a profile, and slows matching for everyone.
    static let skillLimit = 50
    /// The permit law's family is small; 12 covers spouse, children, their spouses, parents and grandparents.
    static let familyLimit = 12

    func requireSpecialist(_ user: User) throws {
        guard user.domainRole == .specialist else { throw AppError.forbidden }
    }

    /// The profile of `user`, made empty on first use.
    func profile(of user: User) async throws -> SpecialistProfile {
        try requireSpecialist(user)
        return try await profile(ofSpecialist: user.requireID())
    }

    /// The same for an account already known to be a specialist's.
    func profile(ofSpecialist userID: UUID) async throws -> SpecialistProfile {
        if let existing = try await SpecialistProfile.query(on: database).filter(\.$user.$id == userID).first() {
            return existing
        }
        let profile = SpecialistProfile(userID: userID)
        try await store(profile)
        return profile
    }

    /// Saves and keeps the candidate index current, so employers' rankings see the change at once (on other
    /// instances, as soon as `ChangeFeed` hears of it).
    func store(_ profile: SpecialistProfile) async throws {
        try await database.writeTransaction { db in
            try await profile.save(on: db)
            try await app.changeFeed.publish(.profile, profile.$user.id, on: db, at: app.dependencies.now())
        }
        await app.candidateIndex.update(profile)
    }

    func updateBasics(of user: User, _ input: ProfileBasicsInput) async throws -> SpecialistProfile {
        let basics: ProfileBasics
        do { basics = try ProfileRules.validate(input) } catch { throw AppError.validation(error) }
        let profile = try await profile(of: user)
        try apply(basics, to: profile)
        try await store(profile)
        return profile
    }

    /// The basics onto the profile. A level a centre verified is the centre's to change: left out (the page's
    /// field is locked), it stays; another level sent is refused — the same answer through the page and the API.
    func apply(_ basics: ProfileBasics, to profile: SpecialistProfile) throws {
        guard let verified = profile.russianVerifiedLevel else { return profile.apply(basics) }
        if let sent = basics.russianLevel, sent.rawValue != verified {
            throw AppError.validation(ValidationFailure(field: "russianLevel", code: "profile.russianVerified",
                                                        arguments: ["level": verified, "certificate": profile.russianCertificate ?? ""]))
        }
        var kept = basics
        kept.russianLevel = CEFRLevel(rawValue: verified)
        profile.apply(kept)
    }

    /// Checks skills against the taxonomy and the limits; `field` prefixes the error fields (`skills[2].skill`).
    func validateSkills(_ skills: [SpecialistProfile.StoredSkill]) throws -> [SpecialistProfile.StoredSkill] {
        var validator = Validator()
        if skills.count > Self.skillLimit { validator.add("skills", "skills.tooMany", ["max": "\(Self.skillLimit)"]) }
        var seen: Set<String> = []
        for (index, skill) in skills.enumerated() {
            if !app.skillTaxonomy.contains(SkillID(skill.skill)) {
                validator.add("skills[\(index)].skill", "skill.unknown", ["skill": String(skill.skill.prefix(60))])
            } else if !seen.insert(skill.skill).inserted {
                validator.add("skills[\(index)].skill", "skill.duplicate", ["skill": skill.skill])
            }
            if !(1...5).contains(skill.level) { validator.add("skills[\(index)].level", "skill.level") }
            // Sixty years of one skill is a career; more is a typo.
            if !(0...60).contains(skill.years) || skill.years.isNaN { validator.add("skills[\(index)].years", "skill.years") }
        }
        do { try validator.check() } catch { throw AppError.validation(error) }
        return skills
    }

    func setSkills(of user: User, _ skills: [SpecialistProfile.StoredSkill]) async throws -> SpecialistProfile {
        let valid = try validateSkills(skills)
        let profile = try await profile(of: user)
        profile.skills = valid
        try await store(profile)
        return profile
    }

    func validateFamily(_ members: [FamilyMemberInput]) throws -> [FamilyMember] {
        let today = CalendarDay.today(app.dependencies.now())
        var errors: [FieldError] = []
        var valid: [FamilyMember] = []
        if members.count > Self.familyLimit {
            errors.append(FieldError(field: "family", code: "family.tooMany", arguments: ["max": "\(Self.familyLimit)"]))
        }
        for (index, member) in members.enumerated() {
            do {
                valid.append(try ProfileRules.validate(member, today: today))
            } catch {
                errors += error.errors.map { FieldError(field: "family[\(index)].\($0.field)", code: $0.code, arguments: $0.arguments) }
            }
        }
        if members.filter({ $0.relation == FamilyRelation.spouse.rawValue }).count > 1 {
            errors.append(FieldError(field: "family", code: "family.oneSpouse"))
        }
        if !errors.isEmpty { throw AppError.validation(ValidationFailure(errors)) }
        return valid
    }

    func setFamily(of user: User, _ members: [FamilyMemberInput]) async throws -> SpecialistProfile {
        let valid = try validateFamily(members)
        let profile = try await profile(of: user)
        profile.family = valid
        try await store(profile)
        return profile
    }
}

extension ProfileService {
    /// Checks each entry of a list with `check`, naming errors by position (`experience[2].start`).
    private func each<Input, Entry>(_ inputs: [Input], _ list: String, limit: Int,
                                    _ check: (Input) throws(ValidationFailure) -> Entry) throws -> [Entry] {
        var errors: [FieldError] = []
        var valid: [Entry] = []
        if inputs.count > limit { errors.append(FieldError(field: list, code: "list.tooMany", arguments: ["max": "\(limit)"])) }
        for (index, input) in inputs.enumerated() {
            do {
                valid.append(try check(input))
            } catch {
                errors += error.errors.map { FieldError(field: "\(list)[\(index)].\($0.field)", code: $0.code, arguments: $0.arguments) }
            }
        }
        if !errors.isEmpty { throw AppError.validation(ValidationFailure(errors)) }
        return valid
    }

    func validateExperience(_ inputs: [ExperienceInput]) throws -> [ExperienceEntry] {
        let thisMonth = String(CalendarDay.today(app.dependencies.now()).prefix(7))
        return try each(inputs, "experience", limit: ProfileRules.experienceLimit) { (input) throws(ValidationFailure) in
            try ProfileRules.validate(input, thisMonth: thisMonth)
        }
    }

    func validateEducation(_ inputs: [EducationInput]) throws -> [EducationEntry] {
        let thisYear = Int(CalendarDay.today(app.dependencies.now()).prefix(4)) ?? 2026
        return try each(inputs, "education", limit: ProfileRules.educationLimit) { (input) throws(ValidationFailure) in
            try ProfileRules.validate(input, thisYear: thisYear)
        }
    }

    func validateLanguages(_ inputs: [(language: String, level: String)]) throws -> [LanguageSkill] {
        do { return try ProfileRules.validate(languages: inputs) } catch { throw AppError.validation(error) }
    }

    func validateDesiredRoles(_ roles: [String]) throws -> [String] {
        let taxonomy = app.skillTaxonomy
        do { return try ProfileRules.validate(desiredRoles: roles) { taxonomy.occupation($0) != nil } } catch { throw AppError.validation(error) }
    }

    /// Replaces one list of the profile after checking it whole.
    func update(of user: User, _ change: (SpecialistProfile) throws -> Void) async throws -> SpecialistProfile {
        let profile = try await profile(of: user)
        try change(profile)
        try await store(profile)
        return profile
    }
}

extension Application {
    private struct TaxonomyKey: StorageKey {
        typealias Value = SkillTaxonomy
    }

    /// The skill taxonomy, loaded once at start from CaravanMatching's bundled data.
    var skillTaxonomy: SkillTaxonomy {
        get { storage[TaxonomyKey.self]! }
        set { storage[TaxonomyKey.self] = newValue }
    }
}

extension Request {
    var profiles: ProfileService { ProfileService(app: application, database: database) }
}
