import CaravanRegistry
import Foundation
import Logging

/// Everything Caravan reads from its environment, parsed once at start.
///
/// Tests build one in memory (`AppConfiguration.testing`); nothing else reads the environment.
public struct AppConfiguration: Sendable {
    public enum Database: Sendable, Equatable {
        /// A SQLite file (the default: `$CARAVAN_DATA_DIR/caravan.sqlite`).
        case sqliteFile(String)
        /// An in-memory SQLite database, gone when the process ends (tests).
        case sqliteMemory
        /// A PostgreSQL server, from a `postgres://` URL.
        case postgres(URL)
    }

    /// Where the keys that seal personal data come from (see `DataKeyring`).
    public enum DataKeys: Sendable, Equatable {
        /// A key file, made at first start when missing (default `$CARAVAN_DATA_DIR/keys/data-keys`).
        case file(URL)
        /// The lines of a key file, from `CARAVAN_DATA_KEYS` (`;` may separate them); `keys rotate` cannot add to it.
        case inline(String)
    }

    public var database: Database
    /// Uploaded documents, signing keys and the default SQLite file live here.
    public var dataDirectory: URL
    /// The keys personal data is sealed with: never in the database.
    public var dataKeys: DataKeys
    /// The address people reach Caravan at; its scheme decides whether cookies are `Secure`.
    public var baseURL: URL
    public var logLevel: Logger.Level
    /// bcrypt's work factor: 12 takes about a quarter of a second here, slow for an attacker, fine for a person.
    public var bcryptCost: Int
    /// API tokens live 30 days: long enough for a phone app, short enough that a lost one dies.
    public var tokenLifetime: TimeInterval
    /// Whether `serve` migrates first (on for real runs; tests migrate explicitly).
    public var migrateBeforeServing = true
    /// Memory for specialists' last "vacancies for me" answers, kept until their profile or the published
    /// vacancies change; 0 turns the cache off.
    public var matchCacheMegabytes = 32
    /// Digital residency: the registry's decision term in working days on the Russian production calendar.
    public var residencyDecisionWorkingDays = ResidencyRules.defaultDecisionWorkingDays
    /// Digital residency: a card's validity from approval, in years.
    public var residencyValidityYears = ResidencyRules.defaultValidityYears
    /// The company registry's decision term in working days (129-FZ art. 8: three).
    public var companyDecisionWorkingDays = CompanyDecisionRules.defaultDecisionWorkingDays
    /// How long the observatory's figures are kept before they are counted again (each page says when they were
    /// counted); 0 counts them on every request.
    public var observatoryCacheSeconds = 60
    /// Where e-mail goes: an SMTP server from `CARAVAN_SMTP_URL`, or nil for a line in the log (development).
    public var smtp: SMTPConfiguration?

    public init(
        database: Database,
        dataDirectory: URL,
        baseURL: URL,
        logLevel: Logger.Level = .info,
        bcryptCost: Int = 12,
        tokenLifetime: TimeInterval = 30 * 24 * 3600
    ) {
        self.database = database
        self.dataDirectory = dataDirectory
        dataKeys = .file(DataKeyring.defaultFile(in: dataDirectory))
        self.baseURL = baseURL
        self.logLevel = logLevel
        self.bcryptCost = bcryptCost
        self.tokenLifetime = tokenLifetime
    }

    /// Whether cookies must be marked `Secure` (only behind TLS, or browsers drop them on plain http).
    public var usesTLS: Bool { baseURL.scheme == "https" }
}

/// A configuration value that cannot be used; the message names the variable and what is wrong with it.
public struct ConfigurationError: Error, CustomStringConvertible, Equatable {
    public let variable: String
    public let problem: String

    public var description: String { "\(variable): \(problem)" }
}

extension AppConfiguration {
    /// Parses the process environment. Absent values get development defaults.
    public static func parse(
        environment: [String: String],
        currentDirectory: String = FileManager.default.currentDirectoryPath
    ) throws(ConfigurationError) -> AppConfiguration {
        func value(_ name: String) -> String? {
            guard let raw = environment[name]?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else { return nil }
            return raw
        }

        let dataPath = value("CARAVAN_DATA_DIR") ?? "./data"
        let dataDirectory = URL(
            fileURLWithPath: dataPath,
            relativeTo: URL(fileURLWithPath: currentDirectory, isDirectory: true)
        ).standardizedFileURL

        let database: Database
        if let raw = value("DATABASE_URL") {
            database = try parseDatabaseURL(raw)
        } else {
            database = .sqliteFile(dataDirectory.appendingPathComponent("caravan.sqlite").path)
        }

        var baseURL = URL(string: "http://localhost:8080")!
        if let raw = value("CARAVAN_BASE_URL") {
            guard let url = URL(string: raw), let scheme = url.scheme, ["http", "https"].contains(scheme),
                  url.host?.isEmpty == false
            else {
                throw ConfigurationError(
                    variable: "CARAVAN_BASE_URL",
                    problem: "'\(raw)' is not an http:// or https:// address (e.g. https://caravan.example.org)"
                )
            }
            baseURL = url
        }

        var logLevel = Logger.Level.info
        if let raw = value("LOG_LEVEL") {
            guard let level = Logger.Level(rawValue: raw.lowercased()) else {
                let names = Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")
                throw ConfigurationError(variable: "LOG_LEVEL", problem: "'\(raw)' is not one of \(names)")
            }
            logLevel = level
        }

        var bcryptCost = 12
        if let raw = value("CARAVAN_BCRYPT_COST") {
            // bcrypt accepts 4...31; below 10 is only for tests, above 14 makes sign-in feel broken.
            guard let cost = Int(raw), (4...16).contains(cost) else {
                throw ConfigurationError(variable: "CARAVAN_BCRYPT_COST", problem: "'\(raw)' is not a whole number from 4 to 16")
            }
            bcryptCost = cost
        }

        var configuration = AppConfiguration(
            database: database, dataDirectory: dataDirectory, baseURL: baseURL,
            logLevel: logLevel, bcryptCost: bcryptCost
        )
        if let raw = value("CARAVAN_DATA_KEYS") {
            // Read now, so a bad value stops the start with its name; the message never repeats a key.
            do { _ = try DataKeyring.parse(raw) } catch {
                throw ConfigurationError(variable: "CARAVAN_DATA_KEYS", problem: error.problem)
            }
            configuration.dataKeys = .inline(raw)
        } else if let raw = value("CARAVAN_DATA_KEYS_FILE") {
            configuration.dataKeys = .file(URL(
                fileURLWithPath: raw, relativeTo: URL(fileURLWithPath: currentDirectory, isDirectory: true)
            ).standardizedFileURL)
        }
        if let raw = value("CARAVAN_MATCH_CACHE_MB") {
            guard let megabytes = Int(raw), (0...4096).contains(megabytes) else {
                throw ConfigurationError(variable: "CARAVAN_MATCH_CACHE_MB", problem: "'\(raw)' is not a whole number from 0 to 4096")
            }
            configuration.matchCacheMegabytes = megabytes
        }
        if let raw = value("CARAVAN_RESIDENCY_DECISION_DAYS") {
            guard let days = Int(raw), (1...60).contains(days) else {
                throw ConfigurationError(variable: "CARAVAN_RESIDENCY_DECISION_DAYS", problem: "'\(raw)' is not a whole number of working days from 1 to 60")
            }
            configuration.residencyDecisionWorkingDays = days
        }
        if let raw = value("CARAVAN_RESIDENCY_VALIDITY_YEARS") {
            guard let years = Int(raw), (1...10).contains(years) else {
                throw ConfigurationError(variable: "CARAVAN_RESIDENCY_VALIDITY_YEARS", problem: "'\(raw)' is not a whole number of years from 1 to 10")
            }
            configuration.residencyValidityYears = years
        }
        if let raw = value("CARAVAN_COMPANY_DECISION_DAYS") {
            guard let days = Int(raw), (1...30).contains(days) else {
                throw ConfigurationError(variable: "CARAVAN_COMPANY_DECISION_DAYS", problem: "'\(raw)' is not a whole number of working days from 1 to 30")
            }
            configuration.companyDecisionWorkingDays = days
        }
        if let raw = value("CARAVAN_OBSERVATORY_CACHE_SECONDS") {
            guard let seconds = Int(raw), (0...3600).contains(seconds) else {
                throw ConfigurationError(variable: "CARAVAN_OBSERVATORY_CACHE_SECONDS", problem: "'\(raw)' is not a whole number of seconds from 0 to 3600")
            }
            configuration.observatoryCacheSeconds = seconds
        }
        if let raw = value(SMTPConfiguration.variable) {
            configuration.smtp = try SMTPConfiguration.parse(raw)
        }
        return configuration
    }

    static func parseDatabaseURL(_ raw: String) throws(ConfigurationError) -> Database {
        guard let url = URL(string: raw), let scheme = url.scheme?.lowercased() else {
            throw ConfigurationError(variable: "DATABASE_URL", problem: "'\(redacted(raw))' is not a URL")
        }
        switch scheme {
        case "postgres", "postgresql":
            guard url.host?.isEmpty == false else {
                throw ConfigurationError(variable: "DATABASE_URL", problem: "a postgres:// URL needs a host")
            }
            guard url.path.count > 1 else {
                throw ConfigurationError(variable: "DATABASE_URL", problem: "a postgres:// URL needs a database name after the host")
            }
            return .postgres(url)
        case "sqlite":
            let path = String(raw.dropFirst("sqlite://".count))
            if path == ":memory:" || path.isEmpty { return .sqliteMemory }
            return .sqliteFile(path)
        default:
            throw ConfigurationError(
                variable: "DATABASE_URL",
                problem: "scheme '\(scheme)' is not supported; use postgres://user:password@host:5432/database or leave it unset for SQLite"
            )
        }
    }

    /// A URL with its password hidden, for messages.
    static func redacted(_ raw: String) -> String {
        guard var components = URLComponents(string: raw), components.password != nil else { return raw }
        components.password = "***"
        return components.string ?? "(hidden)"
    }
}

extension AppConfiguration {
    /// An in-memory configuration for tests: in-memory SQLite, a temporary data folder (its key file is made at
    /// start, like any first start's), cheap bcrypt.
    public static func testing(database: Database = .sqliteMemory) -> AppConfiguration {
        var configuration = AppConfiguration(
            database: database,
            dataDirectory: FileManager.default.temporaryDirectory.appendingPathComponent("caravan-test-\(UUID().uuidString)"),
            baseURL: URL(string: "http://localhost:8080")!,
            logLevel: .warning,
            bcryptCost: 4
        )
        configuration.migrateBeforeServing = false
        configuration.observatoryCacheSeconds = 0
        return configuration
    }
}
