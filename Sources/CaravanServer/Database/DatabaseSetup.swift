import Fluent
import FluentSQL
import FluentPostgresDriver
import FluentSQLiteDriver
import Foundation
import Vapor

enum DatabaseSetup {
    /// Points Fluent at the configured database. A SQLite file's folder is created if missing.
    /// SQL is not logged (SQLite: never; PostgreSQL: only at `trace`, which is for a developer's own machine):
    /// statements carry bound values, and values are personal data.
    static func use(_ database: AppConfiguration.Database, on app: Application) throws {
        switch database {
        case .sqliteMemory:
            app.databases.use(.sqlite(.memory, sqlLogLevel: nil), as: .sqlite)
        case .sqliteFile(let path):
            let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            // Writers take turns (`writeTransaction`): under a burst a request may wait for a connection longer
            // than the pool's default 10 s, and would then fail.
            app.databases.use(.sqlite(.file(path), connectionPoolTimeout: .seconds(30), sqlLogLevel: nil), as: .sqlite)
            app.lifecycle.use(WriteAheadLog())
        case .postgres(let url):
            var configuration = try SQLPostgresConfiguration(url: url)
            // The default search_path and a name in logs make a shared server easier to read.
            configuration.searchPath = ["public"]
            // Eight connections per event loop: enough for the API under load on two cores,
            // far below PostgreSQL's default max_connections of 100.
            app.databases.use(
                .postgres(configuration: configuration, maxConnectionsPerEventLoop: 8, sqlLogLevel: .trace),
                as: .psql
            )
        }
    }

    /// Every migration, in the order it must run. New ones go at the end; none is ever edited once shipped.
    /// The last one seals personal data in place, so it needs the keys and the folder of the document files.
    static func migrations(keys: DataKeyringBox, dataDirectory: URL) -> [any Migration] { [
        CreateUser(),
        CreateAPIToken(),
        CreateAuditEvent(),
        SessionRecord.migration,
        CreateCompany(),
        CreateSpecialistProfile(),
        CreateVacancy(),
        CreateJobApplication(),
        CreateNotices(),
        AddProfileHistory(),
        CreateCompanyInvitation(),
        CreatePermitCase(),
        CreatePermitDocumentFile(),
        AddPermitGrace(),
        AddPermitAssignment(),
        CreateEntryBan(),
        AddProfileIdentity(),
        // Before the sealing migration, which walks every table holding personal values (its bookings too).
        CreateCentreTables(),
        // Before the sealing migration, which walks every table of personal values (these hold sealed ones).
        CreateResidencyTables(),
        CreateCompanyRegistryTables(),
        CreateGrantTables(),
        SealPersonalData(keys: keys, dataDirectory: dataDirectory),
        CreateDataAccess(),
        CreateProcessingConsent(),
        CreateIdempotencyRecord(),
        CreateClusterTables(),
        CreateCourseTables(),
        CreateFlowEstimate(),
        CreatePasswordReset(),
        AddOutboxNextAttempt(),
    ] }
}

/// A SQLite file keeps a write-ahead log: readers do not wait for a writer, and a commit is one append (still
/// synced: `synchronous` stays FULL, so a write acknowledged to a client survives a crash of the process or the
/// machine). The mode is stored in the file; setting it again is a no-op.
struct WriteAheadLog: LifecycleHandler {
    func willBootAsync(_ application: Application) async throws {
        guard let sql = application.db as? any SQLDatabase else { return }
        try await sql.raw("PRAGMA journal_mode=WAL").run()
    }
}
