import CaravanDomain
import CaravanMatching
import Fluent
import Foundation
import OpenAPIRuntime
import Vapor

extension APIHandler {
    func applyToVacancy(_ input: Operations.ApplyToVacancy.Input) async throws -> Operations.ApplyToVacancy.Output {
        let req = APIRequestContext.current
        let (user, _) = try await req.bearerUser()
        guard let id = UUID(uuidString: input.path.vacancyId) else { throw AppError.notFound }
        var note = ""
        if case .json(let body)? = input.body { note = body.note ?? "" }
        let application = try await req.applications.apply(to: id, note: note, by: user)
        return .created(.init(body: .json(try await describe(application, for: .specialist, req))))
    }

    func listVacancyApplications(_ input: Operations.ListVacancyApplications.Input) async throws -> Operations.ListVacancyApplications.Output {
        let req = APIRequestContext.current
        let (user, _) = try await req.bearerUser()
        guard let id = UUID(uuidString: input.path.vacancyId) else { throw AppError.notFound }
        let vacancy = try await req.vacancies.ownVacancy(id, of: user)
        let list = try await req.applications.applications(to: vacancy, readBy: user, limit: 500)
        var items: [Components.Schemas.JobApplication] = []
        for application in list { items.append(try await describe(application, for: .employer, req)) }
        return .ok(.init(body: .json(.init(applications: items))))
    }

    func listMyApplications(_ input: Operations.ListMyApplications.Input) async throws -> Operations.ListMyApplications.Output {
        let req = APIRequestContext.current
        let (user, _) = try await req.bearerUser()
        guard user.domainRole == .specialist else { throw AppError.forbidden }
        let list = try await JobApplication.query(on: req.database).filter(\.$specialist.$id == user.requireID()).sort(\.$createdAt, .descending).limit(500).all()
        var items: [Components.Schemas.JobApplication] = []
        for application in list { items.append(try await describe(application, for: .specialist, req)) }
        return .ok(.init(body: .json(.init(applications: items))))
    }

    func moveApplication(_ input: Operations.MoveApplication.Input) async throws -> Operations.MoveApplication.Output {
        let req = APIRequestContext.current
        let (user, _) = try await req.bearerUser()
        guard let id = UUID(uuidString: input.path.applicationId) else { throw AppError.notFound }
        guard case .json(let body) = input.body else { throw AppError.malformedRequest }
        let (application, party) = try await req.applications.visible(id, to: user)
        guard let stage = ApplicationStage(rawValue: body.stage) else {
            throw AppError.validation(ValidationFailure(field: "stage", code: "stage.unknown"))
        }
        let offer = body.offer.map { ApplicationService.OfferInput(salary: $0.salary, startDate: $0.startDate, city: $0.city, contract: $0.contract) }
        let moved = try await req.applications.move(application, to: stage, by: user, offer: offer)
        return .ok(.init(body: .json(try await describe(moved, for: party, req))))
    }

    /// An application as one party sees it: the employer gets the specialist's contacts only once they applied.
    private func describe(_ application: JobApplication, for party: ApplicationParty, _ req: Request) async throws -> Components.Schemas.JobApplication {
        let vacancy = try await application.$vacancy.get(on: req.database)
        let specialist = try await application.$specialist.get(on: req.database)
        let shares = application.applicationStage.sharesContacts
        return .init(
            id: try application.requireID().uuidString.lowercased(), vacancyId: try vacancy.requireID().uuidString.lowercased(),
            vacancyTitle: vacancy.title, stage: application.stage, note: application.note,
            history: application.history.map { .init(stage: $0.stage, by: $0.by, at: $0.at) },
            offer: application.offer.map { .init(salary: $0.salary, startDate: $0.startDate, city: $0.city, contract: $0.contract) },
            specialistName: specialist.displayName,
            specialistEmail: party == .specialist || shares ? specialist.email : nil
        )
    }
}

extension APIHandler {
    func getVacancyCandidates(_ input: Operations.GetVacancyCandidates.Input) async throws -> Operations.GetVacancyCandidates.Output {
        let req = APIRequestContext.current
        let (user, _) = try await req.bearerUser()
        guard let id = UUID(uuidString: input.path.vacancyId) else { throw AppError.notFound }
        let vacancy = try await req.vacancies.ownVacancy(id, of: user)
        let limit = input.query.limit ?? 20
        guard (1...100).contains(limit) else {
            throw AppError.validation(ValidationFailure(field: "limit", code: "limit.range", arguments: ["max": "100"]))
        }
        let taxonomy = req.application.skillTaxonomy
        let found = vacancy.vacancyStatus == .published ? try await req.matching.candidates(for: vacancy, limit: limit, readBy: user) : []
        return .ok(.init(body: .json(.init(candidates: try found.map { candidate in
            let basics = candidate.profile.basics
            return .init(
                specialistId: try candidate.user.requireID().uuidString.lowercased(), name: candidate.user.displayName,
                headline: basics.headline, city: basics.city, citizenship: basics.citizenship?.rawValue,
                score: (candidate.result.score * 1000).rounded() / 1000, stage: candidate.stage?.rawValue,
                email: candidate.stage?.sharesContacts == true ? candidate.user.email : nil,
                russianLevel: basics.russianLevel?.rawValue, russianVerified: basics.russianLevel == nil ? nil : candidate.profile.russianVerifiedLevel != nil,
                reasons: candidate.result.reasons.map {
                    .init(key: $0.key, effect: $0.effect.rawValue, text: MatchingService.text(of: $0, taxonomy: taxonomy, req: req, for: .employer))
                }
            )
        }))))
    }

    func inviteToVacancy(_ input: Operations.InviteToVacancy.Input) async throws -> Operations.InviteToVacancy.Output {
        let req = APIRequestContext.current
        let (user, _) = try await req.bearerUser()
        guard let vacancyID = UUID(uuidString: input.path.vacancyId) else { throw AppError.notFound }
        guard case .json(let body) = input.body else { throw AppError.malformedRequest }
        guard let specialistID = UUID(uuidString: body.specialistId) else {
            throw AppError.validation(ValidationFailure(field: "specialistId", code: "field.type"))
        }
        let application = try await req.applications.invite(specialistID, to: vacancyID, by: user)
        let vacancy = try await application.$vacancy.get(on: req.database)
        let specialist = try await application.$specialist.get(on: req.database)
        return .created(.init(body: .json(.init(
            id: try application.requireID().uuidString.lowercased(), vacancyId: try vacancy.requireID().uuidString.lowercased(),
            vacancyTitle: vacancy.title, stage: application.stage, note: application.note,
            history: application.history.map { .init(stage: $0.stage, by: $0.by, at: $0.at) },
            offer: nil, specialistName: specialist.displayName, specialistEmail: nil
        ))))
    }
}
