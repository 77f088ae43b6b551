import Fluent
import Foundation
import Vapor

/// `caravan keys rotate` and `caravan keys status`: the keys personal data is sealed with (see `DataKeyring`).
struct KeysCommand: AsyncCommandGroup {
    var commands: [String: any AnyAsyncCommand] = ["rotate": KeysRotateCommand(), "status": KeysStatusCommand()]
    var help: String { "Rotates and shows the keys personal data is sealed with." }
}

struct KeysRotateCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "batch-size", help: "Rows re-sealed per transaction (default 200).")
        var batchSize: Int?
        init() {}
    }

    var help: String {
        "Makes a new key active and re-seals every personal value and document file under it; run it again after a crash (or after restarting servers that kept the old key) and it finishes the job."
    }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        // Sealing what an older version stored plain comes first (the last migration), so the survey is true.
        try await app.autoMigrate()
        let console = context.console
        let batchSize = signature.batchSize ?? 200
        // At least one row per transaction; 10,000 rows would hold row locks longer than a page request waits.
        guard (1...10_000).contains(batchSize) else {
            console.error("--batch-size: a whole number from 1 to 10000")
            throw ExitCode.failure
        }
        let rotation = KeyRotation(app: app, batchSize: batchSize, output: { line in console.print(line) })
        switch try await rotation.run() {
        case .done(let keyID, let newKey, let report):
            console.print("done: every personal value and document file is sealed under \(keyID) (\(report.changed) re-sealed, \(report.rowsRead) rows read)")
            let older = app.dataKeyring.keyIDs.filter { $0 != keyID }
            if newKey && !older.isEmpty {
                console.print("older keys (\(older.joined(separator: ", "))) stay in the key file: backups made before now need them. Remove them by hand once no such backup is kept.")
            }
            console.print("restart running servers so they seal under \(keyID); then run this again to re-seal anything they wrote meanwhile.")
        case .stopped(let keyID, let report):
            console.error("stopped after \(report.batches) batch(es) with values left under older keys; run `caravan keys rotate` again to finish under \(keyID)")
            throw ExitCode.failure
        case .needsKeyFromEnvironment(let line):
            console.print("the keys come from CARAVAN_DATA_KEYS, which this command cannot change; everything is under \(app.dataKeyring.activeID).")
            console.print("to rotate, add this new key to CARAVAN_DATA_KEYS (keep the old ones), restart, and run this command again:")
            console.print(line)
        }
    }
}

struct KeysStatusCommand: AsyncCommand {
    struct Signature: CommandSignature { init() {} }

    var help: String { "Shows the active key and how many stored values each key sealed." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await app.autoMigrate()
        let keyring = app.dataKeyring
        let report = try await PersonalDataSweep(
            database: app.db, keyring: keyring, dataDirectory: app.caravanConfiguration.dataDirectory, countOnly: true
        ).run()
        context.console.print("active key: \(keyring.activeID); keys held: \(keyring.keyIDs.joined(separator: ", "))")
        for (key, count) in report.found.sorted(by: { $0.key < $1.key }) {
            let note = key == keyring.activeID ? "" : keyring.keys[key] == nil && key != "plain" ? " (NOT HELD: these cannot be read)" : " (not yet re-sealed)"
            context.console.print("\(key): \(count)\(note)")
        }
        if report.found.isEmpty { context.console.print("no personal values stored yet") }
    }
}
