import Foundation
import Vapor

/// The outside world, injected: tests replace the clock and the token source to move time and
/// predict values; production uses the system's.
public struct Dependencies: Sendable {
    /// Now. Deadlines, token expiry and throttling all read this and nothing else.
    public var now: @Sendable () -> Date
    /// A new secret token (URL-safe, 256 bits of entropy from the system's generator).
    public var newToken: @Sendable () -> String

    /// Where e-mail goes; by default a line in the log with nothing personal in it.
    public var mailSender: (@Sendable (Logger) -> any MailSender)

    public init(
        now: @escaping @Sendable () -> Date, newToken: @escaping @Sendable () -> String,
        mailSender: @escaping @Sendable (Logger) -> any MailSender = { LogMailSender(logger: $0) }
    ) {
        self.now = now
        self.newToken = newToken
        self.mailSender = mailSender
    }

    public static let live = Dependencies(
        now: { Date() },
        newToken: {
            var generator = SystemRandomNumberGenerator()
            let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
            return Data(bytes).base64EncodedString()
                .replacingOccurrences(of: "+", with: "-")
                .replacingOccurrences(of: "/", with: "_")
                .replacingOccurrences(of: "=", with: "")
        }
    )
}

extension Dependencies {
    /// The live world, except that `CARAVAN_CLOCK_START` (RFC 3339), when set, starts the server's clock at that
    /// moment and lets it run on from there: for demos and browser journeys that need a given day (a centre's
    /// open Monday morning), never for a real installation.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Dependencies {
        guard let text = environment["CARAVAN_CLOCK_START"], !text.isEmpty else { return .live }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        guard let start = formatter.date(from: text) else {
            throw ConfigurationError(variable: "CARAVAN_CLOCK_START", problem: "\(text) is not an RFC 3339 date-time (2027-03-01T08:00:00+05:00)")
        }
        let launched = Date()
        var dependencies = Dependencies.live
        dependencies.now = { start.addingTimeInterval(Date().timeIntervalSince(launched)) }
        return dependencies
    }
}

extension Application {
    private struct DependenciesKey: StorageKey {
        typealias Value = Dependencies
    }

    private struct ConfigurationKey: StorageKey {
        typealias Value = AppConfiguration
    }

    /// Set once by `configure`; reading it before is a programming error caught by every test.
    public var dependencies: Dependencies {
        get { storage[DependenciesKey.self] ?? .live }
        set { storage[DependenciesKey.self] = newValue }
    }

    public var caravanConfiguration: AppConfiguration {
        get {
            guard let configuration = storage[ConfigurationKey.self] else {
                preconditionFailure("configure(_:configuration:) sets the configuration before anything reads it")
            }
            return configuration
        }
        set { storage[ConfigurationKey.self] = newValue }
    }
}

extension Request {
    var dependencies: Dependencies { application.dependencies }
    var now: Date { application.dependencies.now() }
}
