import Fluent
import Foundation
import Vapor

/// `caravan keys rotate`, as a function a test can call: a new active key, then every personal value and document
/// file re-sealed under it, batch by batch.
///
/// Resumable without any state of its own: when values are still sealed under older keys, the last rotation did
/// not finish (a crash, or a server that sealed under the old key until it restarted), so this run finishes it
/// under the current active key instead of making yet another key. Only when everything is under the active key
/// is a new key made — written to the key file before anything is re-sealed, so a crash leaves a key file that
/// opens every value.
struct KeyRotation {
    let app: Application
    var batchSize = 200
    /// For tests: stop after this many batches, as a crash would.
    var batchLimit: Int?
    var output: @Sendable (String) -> Void = { _ in }

    enum Outcome: Equatable {
        /// Everything is under `keyID` (`newKey` when this run made it).
        case done(keyID: String, newKey: Bool, report: PersonalDataSweep.Report)
        case stopped(keyID: String, report: PersonalDataSweep.Report)
        /// Keys from `CARAVAN_DATA_KEYS` and nothing left to re-seal: the operator adds the key (`line`) themselves.
        case needsKeyFromEnvironment(line: String)
    }

    func run() async throws -> Outcome {
        var keyring = app.dataKeyring
        let survey = try await sweep(keyring, countOnly: true).run()
        let pending = survey.pending(for: keyring)
        var newKey = false
        if pending > 0 {
            output("finishing an earlier rotation: \(pending) value(s) or file(s) still sealed under older keys (or plain); re-sealing under \(keyring.activeID)")
        } else {
            guard case .file(let file) = app.caravanConfiguration.dataKeys else {
                let fresh = keyring.addingNewActiveKey()
                let secret = fresh.keys[fresh.activeID]!.withUnsafeBytes { Data($0) }.base64EncodedString()
                return .needsKeyFromEnvironment(line: "key \(fresh.activeID) \(secret); active \(fresh.activeID)")
            }
            keyring = keyring.addingNewActiveKey()
            try keyring.write(to: file)
            app.dataKeys.keyring = keyring
            newKey = true
            output("new key \(keyring.activeID) written to \(file.path) and made active")
        }
        let report = try await sweep(keyring, countOnly: false).run()
        guard report.finished else { return .stopped(keyID: keyring.activeID, report: report) }
        return .done(keyID: keyring.activeID, newKey: newKey, report: report)
    }

    private func sweep(_ keyring: DataKeyring, countOnly: Bool) -> PersonalDataSweep {
        var sweep = PersonalDataSweep(database: app.db, keyring: keyring, dataDirectory: app.caravanConfiguration.dataDirectory)
        sweep.batchSize = batchSize
        sweep.countOnly = countOnly
        if !countOnly {
            sweep.batchLimit = batchLimit
            sweep.progress = output
        }
        return sweep
    }
}
