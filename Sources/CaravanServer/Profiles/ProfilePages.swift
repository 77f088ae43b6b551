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
        signedIn.post(SiteURL.profileIdentity.pathComponents, use: saveIdentity)
        signedIn.post(SiteURL.profileSkills.pathComponents, use: addSkill)
        signedIn.post(SiteURL.profileSkillsRemove.pathComponents, use: removeSkill)
        signedIn.post(SiteURL.profileFamily.pathComponents, use: addFamilyMember)
        signedIn.post(SiteURL.profileFamilyRemove.pathComponents, use: removeFamilyMember)
        for list in SiteURL.ProfileList.allCases {
            signedIn.post(SiteURL.profileList(list).pathComponents) { try await addEntry(list, req: $0) }
            signedIn.post(SiteURL.profileListRemove(list).pathComponents) { try await removeEntry(list, req: $0) }
        }
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
        /// A Russian level a centre's test verified: the field is locked and this says by what.
        var russianVerified: String?
        var russianSelfDeclared: Bool = false
        var experience: [ListRow] = []
        var education: [ListRow] = []
        var languages: [ListRow] = []
        var roles: [ListRow] = []
        var degrees: [AuthPages.Choice] = []
        var recognitions: [AuthPages.Choice] = []
        var languageChoices: [AuthPages.Choice] = []
        var levels: [AuthPages.Choice] = []
        var occupations: [AuthPages.Choice] = []
        var allCountries: [AuthPages.Choice] = []
        /// What was typed into a list's add form, kept when it could not be added.
        var typed: [String: String] = [:]
        /// Birth date and passport as stored, or as typed when they could not be saved.
        var identity: [String: String] = [:]
    }

    /// One entry of experience, education, languages or roles, as the page lists it.
    struct ListRow: Encodable {
        let index: Int
        let title: String
        let detail: String
        let note: String
    }

    private func requireSpecialist(_ req: Request) throws -> User {
        let user = try req.auth.require(User.self)
        try req.profiles.requireSpecialist(user)
        return user
    }

    func show(req: Request) async throws -> Response {
        let user = try requireSpecialist(req)
        let profile = try await req.profiles.profile(of: user)
        let notice = (try? req.query.get(String.self, at: "notice"))
            .flatMap { ["saved", "skill-added", "skill-updated", "skill-removed", "member-added", "member-removed", "entry-added", "entry-removed"].contains($0) ? $0 : nil }
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

    struct IdentityForm: Content {
        var birthDate: String?
        var passportNumber: String?
        var passportExpiresOn: String?

        var input: ApplicantIdentityInput {
            ApplicantIdentityInput(birthDate: birthDate ?? "", passportNumber: passportNumber ?? "", passportExpiresOn: passportExpiresOn ?? "")
        }
    }

    /// Birth date and passport, for the permit case: saved apart from the basics, which employers read.
    func saveIdentity(req: Request) async throws -> Response {
        let user = try requireSpecialist(req)
        let form = (try? req.content.decode(IdentityForm.self)) ?? IdentityForm()
        do {
            _ = try await req.profiles.updateIdentity(of: user, form.input)
            return req.redirect(to: SiteURL.profile.path + "?notice=saved#identity", redirectType: .normal)
        } catch AppError.validation(let failure) {
            let profile = try await req.profiles.profile(of: user)
            let typed = ["birthDate": form.birthDate ?? "", "passportNumber": form.passportNumber ?? "", "passportExpiresOn": form.passportExpiresOn ?? ""]
            return try await render(req, profile, form: BasicsForm(profile.basics), errors: fieldMessages(failure, req), notice: nil,
                                    status: .unprocessableEntity, section: "identity", identity: typed.mapValues { String($0.prefix(40)) })
        }
    }

    struct SkillForm: Content {
        var skill: String?
        var level: Int?
        var years: String?
        /// `yes` once the person has seen that the skill is on the profile already and chose to change it.
        var replace: String?
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
        // A skill already on the profile is not silently replaced: the person sees what it says now and what it would
        // say, and sends the form again to change it.
        if let resolved, errors.isEmpty, form.replace != "yes", let current = profile.skills.first(where: { $0.skill == resolved.rawValue }) {
            let skill = req.application.skillTaxonomy.skill(resolved)
            let name = skill?.name(in: req.language.rawValue) ?? resolved.rawValue
            func describe(level: Int, years: Double) -> String {
                req.t("profile.skill.described", ["level": req.t("skill.level.\(level)"), "years": String(format: "%g", max(years, 0))])
            }
            errors["skill"] = req.t("profile.skill.exists", [
                "skill": name, "now": describe(level: current.level, years: current.years),
                "new": describe(level: form.level ?? 3, years: years ?? current.years),
            ])
            return try await render(req, profile, form: BasicsForm(profile.basics), errors: errors, notice: nil, status: .conflict, typedSkill: typed,
                                    typed: ["years": String((form.years ?? "").prefix(5)), "level": form.level.map(String.init) ?? "", "replace": "yes"])
        }
        if let resolved, errors.isEmpty {
            // Changed where it stands, or added at the end.
            let entry = SpecialistProfile.StoredSkill(skill: resolved.rawValue, level: form.level ?? 3, years: years ?? -1)
            var skills = profile.skills
            if let index = skills.firstIndex(where: { $0.skill == resolved.rawValue }) { skills[index] = entry } else { skills.append(entry) }
            do {
                _ = try await req.profiles.setSkills(of: user, skills)
                let notice = profile.skills.contains { $0.skill == resolved.rawValue } ? "skill-updated" : "skill-added"
                return req.redirect(to: SiteURL.profile.path + "?notice=\(notice)#skills", redirectType: .normal)
            } catch AppError.validation(let failure) {
                for error in failure.errors {
                    let field = error.field.hasSuffix(".level") ? "level" : error.field.hasSuffix(".years") ? "years" : "skill"
                    errors[field] = req.message(for: error)
                }
            }
        }
        // The form comes back as it was sent: the skill, its level and the years typed.
        return try await render(req, profile, form: BasicsForm(profile.basics), errors: errors, notice: nil, status: .unprocessableEntity, typedSkill: typed,
                                typed: ["years": String((form.years ?? "").prefix(5)), "level": form.level.map(String.init) ?? ""])
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
            return try await render(req, profile, form: BasicsForm(profile.basics), errors: errors, notice: nil, status: .unprocessableEntity,
                                    typed: ["name": added.name, "relation": added.relation, "birthDate": added.birthDate, "citizenship": added.citizenship])
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

    // MARK: Experience, education, languages, desired roles

    /// Adds one entry to a list: the whole list is checked again, so limits and duplicates hold.
    func addEntry(_ list: SiteURL.ProfileList, req: Request) async throws -> Response {
        let user = try requireSpecialist(req)
        let profile = try await req.profiles.profile(of: user)
        let form = (try? req.content.decode([String: String].self)) ?? [:]
        func field(_ name: String) -> String { String((form[name] ?? "").prefix(4000)) }
        do {
            _ = try await req.profiles.update(of: user) { profile in
                switch list {
                case .experience:
                    let current = profile.experience.map {
                        ExperienceInput(employer: $0.employer, role: $0.role, country: $0.country?.rawValue ?? "", start: $0.start, end: $0.end ?? "", description: $0.description)
                    }
                    profile.experience = try req.profiles.validateExperience(current + [ExperienceInput(
                        employer: field("employer"), role: field("role"), country: field("country"), start: field("start"), end: field("end"),
                        description: field("description")
                    )]).sorted { ($0.end ?? "9999-99", $0.start) > ($1.end ?? "9999-99", $1.start) }
                case .education:
                    let current = profile.education.map {
                        EducationInput(institution: $0.institution, country: $0.country.rawValue, degree: $0.degree.rawValue, field: $0.field,
                                       year: String($0.year), diplomaNumber: $0.diplomaNumber, recognition: $0.recognition.rawValue)
                    }
                    profile.education = try req.profiles.validateEducation(current + [EducationInput(
                        institution: field("institution"), country: field("country"), degree: field("degree"), field: field("field"),
                        year: field("year"), diplomaNumber: field("diplomaNumber"), recognition: field("recognition")
                    )]).sorted { $0.year > $1.year }
                case .languages:
                    profile.languages = try req.profiles.validateLanguages(
                        profile.languages.map { ($0.language, $0.level.rawValue) } + [(field("language"), field("level"))]
                    )
                case .roles:
                    profile.desiredRoles = try req.profiles.validateDesiredRoles(profile.desiredRoles + [field("role")])
                }
            }
            return req.redirect(to: SiteURL.profile.path + "?notice=entry-added#\(list.rawValue)", redirectType: .normal)
        } catch AppError.validation(let failure) {
            var errors: [String: String] = [:]
            for error in failure.errors {
                // `education[2].year` → `educationYear`; `roles`-wide or list-wide errors → the list's name.
                let parts = error.field.split(separator: ".")
                let key = parts.count == 2 ? list.rawValue + parts[1].prefix(1).uppercased() + parts[1].dropFirst() : list.rawValue
                errors[key] = errors[key] ?? req.message(for: error)
            }
            return try await render(req, profile, form: BasicsForm(profile.basics), errors: errors, notice: nil, status: .unprocessableEntity,
                                    section: list.rawValue, typed: form.filter { $0.key != "csrf" })
        }
    }

    func removeEntry(_ list: SiteURL.ProfileList, req: Request) async throws -> Response {
        let user = try requireSpecialist(req)
        if let index = try? req.content.get(Int.self, at: "index") {
            _ = try await req.profiles.update(of: user) { profile in
                switch list {
                case .experience: if profile.experience.indices.contains(index) { profile.experience.remove(at: index) }
                case .education: if profile.education.indices.contains(index) { profile.education.remove(at: index) }
                case .languages: if profile.languages.indices.contains(index) { profile.languages.remove(at: index) }
                case .roles: if profile.desiredRoles.indices.contains(index) { profile.desiredRoles.remove(at: index) }
                }
            }
        }
        return req.redirect(to: SiteURL.profile.path + "?notice=entry-removed#\(list.rawValue)", redirectType: .normal)
    }

    // MARK: Rendering

    /// Which form the errors belong to, so only that form says "please correct".
    static func errorSection(_ errors: [String: String], _ section: String?) -> String? {
        if errors.isEmpty { return nil }
        if let section { return section }
        if errors.keys.contains(where: { $0.hasPrefix("member") }) { return "family" }
        if errors.keys.contains(where: { ["skill", "level", "years"].contains($0) }) { return "skills" }
        return "basics"
    }

    private func render(_ req: Request, _ profile: SpecialistProfile, form: BasicsForm, errors: [String: String], notice: String?,
                        status: HTTPStatus = .ok, typedSkill: String = "", section: String? = nil, typed: [String: String] = [:],
                        identity: [String: String]? = nil) async throws -> Response {
        let language = req.language
        let taxonomy = req.application.skillTaxonomy
        let completeness = profile.completeness
        func countryChoices(_ selected: String?) -> [AuthPages.Choice] {
            [AuthPages.Choice(value: "", label: req.t("form.choose"), selected: selected == nil || selected == "")]
                + AuthPages.Choice.countries(req, selected: selected)
        }
        let skills = profile.skills.map { stored in
            let skill = taxonomy.skill(SkillID(stored.skill))
            let name = skill?.name(in: language.rawValue) ?? stored.skill
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
            skillLevels: (1...5).map { AuthPages.Choice(value: "\($0)", label: req.t("skill.level.\($0)"), selected: "\($0)" == (typed["level"].flatMap { $0.isEmpty ? nil : $0 } ?? "3")) },
            family: profile.family.enumerated().map { index, member in
                FamilyRow(index: index, name: member.name, relation: req.t("relation.\(member.relation.rawValue)"), birthDate: req.date(member.birthDate),
                          citizenship: member.citizenship.name(in: language))
            },
            relations: FamilyRelation.allCases.map { AuthPages.Choice(value: $0.rawValue, label: req.t("relation.\($0.rawValue)"), selected: $0.rawValue == typed["relation"]) },
            familyCountries: countryChoices(typed["citizenship"] ?? form.citizenship),
            errors: errors,
            errorSection: Self.errorSection(errors, section),
            notice: notice,
            urls: [
                "basics": SiteURL.profile.path, "addSkill": SiteURL.profileSkills.path, "removeSkill": SiteURL.profileSkillsRemove.path,
                "addMember": SiteURL.profileFamily.path, "removeMember": SiteURL.profileFamilyRemove.path,
                "identity": SiteURL.profileIdentity.path,
            ].merging(SiteURL.ProfileList.allCases.flatMap { list in
                [("add" + list.capitalized, SiteURL.profileList(list).path), ("remove" + list.capitalized, SiteURL.profileListRemove(list).path)]
            }) { $1 }
        )
        if let verified = profile.russianVerifiedLevel {
            page.russianVerified = req.t("profile.russianVerifiedNote", [
                "level": req.t("level.\(verified)"), "certificate": profile.russianCertificate ?? "", "date": req.date(profile.russianVerifiedOn),
            ])
        } else {
            page.russianSelfDeclared = profile.russianLevel != nil
        }
        page.typedSkill = String(typedSkill.prefix(100))
        page.identity = identity ?? [
            "birthDate": profile.birthDate ?? "", "passportNumber": profile.passportNumber ?? "", "passportExpiresOn": profile.passportExpiresOn ?? "",
        ]
        page.typed = typed.mapValues { String($0.prefix(2000)) }
        let now = req.t("profile.experience.now")
        page.experience = profile.experience.enumerated().map { index, entry in
            ListRow(index: index, title: req.t("profile.experience.line", ["role": entry.role, "employer": entry.employer]),
                    detail: "\(req.month(entry.start)) — \(entry.end.map(req.month) ?? now)" + (entry.country.map { " · " + $0.name(in: language) } ?? ""),
                    note: entry.description)
        }
        page.education = profile.education.enumerated().map { index, entry in
            ListRow(index: index, title: "\(entry.institution), \(entry.year)",
                    detail: "\(req.t("degree.\(entry.degree.rawValue)")) · \(entry.field) · \(entry.country.name(in: language))"
                        + (entry.diplomaNumber.isEmpty ? "" : " · " + req.t("profile.education.diploma", ["number": entry.diplomaNumber])),
                    note: req.t("recognition.\(entry.recognition.rawValue)"))
        }
        let locale = Locale(identifier: language.rawValue)
        func languageName(_ code: String) -> String { locale.localizedString(forLanguageCode: code) ?? code }
        page.languages = profile.languages.enumerated().map { index, entry in
            ListRow(index: index, title: languageName(entry.language), detail: req.t("cefr.\(entry.level.rawValue)"), note: "")
        }
        page.roles = profile.desiredRoles.enumerated().map { index, id in
            let occupation = taxonomy.occupation(id)
            // The ISCO code is for statistics, not for the person: the name says what the role is.
            return ListRow(index: index, title: occupation?.name(in: language.rawValue) ?? id, detail: "", note: "")
        }
        page.degrees = [AuthPages.Choice(value: "", label: req.t("form.choose"), selected: typed["degree"] == nil)]
            + DegreeLevel.allCases.map { AuthPages.Choice(value: $0.rawValue, label: req.t("degree.\($0.rawValue)"), selected: typed["degree"] == $0.rawValue) }
        page.recognitions = RecognitionStatus.allCases.map {
            AuthPages.Choice(value: $0.rawValue, label: req.t("recognition.\($0.rawValue)"), selected: (typed["recognition"] ?? "not_requested") == $0.rawValue)
        }
        page.languageChoices = [AuthPages.Choice(value: "", label: req.t("form.choose"), selected: typed["language"] == nil)]
            + LanguageSkill.knownLanguages.filter { $0 != "ru" }.map { ($0, languageName($0)) }
                .sorted { $0.1.localizedStandardCompare($1.1) == .orderedAscending }
                .map { AuthPages.Choice(value: $0.0, label: $0.1, selected: typed["language"] == $0.0) }
        page.levels = CEFRLevel.allCases.map { AuthPages.Choice(value: $0.rawValue, label: req.t("cefr.\($0.rawValue)"), selected: (typed["level"] ?? "B1") == $0.rawValue) }
        page.occupations = [AuthPages.Choice(value: "", label: req.t("form.choose"), selected: typed["role"] == nil)]
            + taxonomy.occupations.map { ($0.id, $0.name(in: language.rawValue)) }
                .sorted { $0.1.localizedStandardCompare($1.1) == .orderedAscending }
                .map { AuthPages.Choice(value: $0.0, label: $0.1, selected: typed["role"] == $0.0) }
        page.allCountries = countryChoices(typed["country"])
        return try await req.renderPage("profile", page, status: status)
    }
}

extension SiteURL.ProfileList {
    /// `experience` → `Experience`, for template keys such as `urls.addExperience`.
    var capitalized: String { rawValue.prefix(1).uppercased() + rawValue.dropFirst() }
}

extension Request {
    /// A specialist's Russian as an employer reads it: a level a centre's test verified reads differently from
    /// one the person declared ("Russian B2 — verified by a test" / "Russian B1 (self-declared)").
    func russianFact(_ profile: SpecialistProfile) -> String? {
        if let verified = profile.russianVerifiedLevel { return t("search.russianVerified", ["level": verified]) }
        guard let level = profile.russianLevel else { return nil }
        return t("search.russian", ["level": level]) + " (" + t("profile.russianSelfDeclared") + ")"
    }
}
