import CaravanDomain
import CaravanMatching
import Fluent
import Foundation
import Vapor

/// The search pages: a GET form (so a search is a link one can share or go back to) and its results.
struct SearchPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let signedIn = routes.grouped(SignedInOnly())
        // Published vacancies are public: anyone may browse and search them.
        routes.get(SiteURL.searchVacancies.pathComponents, use: vacancies)
        signedIn.get(SiteURL.searchSpecialists.pathComponents, use: specialists)
        signedIn.post(SiteURL.searchInvite.pathComponents, use: invite)
    }

    struct VacancyRow: Encodable {
        let url: String
        let title: String
        let company: String
        let city: String
        let salary: String?
        let arrangement: String
        let skills: String
    }

    struct Page<Row: Encodable>: Encodable {
        let layout: PageLayout
        let form: [String: String]
        let errors: [String: String]
        let rows: [Row]
        let summary: String?
        let relaxed: Bool
        let searched: Bool
        var pager: Pager?
        /// A search ran, was valid, and found nothing.
        var showNone: Bool { searched && errors.isEmpty && rows.isEmpty }

        enum CodingKeys: String, CodingKey {
            case layout, form, errors, rows, summary, relaxed, searched, choices, inviteAction, notice, showNone, pager
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(layout, forKey: .layout)
            try container.encode(form, forKey: .form)
            try container.encode(errors, forKey: .errors)
            try container.encode(rows, forKey: .rows)
            try container.encodeIfPresent(summary, forKey: .summary)
            try container.encode(relaxed, forKey: .relaxed)
            try container.encode(searched, forKey: .searched)
            try container.encode(choices, forKey: .choices)
            try container.encode(inviteAction, forKey: .inviteAction)
            try container.encodeIfPresent(notice, forKey: .notice)
            try container.encode(showNone, forKey: .showNone)
            try container.encodeIfPresent(pager, forKey: .pager)
        }
        var choices: [String: [AuthPages.Choice]] = [:]
        var inviteAction: String = ""
        var notice: String?
    }

    private static func raw(_ req: Request) -> [String: String] {
        ((try? req.query.decode([String: String].self)) ?? [:]).mapValues { String($0.prefix(500)) }
    }

    private static func messages(_ failure: ValidationFailure, _ req: Request) -> [String: String] {
        Dictionary(failure.errors.map { ($0.field, req.message(for: $0)) }, uniquingKeysWith: { first, _ in first })
    }

    private static func skillNames(_ ids: [String], _ req: Request) -> String {
        let taxonomy = req.application.skillTaxonomy
        return ids.prefix(8).compactMap { taxonomy.skill(SkillID($0)) }
            .map { $0.name(in: req.language.rawValue) }.joined(separator: ", ")
    }

    func vacancies(req: Request) async throws -> Response {
        let raw = Self.raw(req)
        var rows: [VacancyRow] = []
        var errors: [String: String] = [:]
        var summary: String?
        var relaxed = false
        var pager: Pager?
        do {
            let criteria = try VacancySearchCriteria(raw)
            let found = try await req.search.vacancies(criteria)
            // Links go no deeper than the search reads (`pageMaximum` pages).
            pager = Pager(req, paging: criteria.paging, total: min(found.total, VacancySearchCriteria.pageMaximum * criteria.limit))
            rows = found.vacancies.map { vacancy in
                VacancyRow(
                    url: SiteURL.vacancy(vacancy.id ?? UUID()).path, title: vacancy.title, company: vacancy.company.legalName, city: vacancy.city,
                    salary: Self.salary(vacancy, req), arrangement: req.t("remote.\(vacancy.workArrangement)"),
                    skills: Self.skillNames(vacancy.requiredSkills.map(\.skill) + vacancy.niceSkills, req)
                )
            }
            summary = req.t("search.found", ["count": "\(found.total)"])
            relaxed = found.relaxed
        } catch let failure as ValidationFailure {
            errors = Self.messages(failure, req)
        }
        var page = Page(layout: try PageLayout(request: req, titleKey: "search.vacancies.title"), form: raw, errors: errors, rows: rows,
                        summary: summary, relaxed: relaxed, searched: !raw.isEmpty, pager: pager)
        page.choices["arrangement"] = [AuthPages.Choice(value: "", label: req.t("search.any"), selected: (raw["arrangement"] ?? "").isEmpty)]
            + WorkArrangement.allCases.map { AuthPages.Choice(value: $0.rawValue, label: req.t("remote.\($0.rawValue)"), selected: raw["arrangement"] == $0.rawValue) }
        return try await req.renderPage("search-vacancies", page, status: errors.isEmpty ? .ok : .unprocessableEntity)
    }

    static func salary(_ vacancy: Vacancy, _ req: Request) -> String? {
        switch (vacancy.salaryMin, vacancy.salaryMax) {
        case let (low?, high?): req.t("search.salary.range", ["from": ReasonWriter.money(low, req.language), "to": ReasonWriter.money(high, req.language)])
        case let (low?, nil): req.t("search.salary.from", ["from": ReasonWriter.money(low, req.language)])
        case let (nil, high?): req.t("search.salary.to", ["to": ReasonWriter.money(high, req.language)])
        case (nil, nil): nil
        }
    }

    struct SpecialistRow: Encodable {
        let id: String
        let name: String
        let headline: String
        let facts: String
        let skills: String
    }

    func specialists(req: Request) async throws -> Response {
        let user = try req.auth.require(User.self)
        guard user.domainRole.map(VacanciesPolicy.mayWrite) == true else { throw AppError.forbidden }
        let raw = Self.raw(req)
        var rows: [SpecialistRow] = []
        var errors: [String: String] = [:]
        var summary: String?
        var relaxed = false
        var pager: Pager?
        do {
            let criteria = try SpecialistSearchCriteria(raw)
            let found = try await req.search.specialists(criteria, by: user)
            pager = Pager(req, paging: criteria.paging, total: min(found.total, VacancySearchCriteria.pageMaximum * criteria.limit))
            rows = found.people.map { person in
                let basics = person.profile.basics
                var facts: [String] = []
                if let citizenship = basics.citizenship { facts.append(citizenship.name(in: req.language)) }
                if !basics.city.isEmpty { facts.append(basics.city) }
                if let russian = req.russianFact(person.profile) { facts.append(russian) }
                if basics.relocation { facts.append(req.t("search.relocates")) }
                if let salary = basics.expectedSalary { facts.append(req.t("search.expects", ["salary": ReasonWriter.money(salary, req.language)])) }
                return SpecialistRow(id: person.profile.$user.id.uuidString.lowercased(), name: person.user.displayName, headline: basics.headline,
                                     facts: facts.joined(separator: " · "), skills: Self.skillNames(person.profile.skills.map(\.skill), req))
            }
            summary = req.t("search.found", ["count": "\(found.total)"])
            relaxed = found.relaxed
        } catch let failure as ValidationFailure {
            errors = Self.messages(failure, req)
        }
        var page = Page(layout: try PageLayout(request: req, titleKey: "search.specialists.title"), form: raw, errors: errors, rows: rows,
                        summary: summary, relaxed: relaxed, searched: !raw.isEmpty, pager: pager)
        page.choices["citizenship"] = [AuthPages.Choice(value: "", label: req.t("search.any"), selected: (raw["citizenship"] ?? "").isEmpty)]
            + AuthPages.Choice.countries(req, selected: raw["citizenship"])
        page.choices["russianFrom"] = [AuthPages.Choice(value: "", label: req.t("search.any"), selected: (raw["russianFrom"] ?? "").isEmpty)]
            + CEFRLevel.allCases.map { AuthPages.Choice(value: $0.rawValue, label: req.t("level.\($0.rawValue)"), selected: raw["russianFrom"] == $0.rawValue) }
        page.choices["workplace"] = [AuthPages.Choice(value: "", label: req.t("search.any"), selected: (raw["workplace"] ?? "").isEmpty)]
            + [RemotePreference.onsite, .hybrid, .remote].map { AuthPages.Choice(value: $0.rawValue, label: req.t("remote.\($0.rawValue)"), selected: raw["workplace"] == $0.rawValue) }
        // The employer's published vacancies, to invite a person found here (none before the company is registered).
        page.choices["vacancy"] = []
        if let company = try await req.companies.company(of: user) {
            let open = try await Vacancy.query(on: req.database).filter(\.$company.$id == company.requireID())
                .filter(\.$status == VacancyStatus.published.rawValue).sort(\.$title).all()
            page.choices["vacancy"] = open.compactMap { vacancy in vacancy.id.map { AuthPages.Choice(value: $0.uuidString.lowercased(), label: vacancy.title, selected: false) } }
        }
        page.inviteAction = SiteURL.searchInvite.path
        if let notice = raw["notice"], ["invited", "exists"].contains(notice) { page.notice = req.t("search.notice.\(notice)") }
        return try await req.renderPage("search-specialists", page, status: errors.isEmpty ? .ok : .unprocessableEntity)
    }

    /// Invites a person found by search to one of the employer's vacancies, then returns to the same search.
    func invite(req: Request) async throws -> Response {
        let user = try req.auth.require(User.self)
        guard let vacancyID = (try? req.content.get(String.self, at: "vacancy")).flatMap(UUID.init(uuidString:)),
              let specialistID = (try? req.content.get(String.self, at: "specialist")).flatMap(UUID.init(uuidString:))
        else { throw AppError.validation(ValidationFailure(field: "vacancy", code: "field.required")) }
        let back = SiteURL.safeLocalPath(try? req.content.get(String.self, at: "back")).flatMap { $0.hasPrefix(SiteURL.searchSpecialists.path) ? $0 : nil }
            ?? SiteURL.searchSpecialists.path
        let separator = back.contains("?") ? "&" : "?"
        do {
            _ = try await req.applications.invite(specialistID, to: vacancyID, by: user)
        } catch AppError.conflict {
            return req.redirect(to: back + separator + "notice=exists", redirectType: .normal)
        }
        return req.redirect(to: back + separator + "notice=invited", redirectType: .normal)
    }
}
