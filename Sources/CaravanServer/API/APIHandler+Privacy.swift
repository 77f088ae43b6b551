import CaravanDomain
import Fluent
import Foundation
import OpenAPIRuntime
import Vapor

/// The person's own data through the API: who looked, the export, the erasure — the same operations the account
/// page calls.
extension APIHandler {
    func listMyDataAccess(_ input: Operations.ListMyDataAccess.Input) async throws -> Operations.ListMyDataAccess.Output {
        let req = APIRequestContext.current
        let (user, _) = try await req.bearerUser()
        let limit = input.query.limit ?? DataAccessLog.maximumShown
        guard (1...DataAccessLog.maximumShown).contains(limit) else {
            throw AppError.validation(ValidationFailure(field: "limit", code: "limit.range", arguments: ["max": "\(DataAccessLog.maximumShown)"]))
        }
        let lines = try await req.dataAccess.lines(about: user, limit: limit)
        return .ok(.init(body: .json(.init(entries: lines.map { line in
            .init(readerId: line.access.readerID.uuidString.lowercased(), readerRole: line.access.readerRole,
                  readerName: line.readerName ?? req.t("privacy.formerAccount"), what: line.access.kind, document: line.access.detail,
                  context: line.access.context, contextId: line.access.contextID?.uuidString.lowercased(), at: line.access.at,
                  text: req.sentence(line))
        }))))
    }

    func exportMyData(_ input: Operations.ExportMyData.Input) async throws -> Operations.ExportMyData.Output {
        let req = APIRequestContext.current
        let (user, _) = try await req.bearerUser()
        let data = try await req.personalDataExport.archive(of: user)
        return .ok(.init(body: .applicationZip(HTTPBody(data))))
    }

    func eraseMyData(_ input: Operations.EraseMyData.Input) async throws -> Operations.EraseMyData.Output {
        let req = APIRequestContext.current
        let (user, _) = try await req.bearerUser()
        guard case .json(let body) = input.body else { throw AppError.malformedRequest }
        let outcome = try await req.erasure.erase(user, password: body.password)
        return .ok(.init(body: .json(.init(
            profileErased: outcome.profileErased, applicationsErased: outcome.applicationsErased, applicationsKept: outcome.applicationsKept,
            noticesErased: outcome.noticesErased, casesKept: outcome.casesKept
        ))))
    }
}
