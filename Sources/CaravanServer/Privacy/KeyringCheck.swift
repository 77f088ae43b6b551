import Fluent
import FluentSQL
import Foundation
import Vapor

/// Before serving: the keyring opens what the database holds. A server started with a fresh key file beside an
/// existing database (a new machine, a lost `keys/` folder) would otherwise serve errors on every passport.
enum KeyringCheck {
    static func verify(_ app: Application) async throws {
        guard let sql = app.db as? any SQLDatabase else { return }
        let keyring = app.dataKeyring
        // One stored value per column is enough: a keyring from another installation opens none of them.
        for table in PersonalDataSweep.tables {
            for column in table.text {
                guard let row = try await sql.select().column(SQLIdentifier(column)).from(table.name)
                    .where(SQLIdentifier(column), .isNot, SQLLiteral.null).limit(1).first(),
                      let value = try row.decode(column: column, as: String?.self) else { continue }
                do {
                    _ = try keyring.open(value)
                } catch let error as SealingError {
                    let source = switch app.caravanConfiguration.dataKeys {
                    case .file(let file): "the key file \(file.path)"
                    case .inline: "CARAVAN_DATA_KEYS"
                    }
                    throw ConfigurationError(
                        variable: "CARAVAN_DATA_KEYS",
                        problem: "\(table.name).\(column): \(error); restore \(source) from this installation's backup (it is not the one that sealed the data)"
                    )
                }
            }
        }
    }
}
