import CaravanDomain
import Fluent
import Foundation
import Vapor

/// Text search with filters, both ways: published vacancies for anyone, specialists for employers only.
/// Contacts never appear here.
struct SearchService: Sendable {
    let app: Application
    let database: any Database

    struct Vacancies {
        let vacancies: [Vacancy]
        let total: Int
        let relaxed: Bool
    }

    /// Published vacancies are public, so anyone may search them, signed in or not.
    func vacancies(_ criteria: VacancySearchCriteria) async throws -> Vacancies {
        let found = try await app.vacancyIndex.search(criteria.search, on: database, taxonomy: app.skillTaxonomy)
        let ids = found.keys.compactMap(UUID.init(uuidString:))
        let rows = try await Vacancy.query(on: database).filter(\.$id ~~ ids).with(\.$company).all()
        let byID = Dictionary(rows.compactMap { row in row.id.map { ($0, row) } }, uniquingKeysWith: { first, _ in first })
        return Vacancies(vacancies: ids.compactMap { byID[$0] }.filter { $0.vacancyStatus == .published }, total: found.total, relaxed: found.relaxed)
    }

    struct Specialists {
        let people: [(user: User, profile: SpecialistProfile)]
        let total: Int
        let relaxed: Bool
    }

    func specialists(_ criteria: SpecialistSearchCriteria, by user: User) async throws -> Specialists {
        guard let role = user.domainRole, VacanciesPolicy.mayWrite(role) else { throw AppError.forbidden }
        let found = try await app.candidateIndex.search(criteria.search, on: database)
        let ids = found.keys.compactMap(UUID.init(uuidString:))
        let users = try await User.query(on: database).filter(\.$id ~~ ids).all()
        let profiles = try await SpecialistProfile.query(on: database).filter(\.$user.$id ~~ ids).all()
        let userByID = Dictionary(users.compactMap { user in user.id.map { ($0, user) } }, uniquingKeysWith: { first, _ in first })
        let profileByUser = Dictionary(profiles.map { ($0.$user.id, $0) }, uniquingKeysWith: { first, _ in first })
        let people = ids.compactMap { id -> (User, SpecialistProfile)? in
            guard let user = userByID[id], let profile = profileByUser[id] else { return nil }
            return (user, profile)
        }
        // Each profile found is shown to the employer: a read, in that person's who-looked log.
        try await DataAccessLog(app: app, database: database).record(.profile, of: people.compactMap(\.0.id), by: user, context: .specialistSearch)
        return Specialists(people: people, total: found.total, relaxed: found.relaxed)
    }
}

extension Request {
    var search: SearchService { SearchService(app: application, database: database) }
}
