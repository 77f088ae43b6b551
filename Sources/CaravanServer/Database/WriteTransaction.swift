import Fluent
import FluentSQL

extension Database {
    /// A transaction that writes. On SQLite its first statement takes the database's write lock, as
    /// `BEGIN IMMEDIATE` would (Fluent begins a deferred transaction): a deferred one that reads first and then
    /// writes fails at once with "busy" when another connection wrote in between, because waiting could not help
    /// it, and the caller got a 500. Taking the lock first, it waits its turn instead. PostgreSQL locks rows as it
    /// writes and needs nothing here.
    func writeTransaction<T: Sendable>(_ body: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        try await transaction { db in
            if let sql = db as? any SQLDatabase, sql.dialect.name == "sqlite" {
                // While another holds the lock, SQLite's own handler sleeps between tries (1 ms, 2, 5, … up to
                // 100), for 5 s at most, then the request is answered 503 `busy`. The driver's handler retried at
                // once, forever: a waiting connection kept a core busy until the lock came free. Set on the
                // connection, so once is enough; it is cheap.
                try await sql.raw("PRAGMA busy_timeout = 5000").run()
                // Writes no row (WHERE 0) but begins the write: the lock is held from here to the commit.
                try await sql.raw("UPDATE _fluent_migrations SET batch = batch WHERE 0").run()
            }
            return try await body(db)
        }
    }
}
