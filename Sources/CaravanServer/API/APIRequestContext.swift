import Vapor

/// The Vapor request behind the OpenAPI handler that is running, so handlers can reach the database,
/// the caller's language and the `Authorization` header.
enum APIRequestContext {
    @TaskLocal static var request: Request?

    static var current: Request {
        guard let request else {
            preconditionFailure("APIRequestContextMiddleware wraps every API route")
        }
        return request
    }
}

struct APIRequestContextMiddleware: AsyncMiddleware {
    /// The largest JSON body the API takes. The generated handlers read bodies as streams, so the
    /// route-level limit does not apply; this does, before anything is read.
    static let maximumBody = 64 * 1024

    /// A residency application carries its photo (2 MB, in base64).
    static let residencyApplicationBody = 3 * 1024 * 1024

    /// 20,000 ceiling rows of about 60 bytes.
    static let grantCeilingsBody = 2 * 1024 * 1024

    /// A document upload is the one API body that is a file; a residency application carries a photo.
    static func limit(for request: Request) -> Int {
        if request.url.path.hasPrefix("/api/v1/permit-cases/") && request.url.path.hasSuffix("/documents") { return PermitDocumentRules.maximumBytes }
        if request.url.path == "/api/v1/me/residency/application" { return residencyApplicationBody }
        // A grant round's ceilings: up to 20,000 rows (every programme by every country) in one replacement.
        if request.url.path.hasPrefix("/api/v1/grants/rounds/") && request.url.path.hasSuffix("/ceilings") { return grantCeilingsBody }
        return maximumBody
    }

    /// The operations whose body is optional: applying to a vacancy (a note) and marking notices read (ids).
    static func takesNoBody(_ request: Request) -> Bool {
        request.method == .POST && (request.url.path.hasSuffix("/applications") || request.url.path.hasSuffix("/me/notifications/read"))
    }

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let limit = Self.limit(for: request)
        if let length = request.headers.first(name: .contentLength).flatMap(Int.init), length > limit {
            throw AppError.payloadTooLarge
        }
        if request.headers.first(name: .contentLength) == nil, request.body.data == nil,
           [.POST, .PUT, .PATCH].contains(request.method) {
            // A chunked body has no length up front: read it within the limit (413 past it).
            _ = try await request.body.collect(max: limit).get()
        }
        var request = request
        if [.POST, .PUT, .PATCH].contains(request.method), request.headers.contentType == nil,
           (request.body.data?.readableBytes ?? 0) == 0, Self.takesNoBody(request) {
            // No body at all where the body is optional: taken as absent rather than "not JSON" (400). A required body
            // that is missing stays a 400.
            var headers = request.headers
            headers.contentType = .json
            headers.replaceOrAdd(name: .contentLength, value: "2")
            let empty = Request(
                application: request.application, method: request.method, url: request.url, version: request.version,
                headers: headers, collectedBody: ByteBuffer(string: "{}"), remoteAddress: request.remoteAddress,
                logger: request.logger, on: request.eventLoop
            )
            empty.parameters = request.parameters
            empty.route = request.route
            empty.storage = request.storage
            request = empty
        }
        return try await APIRequestContext.$request.withValue(request) { [request] in
            try await next.respond(to: request)
        }
    }
}

extension Request {
    /// The account of the bearer token on this request, or the reason there is none.
    func bearerUser() async throws -> (User, APIToken) {
        guard let bearer = headers.bearerAuthorization else {
            throw AppError.unauthorized(code: "authentication-required")
        }
        return try await accounts.user(forToken: bearer.token)
    }
}
