import CaravanDomain
import CaravanMatching
import Fluent
import Foundation
import Vapor

/// The specialist's profile page: basics, skills and family, each its own small form so the page works
/// without JavaScript; a completeness meter says what to add next.
struct ProfilePages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let signedIn = routes.grouped(SignedInOnly())
        signedIn.get(SiteURL.profile.pathComponents, use: show)
        signedIn.post(SiteURL.profile.pathComponents, use: saveBasics)
        signedIn.post(SiteURL.profileSkills.pathComponents, use: addSkill)
        signedIn.post(SiteURL.profileSkillsRemove.pathComponents, use: removeSkill)
        signedIn.post(SiteURL.profileFamily.pathComponents, use: addFamilyMember)
        signedIn.post(SiteURL.profileFamilyRemove.pathComponents, use: removeFamilyMember)
    }

    struct BasicsForm: Content {
        var citizenship: String?
        var countryOfResidence: String?
        var city: String?
        var phone: String?
        var headline: String?
        var summary: String?
        var russianLevel: String?
        var expectedSalary: String?
        var relocation: String?
        var remote: String?

        init(_ basics: ProfileBasics) {
            citizenship = basics.citizenship?.rawValue
            countryOfResidence = basics.countryOfResidence?.rawValue
            city = basics.city
            phone = basics.phone
            headline = basics.headline
            summary = basics.summary
            russianLevel = basics.russianLevel?.rawValue
            expectedSalary = basics.expectedSalary.map(String.init)
            relocation = basics.relocation ? "yes" : nil
            remote = basics.remote.rawValue
        }

        var input: ProfileBasicsInput {
            ProfileBasicsInput(
                citizenship: citizenship ?? "", countryOfResidence: countryOfResidence ?? "", city: city ?? "", phone: phone ?? "",
                headline: headline ?? "", summary: summary ?? "", russianLevel: russianLevel ?? "", expectedSalary: expectedSalary ?? "",
                relocation: relocation == "yes", remote: remote ?? ""
            )
        }
    }

    struct SkillRow: Encodable {
        let id: String
        let name: String
        let level: String
        let years: String
    }

    struct FamilyRow: Encodable {
        let index: Int
        let name: String
        let relation: String
        let birthDate: String
        let citizenship: String
    }

    struct ProfilePage: Encodable {
        let layout: PageLayout
        let percent: Int
        let next: String?
        let form: BasicsForm
        let countries: [AuthPages.Choice]
        let residenceCountries: [AuthPages.Choice]
        let russianLevels: [AuthPages.Choice]
        let remoteChoices: [AuthPages.Choice]
        let skills: [SkillRow]
        let skillLevels: [AuthPages.Choice]
        let family: [FamilyRow]
        let relations: [AuthPages.Choice]
        let familyCountries: [AuthPages.Choice]
        let errors: [String: String]
        /// Which form the errors belong to, so only that form says "please correct".
        let errorSection: String?
        let notice: String?
        let urls: [String: String]
        /// What was typed into the skill field, kept when it could not be added.
        var typedSkill: String = ""
    }

    private func requireSpecialist(_ req: Request) throws -> User {
        let user = try req.auth.require(User.self)
        try req.profiles.requireSpecialist(user)
        return user
    }

    func show(req: Request) async throws -> Response {
        let user = try requireSpecialist(req)
        let profile = try await req.profiles.profile(of: user)
        let notice = (try? req.query.get(String.self, at: "notice")).flatMap { ["saved", "skill-added", "skill-removed", "member-added", "member-removed"].contains($0) ? $0 : nil }
        return try await render(req, profile, form: BasicsForm(profile.basics), errors: [:], notice: notice.map { req.t("profile.notice.\($0)") })
    }

    func saveBasics(req: Request) async throws -> Response {
        let user = try requireSpecialist(req)
        let form = (try? req.content.decode(BasicsForm.self)) ?? BasicsForm(.empty)
        do {
            _ = try await req.profiles.updateBasics(of: user, form.input)
            return req.redirect(to: SiteURL.profile.path + "?notice=saved", redirectType: .normal)
        } catch AppError.validation(let failure) {
            return try await render(req, try await req.profiles.profile(of: user), form: form, errors: fieldMessages(failure, req), notice: nil, status: .unprocessableEntity)
        }
    }

    struct SkillForm: Content {
        var skill: String?
        var level: Int?
        var years: String?
    }

    /// The skill is typed as people say it ("джава", "Spring Boot", "postgres") and resolved by the taxonomy.
    func addSkill(req: Request) async throws -> Response {
        let user = try requireSpecialist(req)
        let profile = try await req.profiles.profile(of: user)
        let form = (try? req.content.decode(SkillForm.self)) ?? SkillForm()
        let typed = (form.skill ?? "").trimmingCharacters(in: .whitespaces)
        var errors: [String: String] = [:]
        let resolved = typed.isEmpty || typed.count > 100 ? nil : req.application.skillTaxonomy.skills(in: typed).first
        if typed.isEmpty {
            errors["skill"] = req.t("error.field.required")
        } else if resolved == nil {
            errors["skill"] = req.t("error.skill.notFound", ["skill": String(typed.prefix(60))])
        }
        let years = Double((form.years ?? "0").replacingOccurrences(of: ",", with: ".").trimmingCharacters(in: .whitespaces))
        if let resolved, errors.isEmpty {
            var skills = profile.skills.filter { $0.skill != resolved.rawValue }
            skills.append(.init(skill: resolved.rawValue, level: form.level ?? 3, years: years ?? -1))
            do {
                _ = try await req.profiles.setSkills(of: user, skills)
                return req.redirect(to: SiteURL.profile.path + "?notice=skill-added#skills", redirectType: .normal)
            } catch AppError.validation(let failure) {
                for error in failure.errors {
                    let field = error.field.hasSuffix(".level") ? "level" : error.field.hasSuffix(".years") ? "years" : "skill"
                    errors[field] = req.message(for: error)
                }
            }
        }
        return try await render(req, profile, form: BasicsForm(profile.basics), errors: errors, notice: nil, status: .unprocessableEntity, typedSkill: typed)
    }

    func removeSkill(req: Request) async throws -> Response {
        let user = try requireSpecialist(req)
        let profile = try await req.profiles.profile(of: user)
        let id = (try? req.content.get(String.self, at: "skill")) ?? ""
        _ = try await req.profiles.setSkills(of: user, profile.skills.filter { $0.skill != id })
        return req.redirect(to: SiteURL.profile.path + "?notice=skill-removed#skills", redirectType: .normal)
    }

    struct FamilyForm: Content {
        var name: String?
        var relation: String?
        var birthDate: String?
        var citizenship: String?
    }

    func addFamilyMember(req: Request) async throws -> Response {
        let user = try requireSpecialist(req)
        let profile = try await req.profiles.profile(of: user)
        let form = (try? req.content.decode(FamilyForm.self)) ?? FamilyForm()
        let current = profile.family.map {
            FamilyMemberInput(name: $0.name, relation: $0.relation.rawValue, birthDate: $0.birthDate, citizenship: $0.citizenship.rawValue)
        }
        let added = FamilyMemberInput(name: form.name ?? "", relation: form.relation ?? "", birthDate: form.birthDate ?? "", citizenship: form.citizenship ?? "")
        do {
            _ = try await req.profiles.setFamily(of: user, current + [added])
            return req.redirect(to: SiteURL.profile.path + "?notice=member-added#family", redirectType: .normal)
        } catch AppError.validation(let failure) {
            var errors: [String: String] = [:]
            for error in failure.errors {
                // `family[3].birthDate` → `memberBirthDate`: the add form's own fields; list-wide errors → `member`.
                let parts = error.field.split(separator: ".")
                let field = parts.count == 2 ? "member" + parts[1].prefix(1).uppercased() + parts[1].dropFirst() : "member"
                errors[field] = req.message(for: error)
            }
            return try await render(req, profile, form: BasicsForm(profile.basics), errors: errors, notice: nil, status: .unprocessableEntity)
        }
    }

    func removeFamilyMember(req: Request) async throws -> Response {
        let user = try requireSpecialist(req)
        let profile = try await req.profiles.profile(of: user)
        if let index = try? req.content.get(Int.self, at: "index"), profile.family.indices.contains(index) {
            profile.family.remove(at: index)
            try await req.profiles.store(profile)
        }
        return req.redirect(to: SiteURL.profile.path + "?notice=member-removed#family", redirectType: .normal)
    }

    // MARK: Rendering

    private func render(_ req: Request, _ profile: SpecialistProfile, form: BasicsForm, errors: [String: String], notice: String?,
                        status: HTTPStatus = .ok, typedSkill: String = "") async throws -> Response {
        let language = req.language
        let taxonomy = req.application.skillTaxonomy
        let completeness = ProfileCompleteness.of(profile.basics, skillCount: profile.skills.count)
        let countries = CountryCode.all.compactMap(CountryCode.init(rawValue:))
            .map { ($0.rawValue, $0.name(in: language)) }
            .sorted { $0.1.localizedStandardCompare($1.1) == .orderedAscending }
        func countryChoices(_ selected: String?) -> [AuthPages.Choice] {
            [AuthPages.Choice(value: "", label: req.t("form.choose"), selected: selected == nil || selected == "")]
                + countries.map { AuthPages.Choice(value: $0.0, label: $0.1, selected: $0.0 == selected) }
        }
        let skills = profile.skills.map { stored in
            let skill = taxonomy.skill(SkillID(stored.skill))
            let name = (language == .russian ? skill?.russianName : skill?.englishName) ?? stored.skill
            return SkillRow(id: stored.skill, name: name, level: req.t("skill.level.\(stored.level)"), years: String(format: "%g", stored.years))
        }
        var page = ProfilePage(
            layout: try PageLayout(request: req, titleKey: "profile.title"),
            percent: completeness.percent, next: completeness.next.map { req.t($0) }, form: form,
            countries: countryChoices(form.citizenship), residenceCountries: countryChoices(form.countryOfResidence),
            russianLevels: [AuthPages.Choice(value: "", label: req.t("form.choose"), selected: (form.russianLevel ?? "").isEmpty)]
                + CEFRLevel.allCases.map { AuthPages.Choice(value: $0.rawValue, label: req.t("level.\($0.rawValue)"), selected: $0.rawValue == form.russianLevel) },
            remoteChoices: RemotePreference.allCases.map { AuthPages.Choice(value: $0.rawValue, label: req.t("remote.\($0.rawValue)"), selected: $0.rawValue == (form.remote ?? "any")) },
            skills: skills,
            skillLevels: (1...5).map { AuthPages.Choice(value: "\($0)", label: req.t("skill.level.\($0)"), selected: $0 == 3) },
            family: profile.family.enumerated().map { index, member in
                FamilyRow(index: index, name: member.name, relation: req.t("relation.\(member.relation.rawValue)"), birthDate: member.birthDate,
                          citizenship: member.citizenship.name(in: language))
            },
            relations: FamilyRelation.allCases.map { AuthPages.Choice(value: $0.rawValue, label: req.t("relation.\($0.rawValue)"), selected: false) },
            familyCountries: countryChoices(form.citizenship),
            errors: errors,
            errorSection: errors.isEmpty ? nil : errors.keys.contains { $0.hasPrefix("member") } ? "family"
                : errors.keys.contains { ["skill", "level", "years"].contains($0) } ? "skills" : "basics",
            notice: notice,
            urls: [
                "basics": SiteURL.profile.path, "addSkill": SiteURL.profileSkills.path, "removeSkill": SiteURL.profileSkillsRemove.path,
                "addMember": SiteURL.profileFamily.path, "removeMember": SiteURL.profileFamilyRemove.path,
            ]
        )
        page.typedSkill = String(typedSkill.prefix(100))
        return try await req.renderPage("profile", page, status: status)
    }
}
