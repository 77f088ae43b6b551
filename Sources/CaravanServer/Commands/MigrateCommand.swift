import Fluent
import Vapor

/// `caravan migrate`: brings the database schema up to date, without asking (Fluent's own command asks
/// for confirmation, which a deploy script cannot give).
struct MigrateCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Flag(name: "revert", help: "Revert the last batch of migrations instead.")
        var revert: Bool
        init() {}
    }

    var help: String { "Migrates the database (or reverts the last batch with --revert)." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let migrator = context.application.migrator
        try await migrator.setupIfNeeded().get()
        if signature.revert {
            try await migrator.revertLastBatch().get()
            context.console.print("Reverted the last batch of migrations.")
        } else {
            let pending = try await migrator.previewPrepareBatch().get()
            try await migrator.prepareBatch().get()
            context.console.print(pending.isEmpty ? "Up to date." : "Applied \(pending.count) migration(s).")
        }
    }
}
