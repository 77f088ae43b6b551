import CaravanDomain
import Fluent
import Foundation
import OpenAPIRuntime
import Vapor

extension APIHandler {
    func registerCompany(_ input: Operations.RegisterCompany.Input) async throws -> Operations.RegisterCompany.Output {
        let req = APIRequestContext.current
        let (user, _) = try await req.bearerUser()
        guard case .json(let body) = input.body else { throw AppError.malformedRequest }
        let company = try await req.companies.register(
            CompanyRegistrationRequest(legalName: body.legalName, inn: body.inn, ogrn: body.ogrn, city: body.city, size: body.size),
            by: user
        )
        return .created(.init(body: .json(try .init(company))))
    }

    func getMyCompany(_ input: Operations.GetMyCompany.Input) async throws -> Operations.GetMyCompany.Output {
        let req = APIRequestContext.current
        let (user, _) = try await req.bearerUser()
        guard let company = try await req.companies.company(of: user) else { throw AppError.notFound }
        return .ok(.init(body: .json(try .init(company))))
    }

    func setCompanyAccreditation(_ input: Operations.SetCompanyAccreditation.Input) async throws -> Operations.SetCompanyAccreditation.Output {
        let req = APIRequestContext.current
        let (user, _) = try await req.bearerUser()
        guard let role = user.domainRole, CompaniesPolicy.mayAccredit(role) else { throw AppError.forbidden }
        guard let id = UUID(uuidString: input.path.companyId), let company = try await Company.find(id, on: req.database) else {
            throw AppError.notFound
        }
        guard case .json(let body) = input.body else { throw AppError.malformedRequest }
        try await req.companies.setAccreditation(
            of: company, to: AccreditationRequest(accredited: body.accredited, registryNumber: body.registryNumber, date: body.date), by: user
        )
        return .ok(.init(body: .json(try .init(company))))
    }
}

extension Components.Schemas.Company {
    init(_ company: Company) throws {
        self.init(
            id: try company.requireID().uuidString.lowercased(), legalName: company.legalName, inn: company.inn, ogrn: company.ogrn,
            city: company.city, size: company.size,
            accreditation: .init(accredited: company.accredited, registryNumber: company.accreditationNumber, date: company.accreditationDate)
        )
    }
}

extension APIHandler {
    func getCompanyPeople(_ input: Operations.GetCompanyPeople.Input) async throws -> Operations.GetCompanyPeople.Output {
        let req = APIRequestContext.current
        let (user, _) = try await req.bearerUser()
        guard let company = try await req.companies.company(of: user) else { throw AppError.notFound }
        let people = try await req.companies.people(of: company)
        return .ok(.init(body: .json(.init(
            members: people.members.map { .init(name: $0.displayName, email: $0.email) }, pending: people.pending.map(\.email)
        ))))
    }

    func inviteCompanyMember(_ input: Operations.InviteCompanyMember.Input) async throws -> Operations.InviteCompanyMember.Output {
        let req = APIRequestContext.current
        let (user, _) = try await req.bearerUser()
        guard case .json(let body) = input.body else { throw AppError.malformedRequest }
        let invitation = try await req.companies.invite(body.email, by: user, language: req.language)
        let company = try await invitation.$company.get(on: req.database)
        return .created(.init(body: .json(try .init(invitation, company: company))))
    }

    func listMyCompanyInvitations(_ input: Operations.ListMyCompanyInvitations.Input) async throws -> Operations.ListMyCompanyInvitations.Output {
        let req = APIRequestContext.current
        let (user, _) = try await req.bearerUser()
        let pending = try await req.companies.pendingInvitations(for: user)
        return .ok(.init(body: .json(.init(invitations: try pending.map { try .init($0, company: $0.company) }))))
    }

    func acceptCompanyInvitation(_ input: Operations.AcceptCompanyInvitation.Input) async throws -> Operations.AcceptCompanyInvitation.Output {
        let req = APIRequestContext.current
        let (user, _) = try await req.bearerUser()
        guard let id = UUID(uuidString: input.path.invitationId) else { throw AppError.notFound }
        let company = try await req.companies.accept(id, by: user)
        return .ok(.init(body: .json(try .init(company))))
    }
}

extension Components.Schemas.CompanyInvitation {
    init(_ invitation: CompanyInvitation, company: Company) throws {
        self.init(id: try invitation.requireID().uuidString.lowercased(), company: company.legalName, email: invitation.email,
                  createdAt: invitation.createdAt)
    }
}
