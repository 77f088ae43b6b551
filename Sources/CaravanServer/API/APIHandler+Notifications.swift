import CaravanDomain
import Fluent
import Foundation
import OpenAPIRuntime
import Vapor

extension APIHandler {
    func listNotifications(_ input: Operations.ListNotifications.Input) async throws -> Operations.ListNotifications.Output {
        let req = APIRequestContext.current
        let (user, _) = try await req.bearerUser()
        let limit = input.query.limit ?? 50
        guard (1...200).contains(limit) else {
            throw AppError.validation(ValidationFailure(field: "limit", code: "limit.range", arguments: ["max": "200"]))
        }
        let (notices, unread) = try await req.notifications.inbox(of: try user.requireID(), limit: limit)
        return .ok(.init(body: .json(.init(unread: unread, notifications: try notices.map {
            .init(id: try $0.requireID().uuidString.lowercased(), kind: $0.kind, text: req.t($0.kind, $0.arguments),
                  link: $0.link, createdAt: $0.createdAt, read: $0.readAt != nil)
        }))))
    }

    func markNotificationsRead(_ input: Operations.MarkNotificationsRead.Input) async throws -> Operations.MarkNotificationsRead.Output {
        let req = APIRequestContext.current
        let (user, _) = try await req.bearerUser()
        var ids: [UUID]?
        if case .json(let body)? = input.body, let raw = body.ids {
            guard raw.count <= 500 else {
                throw AppError.validation(ValidationFailure(field: "ids", code: "list.tooMany", arguments: ["max": "500"]))
            }
            let parsed = raw.compactMap(UUID.init(uuidString:))
            guard parsed.count == raw.count else {
                throw AppError.validation(ValidationFailure(field: "ids", code: "field.type"))
            }
            ids = parsed
        }
        try await req.notifications.markRead(ids, of: try user.requireID())
        return .noContent(.init())
    }
}
