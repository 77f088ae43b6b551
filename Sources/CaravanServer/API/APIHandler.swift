import CaravanDomain
import Fluent
import Foundation
import OpenAPIRuntime
import Vapor

/// The API as `openapi.yaml` describes it. Each operation parses, calls the same services as the pages,
/// and maps the result; errors are thrown and become problem+json in `CaravanErrorMiddleware`.
struct APIHandler: APIProtocol {
    func createAccount(_ input: Operations.CreateAccount.Input) async throws -> Operations.CreateAccount.Output {
        let req = APIRequestContext.current
        guard case .json(let body) = input.body else { throw AppError.malformedRequest }
        let user = try await req.accounts.create(
            SignUpRequest(
                email: body.email, password: body.password, displayName: body.displayName,
                role: body.role, language: body.language ?? req.language.rawValue, consent: body.consent
            ),
            by: nil
        )
        return .created(.init(body: .json(try Components.Schemas.Account(user))))
    }

    func createSession(_ input: Operations.CreateSession.Input) async throws -> Operations.CreateSession.Output {
        let req = APIRequestContext.current
        guard case .json(let body) = input.body else { throw AppError.malformedRequest }
        let user = try await req.accounts.authenticate(email: body.email, password: body.password, address: req.clientAddress)
        let issued = try await req.accounts.issueToken(for: user)
        return .created(.init(body: .json(.init(
            token: issued.token, tokenType: .bearer, expiresAt: issued.expiresAt, account: try .init(user)
        ))))
    }

    func deleteCurrentSession(_ input: Operations.DeleteCurrentSession.Input) async throws -> Operations.DeleteCurrentSession.Output {
        let req = APIRequestContext.current
        let (_, token) = try await req.bearerUser()
        try await req.accounts.revoke(token)
        return .noContent(.init())
    }

    func getMe(_ input: Operations.GetMe.Input) async throws -> Operations.GetMe.Output {
        let (user, _) = try await APIRequestContext.current.bearerUser()
        return .ok(.init(body: .json(try .init(user))))
    }
}

extension Components.Schemas.Account {
    init(_ user: User) throws {
        guard let role = Components.Schemas.Role(rawValue: user.role) else { throw AppError.forbidden }
        self.init(
            id: try user.requireID().uuidString.lowercased(), email: user.email, displayName: user.displayName,
            role: role, language: user.language, createdAt: user.createdAt ?? Date(timeIntervalSince1970: 0)
        )
    }
}

extension APIHandler {
    func requestPasswordReset(_ input: Operations.RequestPasswordReset.Input) async throws -> Operations.RequestPasswordReset.Output {
        let req = APIRequestContext.current
        guard case .json(let body) = input.body else { throw AppError.malformedRequest }
        try await req.passwordResets.request(email: body.email, address: req.clientAddress, language: req.language)
        return .accepted(.init())
    }

    func completePasswordReset(_ input: Operations.CompletePasswordReset.Input) async throws -> Operations.CompletePasswordReset.Output {
        let req = APIRequestContext.current
        guard case .json(let body) = input.body else { throw AppError.malformedRequest }
        // The schema's bounds, held here: the generated code does not check lengths.
        guard (1...200).contains(body.token.unicodeScalars.count) else {
            throw AppError.validation(ValidationFailure(field: "token", code: body.token.isEmpty ? "field.required" : "text.tooLong", arguments: ["max": "200"]))
        }
        guard body.password.unicodeScalars.count <= 1000 else {
            throw AppError.validation(ValidationFailure(field: "password", code: "text.tooLong", arguments: ["max": "1000"]))
        }
        try await req.passwordResets.complete(token: body.token, password: body.password)
        return .noContent(.init())
    }
}
