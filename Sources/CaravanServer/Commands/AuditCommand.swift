import Fluent
import Vapor

/// `caravan audit verify`: walks the audit chain from its first event and reports `ok <count>`, or the
/// first broken link and a non-zero exit.
struct AuditCommand: AsyncCommandGroup {
    var commands: [String: any AnyAsyncCommand] = ["verify": AuditVerifyCommand()]
    var help: String { "Checks the tamper-evident audit log." }
}

struct AuditVerifyCommand: AsyncCommand {
    struct Signature: CommandSignature { init() {} }

    var help: String { "Verifies every link of the audit chain." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await app.autoMigrate()
        switch try await AuditLog(now: app.dependencies.now).verify(on: app.db) {
        case .intact(let count):
            context.console.print("ok \(count) events")
        case .broken(let sequence, let reason):
            context.console.error("broken at event \(sequence): \(reason)")
            throw ExitCode.failure
        }
    }
}
