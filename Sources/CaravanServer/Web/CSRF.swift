import Crypto
import Foundation
import Vapor

/// Synchroniser-token CSRF protection: every form carries the session's token, every unsafe web request
/// must send it back. (SameSite=Lax cookies already stop most cross-site posts; this stops the rest.)
struct CSRFMiddleware: AsyncMiddleware {
    static let fieldName = "csrf"

    /// The largest form the web pages take; more is refused with 413 before it is read.
    static let maximumBody = 64 * 1024

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard [.POST, .PUT, .PATCH, .DELETE].contains(request.method) else {
            return try await next.respond(to: request)
        }
        // Read the body here, within the limit, so the token can be checked before any handler runs.
        // A document upload is the one form that carries a file.
        let limit = PermitDocumentRules.isUploadPath(request.url.path) ? PermitDocumentRules.maximumRequestBytes
            : ResidencyPages.isUploadPath(request.url.path) ? ResidencyPages.applicationBodyLimit : Self.maximumBody
        _ = try await request.body.collect(max: limit).get()
        let sent = try? request.content.get(String.self, at: Self.fieldName)
        guard let expected = request.session.data[Self.fieldName], let sent,
              Self.constantTimeEqual(Array(sent.utf8), Array(expected.utf8))
        else {
            throw AppError.csrfRejected
        }
        return try await next.respond(to: request)
    }

    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }
}

extension Request {
    /// This session's CSRF token, made on first use.
    var csrfToken: String {
        if let token = session.data[CSRFMiddleware.fieldName] { return token }
        let token = application.dependencies.newToken()
        session.data[CSRFMiddleware.fieldName] = token
        return token
    }
}

/// Marks that the sessions middleware ran for this request, so code that may run before it
/// (an error page for a failure in an earlier middleware) can tell whether `session` is usable.
struct SessionsReadyMiddleware: Middleware {
    struct Key: StorageKey {
        typealias Value = Bool
    }

    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        request.storage[Key.self] = true
        return next.respond(to: request)
    }
}

extension Request {
    var sessionsReady: Bool { storage[SessionsReadyMiddleware.Key.self] ?? false }
}
