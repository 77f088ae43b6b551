import CaravanDomain
import Fluent
import Foundation
import OpenAPIRuntime
import Vapor

extension APIHandler {
    func searchVacancies(_ input: Operations.SearchVacancies.Input) async throws -> Operations.SearchVacancies.Output {
        let req = APIRequestContext.current
        // Any signed-in caller: published vacancies are public (the page needs no account at all).
        _ = try await req.bearerUser()
        let query = input.query
        var raw: [String: String] = ["q": query.q ?? "", "city": query.city ?? "", "arrangement": query.arrangement ?? ""]
        raw["salaryFrom"] = query.salaryFrom.map(String.init)
        raw["visa"] = query.visa.map(String.init)
        raw["family"] = query.family.map(String.init)
        raw["housing"] = query.housing.map(String.init)
        raw["limit"] = query.limit.map(String.init)
        raw["page"] = query.page.map(String.init)
        let criteria: VacancySearchCriteria
        do { criteria = try VacancySearchCriteria(raw) } catch { throw AppError.validation(error) }
        let found = try await req.search.vacancies(criteria)
        return .ok(.init(body: .json(.init(total: found.total, relaxed: found.relaxed, vacancies: try found.vacancies.map {
            .init(id: try $0.requireID().uuidString.lowercased(), title: $0.title, company: $0.company.legalName, city: $0.city,
                  workArrangement: $0.workArrangement, salaryMin: $0.salaryMin, salaryMax: $0.salaryMax,
                  skills: $0.requiredSkills.map(\.skill) + $0.niceSkills)
        }))))
    }

    func searchSpecialists(_ input: Operations.SearchSpecialists.Input) async throws -> Operations.SearchSpecialists.Output {
        let req = APIRequestContext.current
        let (user, _) = try await req.bearerUser()
        let query = input.query
        var raw: [String: String] = ["q": query.q ?? "", "city": query.city ?? "", "citizenship": query.citizenship ?? "",
                                     "russianFrom": query.russianFrom ?? "", "workplace": query.workplace ?? ""]
        raw["relocation"] = query.relocation.map(String.init)
        raw["salaryUpTo"] = query.salaryUpTo.map(String.init)
        raw["limit"] = query.limit.map(String.init)
        raw["page"] = query.page.map(String.init)
        let criteria: SpecialistSearchCriteria
        do { criteria = try SpecialistSearchCriteria(raw) } catch { throw AppError.validation(error) }
        let found = try await req.search.specialists(criteria, by: user)
        return .ok(.init(body: .json(.init(total: found.total, relaxed: found.relaxed, specialists: found.people.map { person in
            let basics = person.profile.basics
            return .init(
                specialistId: person.profile.$user.id.uuidString.lowercased(), name: person.user.displayName, headline: basics.headline,
                citizenship: basics.citizenship?.rawValue, city: basics.city, russianLevel: basics.russianLevel?.rawValue,
                expectedSalary: basics.expectedSalary, relocation: basics.relocation, skills: person.profile.skills.map(\.skill)
            )
        }))))
    }
}
