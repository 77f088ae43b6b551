import CaravanDomain
import Vapor

/// The errors Caravan answers with on purpose. Mapped once, at the edge, to problem+json or an error page.
enum AppError: Error, Sendable {
    /// 422: the content broke a rule; each field says which.
    case validation(ValidationFailure)
    /// 400: the body is not the JSON the operation takes.
    case malformedRequest
    /// 409: the request conflicts with what exists (`code` names it, e.g. `account.emailTaken`).
    case conflict(code: String)
    /// 409: a move the workflow does not allow from the stage the thing is in (named, so the caller can catch up).
    case stageConflict(current: String)
    /// 401: not signed in, or the credentials or token do not hold (`code` says which, without saying why a
    /// sign-in failed: a wrong e-mail and a wrong password answer alike).
    case unauthorized(code: String)
    /// 403: signed in, but this role may not.
    case forbidden
    /// 403: a step that asks for the password again (erasing an account) got a wrong one; the field says which.
    case passwordRejected(ValidationFailure)
    /// 403: a web form came back without this session's CSRF token (often: a form left open past sign-out).
    case csrfRejected
    /// 404: nothing here (also for things that exist but the caller may not know about).
    case notFound
    /// 410: it was here and is no more (a one-time link used or out of date); `code` names it.
    case gone(code: String)
    /// 405: the path exists with other methods.
    case methodNotAllowed(allowed: [HTTPMethod])
    /// 413: the body is larger than this endpoint takes.
    case payloadTooLarge
    /// 415: a file of a type this endpoint does not take (read from its bytes).
    case unsupportedMediaType
    /// 429: too many failed attempts; try again after `retryAfter` seconds.
    case throttled(retryAfter: Int)
    /// 503: the server could not get to the database in time (no connection free, or SQLite's write lock not
    /// within its wait, under a burst); try again after `retryAfter` seconds.
    case busy(retryAfter: Int)
    /// 409: an approval of a person whose rules have not all passed, with each person and rule in the way.
    case approvalBlocked([BlockedRule])
    /// 409: the slot (or one of a family's consecutive slots) has no free desk; the next starts that fit.
    case slotFull(next: [FreeSlot])
    /// 422: a passkey's answer (a registration or a signature) that does not verify: `code` names the check that
    /// failed (`webauthn-challenge-used`, `webauthn-origin`, `webauthn-signature`…).
    case assertionRejected(code: String)

    /// One rule standing in the way of one person's approval: the catalogue key and arguments of its finding.
    struct BlockedRule: Sendable {
        let person: String
        let name: String
        /// The rule's id in the rulebook (`entry.noBan`).
        let rule: String
        let key: String
        let arguments: [String: String]
    }

    var status: HTTPResponseStatus {
        switch self {
        case .validation, .assertionRejected: .unprocessableEntity
        case .malformedRequest: .badRequest
        case .conflict, .stageConflict, .approvalBlocked, .slotFull: .conflict
        case .unauthorized: .unauthorized
        case .forbidden, .csrfRejected, .passwordRejected: .forbidden
        case .notFound: .notFound
        case .gone: .gone
        case .methodNotAllowed: .methodNotAllowed
        case .payloadTooLarge: .payloadTooLarge
        case .unsupportedMediaType: .unsupportedMediaType
        case .throttled: .tooManyRequests
        case .busy: .serviceUnavailable
        }
    }

    /// A stable slug: the problem `type` is `urn:caravan:problem:<slug>` and the catalogue key `problem.<slug>`.
    var slug: String {
        switch self {
        case .validation: "validation"
        case .malformedRequest: "malformed-request"
        case .conflict(let code): code
        case .stageConflict: "stage-conflict"
        case .unauthorized(let code): code
        case .forbidden: "forbidden"
        case .passwordRejected: "password-rejected"
        case .csrfRejected: "form-expired"
        case .notFound: "not-found"
        case .gone(let code): code
        case .methodNotAllowed: "method-not-allowed"
        case .payloadTooLarge: "payload-too-large"
        case .unsupportedMediaType: "unsupported-media-type"
        case .throttled: "throttled"
        case .busy: "busy"
        case .approvalBlocked: "permit-approval-blocked"
        case .slotFull: "centre-slot-full"
        case .assertionRejected(let code): code
        }
    }

    var headers: HTTPHeaders {
        switch self {
        case .throttled(let seconds), .busy(let seconds): ["Retry-After": "\(seconds)"]
        case .methodNotAllowed(let allowed): ["Allow": allowed.map(\.rawValue).joined(separator: ", ")]
        case .unauthorized: ["WWW-Authenticate": "Bearer"]
        default: [:]
        }
    }
}
