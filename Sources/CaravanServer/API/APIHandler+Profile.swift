import CaravanDomain
import Fluent
import Foundation
import OpenAPIRuntime
import Vapor

extension APIHandler {
    func getProfile(_ input: Operations.GetProfile.Input) async throws -> Operations.GetProfile.Output {
        let req = APIRequestContext.current
        let (user, _) = try await req.bearerUser()
        let profile = try await req.profiles.profile(of: user)
        return .ok(.init(body: .json(.init(profile, req))))
    }

    func replaceProfile(_ input: Operations.ReplaceProfile.Input) async throws -> Operations.ReplaceProfile.Output {
        let req = APIRequestContext.current
        let (user, _) = try await req.bearerUser()
        try req.profiles.requireSpecialist(user)
        guard case .json(let body) = input.body else { throw AppError.malformedRequest }

        // Check every part first and report all problems together; save only when all hold.
        var errors: [FieldError] = []
        var basics = ProfileBasics.empty
        do {
            basics = try ProfileRules.validate(ProfileBasicsInput(
                citizenship: body.citizenship ?? "", countryOfResidence: body.countryOfResidence ?? "", city: body.city ?? "",
                phone: body.phone ?? "", headline: body.headline ?? "", summary: body.summary ?? "",
                russianLevel: body.russianLevel ?? "", expectedSalary: body.expectedSalary.map(String.init) ?? "",
                relocation: body.relocation ?? false, remote: body.remote ?? ""
            ))
        } catch { errors += error.errors }
        let skills = (body.skills ?? []).map { SpecialistProfile.StoredSkill(skill: $0.skill, level: $0.level, years: $0.years) }
        do { _ = try req.profiles.validateSkills(skills) } catch AppError.validation(let failure) { errors += failure.errors }
        let familyInput = (body.family ?? []).map {
            FamilyMemberInput(name: $0.name, relation: $0.relation, birthDate: $0.birthDate, citizenship: $0.citizenship)
        }
        var family: [FamilyMember] = []
        do { family = try req.profiles.validateFamily(familyInput) } catch AppError.validation(let failure) { errors += failure.errors }
        var experience: [ExperienceEntry] = []
        do {
            experience = try req.profiles.validateExperience((body.experience ?? []).map {
                ExperienceInput(employer: $0.employer, role: $0.role, country: $0.country ?? "", start: $0.start, end: $0.end ?? "",
                                description: $0.description ?? "")
            })
        } catch AppError.validation(let failure) { errors += failure.errors }
        var education: [EducationEntry] = []
        do {
            education = try req.profiles.validateEducation((body.education ?? []).map {
                EducationInput(institution: $0.institution, country: $0.country, degree: $0.degree, field: $0.field, year: String($0.year),
                               diplomaNumber: $0.diplomaNumber ?? "", recognition: $0.recognition ?? "")
            })
        } catch AppError.validation(let failure) { errors += failure.errors }
        var languages: [LanguageSkill] = []
        do { languages = try req.profiles.validateLanguages((body.languages ?? []).map { ($0.language, $0.level) }) } catch AppError.validation(let failure) { errors += failure.errors }
        var identity = ApplicantIdentity.empty
        do {
            identity = try req.profiles.validateIdentity(ApplicantIdentityInput(
                birthDate: body.birthDate ?? "", passportNumber: body.passportNumber ?? "", passportExpiresOn: body.passportExpiresOn ?? ""
            ))
        } catch AppError.validation(let failure) { errors += failure.errors }
        var roles: [String] = []
        do { roles = try req.profiles.validateDesiredRoles(body.desiredRoles ?? []) } catch AppError.validation(let failure) { errors += failure.errors }
        if !errors.isEmpty { throw AppError.validation(ValidationFailure(errors)) }

        let profile = try await req.profiles.profile(of: user)
        try req.profiles.apply(basics, to: profile)
        profile.skills = skills
        profile.family = family
        profile.experience = experience
        profile.education = education
        profile.languages = languages
        profile.desiredRoles = roles
        profile.identity = identity
        try await req.profiles.store(profile)
        return .ok(.init(body: .json(.init(profile, req))))
    }
}

extension Components.Schemas.Profile {
    init(_ profile: SpecialistProfile, _ req: Request) {
        let basics = profile.basics
        let completeness = profile.completeness
        self.init(
            value1: .init(
                citizenship: basics.citizenship?.rawValue, countryOfResidence: basics.countryOfResidence?.rawValue,
                city: basics.city, phone: basics.phone, headline: basics.headline, summary: basics.summary,
                russianLevel: basics.russianLevel?.rawValue, expectedSalary: basics.expectedSalary,
                relocation: basics.relocation, remote: basics.remote.rawValue,
                birthDate: profile.birthDate, passportNumber: profile.passportNumber, passportExpiresOn: profile.passportExpiresOn,
                skills: profile.skills.map { .init(skill: $0.skill, level: $0.level, years: $0.years) },
                family: profile.family.map {
                    .init(name: $0.name, relation: $0.relation.rawValue, birthDate: $0.birthDate, citizenship: $0.citizenship.rawValue)
                },
                experience: profile.experience.map {
                    .init(employer: $0.employer, role: $0.role, country: $0.country?.rawValue, start: $0.start, end: $0.end, description: $0.description)
                },
                education: profile.education.map {
                    .init(institution: $0.institution, country: $0.country.rawValue, degree: $0.degree.rawValue, field: $0.field, year: $0.year,
                          diplomaNumber: $0.diplomaNumber, recognition: $0.recognition.rawValue)
                },
                languages: profile.languages.map { .init(language: $0.language, level: $0.level.rawValue) },
                desiredRoles: profile.desiredRoles
            ),
            value2: .init(
                completeness: .init(percent: completeness.percent, next: completeness.next.map { req.t($0) }),
                russianVerified: profile.russianVerifiedLevel.map {
                    .init(level: $0, certificate: profile.russianCertificate ?? "", date: profile.russianVerifiedOn ?? "")
                },
                identityVerifiedOn: profile.identityVerifiedAt
            )
        )
    }
}
