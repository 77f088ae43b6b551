import Logging

/// Wraps the real log handler and drops what would carry personal data: the database libraries log every
/// query with its values at `debug` and `trace` ("Running query … email: …"), which would put e-mail
/// addresses and passport numbers into logs the moment someone turns debugging on.
/// Vapor's own trace lines are dropped too: they print request heads, bearer tokens and cookies included.
/// Their warnings and errors (a lost connection, a failed migration) still pass.
public struct PrivacyLogHandler: LogHandler {
    /// The `source` of the libraries whose chatty levels echo row values.
    static let databaseSources: Set<String> = ["FluentKit", "SQLKit", "SQLiteNIO", "SQLiteKit", "PostgresNIO", "PostgresKit", "FluentSQLiteDriver", "FluentPostgresDriver"]

    private var inner: any LogHandler

    public init(wrapping inner: any LogHandler) {
        self.inner = inner
    }

    public var metadata: Logger.Metadata {
        get { inner.metadata }
        set { inner.metadata = newValue }
    }

    public var logLevel: Logger.Level {
        get { inner.logLevel }
        set { inner.logLevel = newValue }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { inner[metadataKey: key] }
        set { inner[metadataKey: key] = newValue }
    }

    public func log(event: LogEvent) {
        if event.level <= .debug, Self.databaseSources.contains(event.source) { return }
        // Vapor's trace lines print whole request heads: `Authorization: Bearer …` and session cookies.
        if event.level == .trace, event.source == "Vapor" || event.source == "NIOHTTP1" { return }
        inner.log(event: event)
    }
}
