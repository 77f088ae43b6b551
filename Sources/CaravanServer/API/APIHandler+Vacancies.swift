import CaravanDomain
import CaravanMatching
import Fluent
import Foundation
import OpenAPIRuntime
import Vapor

extension APIHandler {
    func createVacancy(_ input: Operations.CreateVacancy.Input) async throws -> Operations.CreateVacancy.Output {
        let req = APIRequestContext.current
        let (user, _) = try await req.bearerUser()
        guard case .json(let body) = input.body else { throw AppError.malformedRequest }
        let vacancy = try await save(body, into: nil, by: user, req)
        return .created(.init(body: .json(try .init(vacancy, companyName: try await companyName(vacancy, req)))))
    }

    func getVacancy(_ input: Operations.GetVacancy.Input) async throws -> Operations.GetVacancy.Output {
        let req = APIRequestContext.current
        let (user, _) = try await req.bearerUser()
        guard let id = UUID(uuidString: input.path.vacancyId) else { throw AppError.notFound }
        let vacancy = try await req.vacancies.visibleVacancy(id, to: user)
        return .ok(.init(body: .json(try .init(vacancy, companyName: try await companyName(vacancy, req)))))
    }

    func replaceVacancy(_ input: Operations.ReplaceVacancy.Input) async throws -> Operations.ReplaceVacancy.Output {
        let req = APIRequestContext.current
        let (user, _) = try await req.bearerUser()
        guard let id = UUID(uuidString: input.path.vacancyId) else { throw AppError.notFound }
        let existing = try await req.vacancies.ownVacancy(id, of: user)
        guard case .json(let body) = input.body else { throw AppError.malformedRequest }
        let vacancy = try await save(body, into: existing, by: user, req)
        return .ok(.init(body: .json(try .init(vacancy, companyName: try await companyName(vacancy, req)))))
    }

    /// Served by `VacancyMatchesRoute`, which replaces the generated route for this path; this answers the
    /// same from the same `VacancyMatchesAnswer` for any other caller of the generated server.
    func getVacancyMatches(_ input: Operations.GetVacancyMatches.Input) async throws -> Operations.GetVacancyMatches.Output {
        let req = APIRequestContext.current
        let account = try await req.bearerAccount()
        let limit = input.query.limit ?? 20
        guard (1...100).contains(limit) else {
            throw AppError.validation(ValidationFailure(field: "limit", code: "limit.range", arguments: ["max": "100"]))
        }
        let matches = try await req.matching.vacancies(forUserID: account.userID, role: account.domainRole, limit: limit)
        let answer = VacancyMatchesAnswer(matches, writer: ReasonWriter(req, taxonomy: req.application.skillTaxonomy))
        return .ok(.init(body: .json(.init(matches: answer.items.map { item in
            .init(vacancyId: item.vacancyID, title: item.title, companyName: item.companyName, city: item.city,
                  score: item.score, reasons: item.reasons.map { .init(key: $0.key, effect: $0.effect, text: $0.text) })
        }))))
    }

    private func save(_ body: Components.Schemas.VacancyInput, into vacancy: Vacancy?, by user: User, _ req: Request) async throws -> Vacancy {
        let input = VacancyInput(
            title: body.title, description: body.description ?? "", occupation: body.occupation ?? "",
            minimumYears: body.minimumYears.map { String($0) } ?? "", minimumRussian: body.minimumRussian ?? "",
            salaryMin: body.salaryMin.map(String.init) ?? "", salaryMax: body.salaryMax.map(String.init) ?? "",
            city: body.city ?? "", workArrangement: body.workArrangement ?? "onsite",
            visaSupport: body.visaSupport ?? false, housing: body.housing ?? false, familyRelocation: body.familyRelocation ?? false
        )
        return try await req.vacancies.save(
            input, required: (body.requiredSkills ?? []).map { .init(skill: $0.skill, level: $0.level) },
            nice: body.niceToHaveSkills ?? [], status: body.status, into: vacancy, by: user
        )
    }

    private func companyName(_ vacancy: Vacancy, _ req: Request) async throws -> String {
        if let company = vacancy.$company.value { return company.legalName }
        return try await Company.find(vacancy.$company.id, on: req.database)?.legalName ?? ""
    }
}

extension Components.Schemas.Vacancy {
    init(_ vacancy: Vacancy, companyName: String) throws {
        self.init(
            value1: .init(
                title: vacancy.title, description: vacancy.description, occupation: vacancy.occupation.isEmpty ? nil : vacancy.occupation,
                requiredSkills: vacancy.requiredSkills.map { .init(skill: $0.skill, level: $0.level) },
                niceToHaveSkills: vacancy.niceSkills, minimumYears: vacancy.minimumYears, minimumRussian: vacancy.minimumRussian?.isEmpty == false ? vacancy.minimumRussian : nil,
                salaryMin: vacancy.salaryMin, salaryMax: vacancy.salaryMax, city: vacancy.city, workArrangement: vacancy.workArrangement,
                visaSupport: vacancy.visaSupport, housing: vacancy.housing, familyRelocation: vacancy.familyRelocation, status: vacancy.status
            ),
            value2: .init(id: try vacancy.requireID().uuidString.lowercased(), companyId: vacancy.$company.id.uuidString.lowercased(), companyName: companyName)
        )
    }
}
