import Fluent
import FluentSQL
import Foundation

/// Seals the personal data an installation stored in plain before sealing existed — profiles' birth dates,
/// passports and family, the persons on permit cases, the entry-ban registry's passport numbers (now also behind a
/// blind index) and birth dates, the uploaded document files — in place, under the active key. Its revert opens
/// them all again and drops the index.
struct SealPersonalData: AsyncMigration {
    let keys: DataKeyringBox
    let dataDirectory: URL

    func prepare(on database: any Database) async throws {
        // A revert that could not drop the column (SQLite under load has been seen to keep it) leaves it to reuse.
        if try await !Self.hasPassportIndex(database) {
            try await database.schema(EntryBan.schema).field("passport_index", .string).update()
        }
        if let sql = database as? any SQLDatabase {
            try await sql.raw("CREATE INDEX IF NOT EXISTS entry_bans_passport_index ON entry_bans (passport_index)").run()
        }
        _ = try await PersonalDataSweep(database: database, keyring: keys.keyring, dataDirectory: dataDirectory).run()
    }

    static func hasPassportIndex(_ database: any Database) async throws -> Bool {
        guard let sql = database as? any SQLDatabase else { return false }
        if sql.dialect.name == "sqlite" {
            return try await sql.raw("SELECT name FROM pragma_table_info('entry_bans') WHERE name = 'passport_index'").all().isEmpty == false
        }
        return try await sql.raw("""
            SELECT column_name FROM information_schema.columns
            WHERE table_schema = current_schema() AND table_name = 'entry_bans' AND column_name = 'passport_index'
            """).all().isEmpty == false
    }

    func revert(on database: any Database) async throws {
        _ = try await PersonalDataSweep(database: database, keyring: keys.keyring, dataDirectory: dataDirectory, target: .plain).run()
        // SQLite drops no column an index still covers.
        if let sql = database as? any SQLDatabase {
            try await sql.raw("DROP INDEX IF EXISTS entry_bans_passport_index").run()
        }
        try await database.schema(EntryBan.schema).deleteField("passport_index").update()
    }
}
