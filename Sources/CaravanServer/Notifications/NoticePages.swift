import CaravanDomain
import Fluent
import Foundation
import Vapor

/// The inbox page: every notice, newest first, in the reader's language; one button marks them read.
struct NoticePages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let signedIn = routes.grouped(SignedInOnly())
        signedIn.get(SiteURL.inbox.pathComponents, use: inbox)
        signedIn.post(SiteURL.inboxRead.pathComponents, use: markRead)
    }

    struct Item: Encodable {
        let text: String
        let at: String
        let link: String
        let unread: Bool
    }

    struct Page: Encodable {
        let layout: PageLayout
        let items: [Item]
        let unread: Int
        let readAction: String
        let pager: Pager
    }

    static let pageSize = 50

    func inbox(req: Request) async throws -> Response {
        let user = try req.auth.require(User.self)
        let paging = try Paging(req, size: Self.pageSize)
        let userID = try user.requireID()
        let (notices, unread) = try await req.notifications.inbox(of: userID, limit: paging.size, offset: paging.offset)
        let total = try await req.notifications.noticeCount(of: userID)
        let items = notices.map {
            Item(text: req.text($0.kind, $0.arguments), at: req.moment($0.createdAt),
                 link: SiteURL.safeLocalPath($0.link) ?? SiteURL.home.path, unread: $0.readAt == nil)
        }
        return try await req.renderPage("inbox", Page(
            layout: try PageLayout(request: req, titleKey: "inbox.title"), items: items, unread: unread, readAction: SiteURL.inboxRead.path,
            pager: Pager(req, paging: paging, total: total)
        ))
    }

    func markRead(req: Request) async throws -> Response {
        let user = try req.auth.require(User.self)
        try await req.notifications.markRead(nil, of: try user.requireID())
        return req.redirect(to: SiteURL.inbox.path, redirectType: .normal)
    }
}

/// Counts a signed-in person's unread notices for the navigation of the page being rendered.
struct UnreadNoticesMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if request.method == .GET, let id = request.auth.get(User.self)?.id {
            request.unreadNotices = try? await request.notifications.unreadCount(of: id)
        }
        return try await next.respond(to: request)
    }
}

extension Request {
    private struct UnreadKey: StorageKey {
        typealias Value = Int
    }

    /// Set for signed-in page views by `UnreadNoticesMiddleware`; nil elsewhere.
    var unreadNotices: Int? {
        get { storage[UnreadKey.self] }
        set { storage[UnreadKey.self] = newValue }
    }
}
