import Foundation

/// A request to open an account, checked field by field.
public struct SignUpRequest: Sendable {
    public var email: String
    public var password: String
    public var displayName: String
    public var role: String
    public var language: String?
    /// The version of the consent text (152-FZ, art. 9) the person agreed to; nil when they did not tick it.
    public var consent: String?

    public init(email: String, password: String, displayName: String, role: String, language: String? = nil, consent: String? = nil) {
        self.email = email
        self.password = password
        self.displayName = displayName
        self.role = role
        self.language = language
        self.consent = consent
    }
}

/// A sign-up that passed every rule; only this can become an account.
public struct ValidSignUp: Sendable {
    public let email: EmailAddress
    public let password: String
    public let displayName: String
    public let role: Role
    public let language: LanguageCode
    /// The consent text's version the person agreed to (nil for an account an admin made for staff).
    public let consent: String?
}

/// Consent to the processing of personal data (Federal Law 152-FZ, art. 9): a person signing up agrees to one
/// version of the text; the version is recorded with them, and a new text gets a new version.
public enum PersonalDataConsent {
    /// The version of the text the sign-up page shows now.
    public static let currentVersion = "2026.1"
}

public enum SignUpRules {
    /// NIST SP 800-63B asks for at least 8; 10 keeps a family's shared phone PIN out.
    public static let passwordMinimum = 10
    /// Counted in Unicode scalars, as JSON Schema's `minLength`/`maxLength` count. bcrypt reads at most 72 bytes:
    /// a longer password is given to it as its SHA-256 digest (the server's concern, not a rule for people).
    public static let passwordMaximum = 128
    public static let displayNameMaximum = 120

    /// Checks a sign-up. `allowedRoles` is the policy's answer to who may be created by whom;
    /// `languages` are the catalogues that exist.
    ///
    /// `requiresConsent`: a person signing themselves up must agree to the current consent text; an admin making
    /// a staff account (whose processing rests on their employment) does not ask.
    public static func validate(
        _ request: SignUpRequest,
        allowedRoles: Set<Role>,
        languages: Set<LanguageCode>,
        defaultLanguage: LanguageCode,
        requiresConsent: Bool = false
    ) throws(ValidationFailure) -> ValidSignUp {
        var validator = Validator()
        let email = EmailAddress(request.email)
        if request.email.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            validator.add("email", "email.required")
        } else if email == nil {
            validator.add("email", "email.invalid")
        }
        validatePassword(request.password, email: email, into: &validator)

        let name = request.displayName.trimmingCharacters(in: .whitespacesAndNewlines)
        if name.isEmpty {
            validator.add("displayName", "displayName.required")
        } else if name.unicodeScalars.count > displayNameMaximum {
            validator.add("displayName", "displayName.tooLong", ["max": "\(displayNameMaximum)"])
        } else if name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            validator.add("displayName", "displayName.invalid")
        }

        let role = Role(rawValue: request.role)
        if role == nil {
            validator.add("role", "role.unknown")
        } else if !allowedRoles.contains(role!) {
            validator.add("role", "role.notAllowed")
        }

        var language = defaultLanguage
        if let raw = request.language, !raw.isEmpty {
            if let code = LanguageCode(rawValue: raw), languages.contains(code) {
                language = code
            } else {
                validator.add("language", "language.unsupported")
            }
        }
        let consent = request.consent?.trimmingCharacters(in: .whitespaces) ?? ""
        if requiresConsent {
            if consent.isEmpty {
                validator.add("consent", "consent.required")
            } else if consent != PersonalDataConsent.currentVersion {
                validator.add("consent", "consent.outdated", ["version": PersonalDataConsent.currentVersion])
            }
        }
        try validator.check()
        return ValidSignUp(email: email!, password: request.password, displayName: name, role: role!, language: language,
                           consent: requiresConsent ? consent : nil)
    }

    public static func validatePassword(_ password: String, email: EmailAddress?, into validator: inout Validator) {
        if password.unicodeScalars.count < passwordMinimum {
            validator.add("password", "password.tooShort", ["min": "\(passwordMinimum)"])
        } else if password.unicodeScalars.count > passwordMaximum {
            validator.add("password", "password.tooLong", ["max": "\(passwordMaximum)"])
        } else if let email, password.lowercased() == email.value {
            validator.add("password", "password.sameAsEmail")
        }
    }
}
