/// One thing wrong with one field of a request. `code` is a stable catalogue key
/// (e.g. `email.invalid`); the server turns it into a message in the caller's language.
public struct FieldError: Hashable, Sendable, Codable {
    public let field: String
    public let code: String
    public let arguments: [String: String]

    public init(field: String, code: String, arguments: [String: String] = [:]) {
        self.field = field
        self.code = code
        self.arguments = arguments
    }
}

/// A request was rejected because of its content; nothing was changed.
public struct ValidationFailure: Error, Sendable, Equatable {
    public let errors: [FieldError]

    public init(_ errors: [FieldError]) {
        self.errors = errors
    }

    public init(field: String, code: String, arguments: [String: String] = [:]) {
        self.errors = [FieldError(field: field, code: code, arguments: arguments)]
    }
}

/// Collects field errors, then throws them all at once so a form shows every problem in one round.
public struct Validator: Sendable {
    public private(set) var errors: [FieldError] = []

    public init() {}

    public mutating func add(_ field: String, _ code: String, _ arguments: [String: String] = [:]) {
        errors.append(FieldError(field: field, code: code, arguments: arguments))
    }

    public func check() throws(ValidationFailure) {
        if !errors.isEmpty { throw ValidationFailure(errors) }
    }
}
