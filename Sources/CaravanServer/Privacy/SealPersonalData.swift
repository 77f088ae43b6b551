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
        try await database.schema(EntryBan.schema).field("passport_index", .string).update()
        if let sql = database as? any SQLDatabase {
            try await sql.create(index: "entry_bans_passport_index").on(EntryBan.schema).column("passport_index").run()
        }
        _ = try await PersonalDataSweep(database: database, keyring: keys.keyring, dataDirectory: dataDirectory).run()
    }

    func revert(on database: any Database) async throws {
        _ = try await PersonalDataSweep(database: database, keyring: keys.keyring, dataDirectory: dataDirectory, target: .plain).run()
        // SQLite drops no column an index still covers.
        if let sql = database as? any SQLDatabase {
            try await sql.drop(index: "entry_bans_passport_index").run()
        }
        try await database.schema(EntryBan.schema).deleteField("passport_index").update()
    }
}
