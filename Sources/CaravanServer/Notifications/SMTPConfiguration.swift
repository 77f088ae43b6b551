import Foundation

/// Where e-mail goes when it goes by SMTP, read from `CARAVAN_SMTP_URL`:
/// `smtp://user:password@host:587?from=noreply@example.org&starttls=required` (or `smtps://` for TLS from the
/// first byte). The user and password are optional; `from` is not.
public struct SMTPConfiguration: Sendable, Equatable {
    /// How the connection is protected.
    public enum Security: String, Sendable, Equatable {
        /// STARTTLS, and a server that does not offer it is refused (the default: credentials and mail stay private).
        case startTLSRequired = "required"
        /// STARTTLS when the server offers it, plain text otherwise.
        case startTLSOptional = "optional"
        /// Plain text throughout (a relay on the same machine).
        case off
        /// TLS from the first byte (`smtps://`, port 465).
        case implicitTLS = "smtps"
    }

    public var host: String
    public var port: Int
    public var username: String?
    public var password: String?
    /// The envelope sender and the `From` header.
    public var from: String
    public var security: Security
    /// The longest any one step of a conversation (connecting, each reply) may take before the send fails.
    public var timeout: Duration = .seconds(30)

    public init(host: String, port: Int, username: String? = nil, password: String? = nil, from: String,
                security: Security) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.from = from
        self.security = security
    }

    /// The credentials, when both a user and a password are given.
    var credentials: (username: String, password: String)? {
        guard let username, let password else { return nil }
        return (username, password)
    }
}

extension SMTPConfiguration {
    static let variable = "CARAVAN_SMTP_URL"

    /// Parses an `smtp://` or `smtps://` URL; the message of a bad one names the variable and never the password.
    public static func parse(_ raw: String) throws(ConfigurationError) -> SMTPConfiguration {
        func problem(_ text: String) -> ConfigurationError { ConfigurationError(variable: variable, problem: text) }
        guard let components = URLComponents(string: raw), let scheme = components.scheme?.lowercased() else {
            // Not repeated: a value that is not a URL cannot have its password hidden.
            throw problem("the value is not a URL (e.g. smtp://user:password@mail.example.org:587?from=noreply@example.org)")
        }
        guard scheme == "smtp" || scheme == "smtps" else {
            throw problem("scheme '\(scheme)' is not supported; use smtp:// (STARTTLS) or smtps:// (TLS from the start)")
        }
        guard let host = components.host, !host.isEmpty else { throw problem("the URL needs a host") }
        guard components.path.isEmpty || components.path == "/" else { throw problem("the URL takes no path") }

        var parameters: [String: String] = [:]
        for item in components.queryItems ?? [] {
            guard ["from", "starttls"].contains(item.name) else {
                throw problem("unknown parameter '\(item.name)'; the URL takes from= and starttls=")
            }
            guard parameters[item.name] == nil else { throw problem("'\(item.name)' is given twice") }
            parameters[item.name] = item.value ?? ""
        }
        guard let from = parameters["from"], isPlainAddress(from) else {
            throw problem("from= must be the sender's address (e.g. ?from=noreply@example.org)")
        }

        let security: Security
        switch (scheme, parameters["starttls"]) {
        case ("smtps", nil): security = .implicitTLS
        case ("smtps", _): throw problem("starttls= is for smtp://; smtps:// is TLS from the start")
        case (_, nil): security = .startTLSRequired
        case (_, let value?):
            guard let chosen = Security(rawValue: value), chosen != .implicitTLS else {
                throw problem("starttls= is required, optional or off, not '\(value)'")
            }
            security = chosen
        }

        let port = components.port ?? (scheme == "smtps" ? 465 : 587)
        guard (1...65535).contains(port) else { throw problem("port \(port) is out of range") }
        // URLComponents hands back user and password percent-decoded: a password may hold '@' or ':' as %40 / %3A.
        let username = components.user.flatMap { $0.isEmpty ? nil : $0 }
        let password = components.password.flatMap { $0.isEmpty ? nil : $0 }
        guard (username == nil) == (password == nil) else {
            throw problem("give both a user and a password, or neither")
        }
        return SMTPConfiguration(host: host, port: port, username: username, password: password, from: from, security: security)
    }

    /// An address the envelope and the header can carry as it is: one `@`, no spaces, brackets or line breaks.
    static func isPlainAddress(_ address: String) -> Bool {
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { return false }
        return !address.contains { $0.isWhitespace || $0.isNewline || "<>()[],;:\"\\".contains($0) }
    }
}
