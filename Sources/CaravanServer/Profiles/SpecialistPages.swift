import CaravanDomain
import CaravanMatching
import Fluent
import Foundation
import Vapor

/// A specialist's profile as an employer reads it: what the person shared, without contacts until they apply,
/// and, for one of the employer's vacancies, why they fit it. Every read is a line in the person's who-looked log.
struct SpecialistPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.grouped(SignedInOnly()).get(SiteURL.specialist(UUID()).pathComponents, use: show)
    }

    struct Page: Encodable {
        let layout: PageLayout
        let name: String
        let applicant: ApplicantView
        let summary: String
        let experience: [Line]
        let education: [Line]
        let languages: [String]
        /// The vacancy the reasons are about, when the page was opened from one.
        let vacancyTitle: String?
        let vacancyURL: String?
    }

    struct Line: Encodable {
        let title: String
        let detail: String
    }

    func show(req: Request) async throws -> Response {
        let user = try req.auth.require(User.self)
        guard let role = user.domainRole, VacanciesPolicy.mayWrite(role) else { throw AppError.forbidden }
        // An employer of a registered company, as the search for specialists and invitations need.
        guard let company = try await req.companies.company(of: user) else { throw AppError.forbidden }
        guard let id = req.parameters.get("specialistID", as: UUID.self),
              let person = try await User.find(id, on: req.database), person.domainRole == .specialist,
              let profile = try await SpecialistProfile.query(on: req.database).filter(\.$user.$id == id).first()
        else { throw AppError.notFound }
        // Reasons only for a vacancy of the reader's own company; any other id is ignored, not an error.
        var vacancy: Vacancy?
        if let vacancyID = req.query[UUID.self, at: "vacancy"] {
            vacancy = try await Vacancy.query(on: req.database).filter(\.$id == vacancyID).filter(\.$company.$id == company.requireID()).first()
        }
        try await DataAccessLog(app: req.application, database: req.database).record(
            .profile, of: [id], by: user, context: .specialistProfile, contextID: vacancy?.id
        )
        let language = req.language
        let now = req.t("profile.experience.now")
        let locale = Locale(identifier: language.rawValue)
        let page = Page(
            layout: try PageLayout(request: req, titleKey: "specialist.title", titleArguments: ["name": person.displayName]),
            name: person.displayName,
            applicant: ApplicantView(profile, for: vacancy, specialistID: id, req),
            summary: profile.summary,
            experience: profile.experience.map { entry in
                Line(title: req.t("profile.experience.line", ["role": entry.role, "employer": entry.employer]),
                     detail: "\(req.month(entry.start)) — \(entry.end.map(req.month) ?? now)" + (entry.country.map { " · " + $0.name(in: language) } ?? ""))
            },
            education: profile.education.map { entry in
                Line(title: "\(entry.institution), \(entry.year)",
                     detail: "\(req.t("degree.\(entry.degree.rawValue)")) · \(entry.field) · \(entry.country.name(in: language)) · \(req.t("recognition.\(entry.recognition.rawValue)"))")
            },
            languages: profile.languages.map { "\(locale.localizedString(forLanguageCode: $0.language) ?? $0.language) — \(req.t("cefr.\($0.level.rawValue)"))" },
            vacancyTitle: vacancy?.title, vacancyURL: try vacancy.map { SiteURL.vacancy(try $0.requireID()).path }
        )
        return try await req.renderPage("specialist", page)
    }
}

/// What an employer needs to judge an applicant at a glance: skills with levels, why they fit a vacancy, their
/// Russian (verified or declared), where they are, and how many people move with them (a count, never names).
struct ApplicantView: Encodable {
    let profileURL: String
    let headline: String
    let facts: [String]
    let skills: [String]
    let positive: [String]
    let negative: [String]

    init(_ profile: SpecialistProfile, for vacancy: Vacancy?, specialistID: UUID, _ req: Request) {
        let taxonomy = req.application.skillTaxonomy
        let language = req.language
        let basics = profile.basics
        var facts: [String] = []
        if let citizenship = basics.citizenship { facts.append(citizenship.name(in: language)) }
        if !basics.city.isEmpty { facts.append(basics.city) }
        if let russian = req.russianFact(profile) { facts.append(russian) }
        if basics.relocation { facts.append(req.t("search.relocates")) }
        // The person and those moving with them: a count only.
        facts.append(req.t("applicant.family", ["count": "\(profile.family.count + 1)"]))
        self.facts = facts
        headline = basics.headline
        skills = profile.skills.map { stored in
            let name = taxonomy.skill(SkillID(stored.skill))?.name(in: language.rawValue) ?? stored.skill
            return req.t("applicant.skill", ["skill": name, "level": req.t("skill.level.\(stored.level)"), "years": Self.years(stored.years, language)])
        }
        var components = URLComponents()
        components.path = SiteURL.specialist(specialistID).path
        if let id = vacancy?.id { components.queryItems = [URLQueryItem(name: "vacancy", value: id.uuidString.lowercased())] }
        profileURL = components.string ?? components.path
        guard let vacancy else {
            positive = []
            negative = []
            return
        }
        let writer = ReasonWriter(req, taxonomy: taxonomy, audience: .employer)
        switch Matcher(taxonomy: taxonomy).evaluate(MatchingAdapter.candidate(of: profile), for: MatchingAdapter.profile(of: vacancy)) {
        case .scored(_, _, let reasons):
            positive = reasons.filter { $0.effect == .positive }.map(writer.text)
            negative = reasons.filter { $0.effect != .positive }.map(writer.text)
        case .excluded(let reasons):
            positive = []
            negative = reasons.map(writer.text)
        }
    }
}

extension ApplicantView {
    /// Years of experience as a number reads in the language: "4", "1,5" (a comma but in English).
    static func years(_ value: Double, _ language: LanguageCode) -> String {
        let text = String(format: "%g", value)
        return language == .english ? text : text.replacingOccurrences(of: ".", with: ",")
    }
}

extension Request {
    /// A `YYYY-MM` month as this language names it ("March 2026", "Март 2026"); anything else as it is.
    func month(_ id: String) -> String {
        CalendarDateText.monthYear(id, in: language) ?? id
    }
}
