import CaravanDomain
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
        _ = try await req.vacancies.ownVacancy(id, of: user)
        let list = try await JobApplication.query(on: req.db).filter(\.$vacancy.$id == id).sort(\.$createdAt, .descending).limit(500).all()
        var items: [Components.Schemas.JobApplication] = []
        for application in list { items.append(try await describe(application, for: .employer, req)) }
        return .ok(.init(body: .json(.init(applications: items))))
    }

    func listMyApplications(_ input: Operations.ListMyApplications.Input) async throws -> Operations.ListMyApplications.Output {
        let req = APIRequestContext.current
        let (user, _) = try await req.bearerUser()
        guard user.domainRole == .specialist else { throw AppError.forbidden }
        let list = try await JobApplication.query(on: req.db).filter(\.$specialist.$id == user.requireID()).sort(\.$createdAt, .descending).limit(500).all()
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
        let vacancy = try await application.$vacancy.get(on: req.db)
        let specialist = try await application.$specialist.get(on: req.db)
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
