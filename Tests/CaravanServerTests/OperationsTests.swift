import CaravanDomain
@testable import CaravanServer
import Foundation
import Logging
import Testing
import Vapor
import VaporTesting

@Suite struct OperationsTests {
    @Test func healthReportsTheDatabase() async throws {
        try await withTestApp { app in
            let response = try await app.sendRequest(.GET, "/health")
            #expect(response.status == .ok)
            #expect(response.text.contains(#""database":"up""#))
        }
    }

    @Test func healthIs503WhenTheDatabaseIsUnreachable() async throws {
        // Port 1 on loopback: nothing listens there, so every connection is refused at once.
        let unreachable = AppConfiguration.Database.postgres(URL(string: "postgres://caravan:x@127.0.0.1:1/caravan")!)
        try await withTestApp(migrate: false, database: unreachable) { app in
            let response = try await app.sendRequest(.GET, "/health")
            #expect(response.status == .serviceUnavailable)
            #expect(response.text.contains(#""database":"down""#))
        }
    }

    @Test func metricsCountRequestsByRouteAndStatus() async throws {
        try await withTestApp { app in
            _ = try await app.sendRequest(.GET, "/health")
            _ = try await app.api(.GET, "/me")
            let metrics = try await app.sendRequest(.GET, "/metrics")
            #expect(metrics.status == .ok)
            #expect(metrics.text.contains(#"http_requests_total{method="GET",path="/health",status="200"}"#))
            #expect(metrics.text.contains(#"path="/api/v1/me",status="401""#))
            #expect(metrics.text.contains("http_request_duration_seconds"))
        }
    }

    @Test func theAPIDocumentIsServed() async throws {
        try await withTestApp { app in
            let response = try await app.sendRequest(.GET, "/api/v1/openapi.yaml")
            #expect(response.status == .ok)
            #expect(response.text.hasPrefix("openapi: 3.1.0"))
            #expect(response.text.contains("/sessions/current"))
        }
    }
}

@Suite struct ConfigurationTests {
    @Test func defaultsPointAtASQLiteFileInTheDataFolder() throws {
        let configuration = try AppConfiguration.parse(environment: [:], currentDirectory: "/srv/caravan")
        #expect(configuration.database == .sqliteFile("/srv/caravan/data/caravan.sqlite"))
        #expect(configuration.dataDirectory.path == "/srv/caravan/data")
        #expect(configuration.baseURL.absoluteString == "http://localhost:8080")
        #expect(configuration.usesTLS == false)
    }

    @Test func readsEveryVariable() throws {
        let configuration = try AppConfiguration.parse(environment: [
            "DATABASE_URL": "postgres://caravan:secret@db.internal:5432/caravan",
            "CARAVAN_DATA_DIR": "/var/lib/caravan",
            "CARAVAN_BASE_URL": "https://caravan.example.org",
            "LOG_LEVEL": "warning",
            "CARAVAN_MATCH_CACHE_MB": "0",
        ])
        #expect(configuration.database == .postgres(URL(string: "postgres://caravan:secret@db.internal:5432/caravan")!))
        #expect(configuration.dataDirectory.path == "/var/lib/caravan")
        #expect(configuration.usesTLS)
        #expect(configuration.logLevel == .warning)
        #expect(configuration.matchCacheMegabytes == 0)
        #expect(try AppConfiguration.parse(environment: [:]).matchCacheMegabytes == 32)
    }

    @Test(arguments: [
        ("DATABASE_URL", "mysql://x@y/z", "scheme 'mysql' is not supported"),
        ("DATABASE_URL", "postgres://user:hunter2@/db", "needs a host"),
        ("DATABASE_URL", "postgres://user:hunter2@host", "needs a database name"),
        ("CARAVAN_BASE_URL", "ftp://x", "is not an http:// or https:// address"),
        ("LOG_LEVEL", "loud", "'loud' is not one of trace, debug"),
        ("CARAVAN_BCRYPT_COST", "99", "not a whole number from 4 to 16"),
        ("CARAVAN_MATCH_CACHE_MB", "lots", "not a whole number from 0 to 4096"),
        ("CARAVAN_MATCH_CACHE_MB", "-1", "not a whole number from 0 to 4096"),
    ])
    func aBadValueNamesTheVariableAndTheProblem(variable: String, value: String, problem: String) {
        do {
            _ = try AppConfiguration.parse(environment: [variable: value])
            Issue.record("\(variable)=\(value) was accepted")
        } catch {
            #expect(error.variable == variable)
            #expect(error.description.contains(problem), "\(error.description)")
            #expect(!error.description.contains("hunter2"))
        }
    }
}
