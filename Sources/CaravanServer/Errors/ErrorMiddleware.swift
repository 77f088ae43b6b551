import CaravanDomain
import Foundation
import LeafKit
import OpenAPIRuntime
import Vapor

/// The one place errors become responses: problem+json under `/api`, an error page elsewhere,
/// in the caller's language. Unexpected errors are logged as critical with their type only (a database
/// error's text can quote the row it refused, and rows hold personal data), and answered with a plain 500.
struct CaravanErrorMiddleware: Middleware {
    /// On the event loop: a request that succeeds passes through without starting a task; only a failure is
    /// answered in one (its page may render a template).
    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        next.respond(to: request).flatMapError { error in
            request.eventLoop.makeFutureWithTask { await self.answer(error, for: request) }
        }
    }

    /// The response for a request that failed with `error`.
    func answer(_ error: any Error, for request: Request) async -> Response {
        if let abort = error as? Abort, (300..<400).contains(abort.status.code) {
            // A page's "go there instead" (e.g. register your company first) is a redirect, not a failure.
            return Response(status: abort.status, headers: abort.headers)
        }
        let appError = classify(error, for: request)
        if appError == nil {
            var metadata: Logger.Metadata = ["error.type": "\(type(of: unwrap(error)))"]
            // A template error names a template and a line, never a person's data: worth logging whole.
            if let leaf = unwrap(error) as? LeafError { metadata["error.reason"] = "\(leaf)" }
            // SQLite's result code ("constraint") without its message, which can quote a refused row's values; and
            // the route it failed on (its pattern, never the values in the path).
            if let code = Self.sqliteCode(of: unwrap(error)) { metadata["error.code"] = .string(code) }
            metadata["request.route"] = .string(request.route?.description ?? "?")
            request.logger.critical("unhandled error", metadata: metadata)
        }
        do {
            return try await render(appError, for: request)
        } catch {
            // The error page itself failed (a broken template): answer in plain text rather than not at all.
            request.logger.critical("error page failed", metadata: ["error.type": "\(type(of: error))"])
            let status = appError?.status ?? .internalServerError
            return Response(status: status, body: .init(string: "\(status.code) \(status.reasonPhrase)\n"))
        }
    }

    /// Unwraps the OpenAPI runtime's wrapper to the error a handler threw.
    private func unwrap(_ error: any Error) -> any Error {
        if let serverError = error as? ServerError { return unwrap(serverError.underlyingError) }
        return error
    }

    /// The `AppError` an error means, or `nil` for a fault of ours.
    private func classify(_ error: any Error, for request: Request) -> AppError? {
        let error = unwrap(error)
        switch error {
        case let appError as AppError:
            return appError
        case let failure as ValidationFailure:
            return .validation(failure)
        case is RouteNotFound:
            let allowed = RouteTable.methods(matching: request.url.path, in: request.application.routes)
            return allowed.isEmpty ? .notFound : .methodNotAllowed(allowed: allowed)
        case let decoding as DecodingError:
            return Self.validation(from: decoding) ?? .malformedRequest
        case let abort as any AbortError:
            switch abort.status {
            case .notFound: return .notFound
            case .payloadTooLarge: return .payloadTooLarge
            case .unauthorized: return .unauthorized(code: "authentication-required")
            case .forbidden: return .forbidden
            case .methodNotAllowed: return .methodNotAllowed(allowed: [])
            case .unsupportedMediaType, .badRequest, .unprocessableEntity: return .malformedRequest
            default: return abort.status.code < 500 ? .malformedRequest : nil
            }
        default:
            // The OpenAPI runtime reports a body or parameter it could not decode with its own error types;
            // they are client errors whatever their name.
            let name = String(describing: type(of: error))
            if name.contains("DecodingError") || name.contains("RuntimeError") { return .malformedRequest }
            // No database connection came free in time (the pool's timeout): the server is busy, not broken.
            if name == "ConnectionPoolTimeoutError" { return .busy(retryAfter: 5) }
            // Nor did the database's lock within its wait (`writeTransaction`'s busy timeout).
            if let code = Self.sqliteCode(of: error), code.hasPrefix("busy") || code.hasPrefix("locked") {
                return .busy(retryAfter: 5)
            }
            return nil
        }
    }

    /// A `SQLiteError`'s result code ("busy", "busyInSnapshot", "constraint"): an enum case without its message.
    /// Read by name, so this module needs no import of SQLiteNIO.
    static func sqliteCode(of error: any Error) -> String? {
        guard String(describing: type(of: error)) == "SQLiteError",
              let reason = Mirror(reflecting: error).children.first(where: { $0.label == "reason" })?.value,
              Mirror(reflecting: reason).displayStyle == .enum else { return nil }
        let code = String(describing: reason)
        // A case with a payload would print it; SQLite's codes have none.
        return code.contains("(") ? nil : code
    }

    /// A missing or mistyped JSON field is a field error the client can show, not just "bad request".
    static func validation(from error: DecodingError) -> AppError? {
        func field(_ path: [any CodingKey]) -> String? {
            path.last { $0.intValue == nil }?.stringValue
        }
        switch error {
        case .keyNotFound(let key, let context):
            let name = field(context.codingPath + [key]) ?? key.stringValue
            return .validation(ValidationFailure(field: name, code: "field.required"))
        case .valueNotFound(_, let context):
            guard let name = field(context.codingPath) else { return nil }
            return .validation(ValidationFailure(field: name, code: "field.required"))
        case .typeMismatch(_, let context):
            guard let name = field(context.codingPath) else { return nil }
            return .validation(ValidationFailure(field: name, code: "field.type"))
        default:
            return nil
        }
    }

    private func render(_ error: AppError?, for request: Request) async throws -> Response {
        let status = error?.status ?? .internalServerError
        let slug = error?.slug ?? "internal"
        let isAPI = request.url.path.hasPrefix("/api/")
        let response: Response
        var detailArguments: [String: String] = [:]
        var current: String?
        if case .stageConflict(let stage)? = error {
            current = stage
            // Permit cases report their status (`permit.in_review`); applications their stage.
            detailArguments["stage"] = stage.hasPrefix("permit.")
                ? request.t("permit.status.\(stage.dropFirst("permit.".count))") : request.t("stage.\(stage)")
        }
        if isAPI || !(request.headers.accept.mediaTypes.contains(.html) || request.headers.accept.isEmpty) {
            var fieldErrors: [Problem.FieldError]?
            if case .validation(let failure)? = error {
                fieldErrors = failure.errors.map {
                    Problem.FieldError(field: $0.field, code: $0.code, message: request.message(for: $0))
                }
            }
            if case .passwordRejected(let failure)? = error {
                fieldErrors = failure.errors.map {
                    Problem.FieldError(field: $0.field, code: $0.code, message: request.message(for: $0))
                }
            }
            if case .approvalBlocked(let rules)? = error {
                fieldErrors = rules.map {
                    Problem.FieldError(field: "decision.\($0.person)", code: $0.rule, message: request.blockedRuleText($0))
                }
            }
            var problem = Problem(
                type: "urn:caravan:problem:\(slug)",
                title: request.t("problem.\(slug).title"),
                status: Int(status.code),
                detail: request.t("problem.\(slug).detail", detailArguments),
                errors: fieldErrors,
                currentStage: current
            )
            if case .slotFull(let next)? = error { problem.nextFreeSlots = request.freeSlotTexts(next) }
            var headers = HTTPHeaders()
            headers.contentType = Problem.mediaType
            response = Response(status: status, headers: headers, body: .init(data: try Problem.encoder.encode(problem)))
        } else {
            var detail = request.t("problem.\(slug).detail", detailArguments)
            if case .approvalBlocked(let rules)? = error { detail = request.blockedApprovalsText(rules) }
            if case .slotFull(let next)? = error, !next.isEmpty {
                detail += " " + request.t("centre.nextFreeList", ["slots": request.freeSlotTexts(next).map(\.label).joined(separator: "; ")])
            }
            let page = ErrorPage(
                layout: try PageLayout(request: request, titleKey: "problem.\(slug).title"),
                status: Int(status.code),
                detail: detail
            )
            response = try await request.view.render("error", page).encodeResponse(status: status, for: request)
        }
        for (name, value) in error?.headers ?? [:] {
            response.headers.replaceOrAdd(name: name, value: value)
        }
        response.headers.replaceOrAdd(name: .contentLanguage, value: request.language.rawValue)
        return response
    }
}

/// RFC 9457 problem details, as the API documents them.
struct Problem: Codable {
    static let mediaType = HTTPMediaType(type: "application", subType: "problem+json", parameters: ["charset": "utf-8"])
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    struct FieldError: Codable {
        let field: String
        let code: String
        let message: String
    }

    let type: String
    let title: String
    let status: Int
    let detail: String?
    let errors: [FieldError]?
    /// With `stage-conflict`: the stage the thing is in now.
    var currentStage: String? = nil
    /// With `centre-slot-full`: the next starts that fit, soonest first.
    var nextFreeSlots: [NextFreeSlot]? = nil

    struct NextFreeSlot: Codable {
        /// RFC 3339, UTC: what to send back as `start`.
        let start: String
        /// On the centre's clock, the clock named.
        let label: String
    }
}

struct ErrorPage: Encodable {
    let layout: PageLayout
    let status: Int
    let detail: String
}

/// Which methods the router knows for a path, to tell a wrong method (405) from a wrong path (404).
enum RouteTable {
    static func methods(matching path: String, in routes: Routes) -> [HTTPMethod] {
        let segments = path.split(separator: "/").map(String.init)
        var methods: [HTTPMethod] = []
        for route in routes.all where matches(route.path, segments) && !methods.contains(route.method) {
            methods.append(route.method)
        }
        return methods
    }

    private static func matches(_ pattern: [PathComponent], _ segments: [String]) -> Bool {
        var index = 0
        for component in pattern {
            switch component {
            case .catchall: return true
            case .anything, .parameter:
                guard index < segments.count else { return false }
            case .constant(let constant):
                guard index < segments.count, segments[index] == constant else { return false }
            }
            index += 1
        }
        return index == segments.count
    }
}
