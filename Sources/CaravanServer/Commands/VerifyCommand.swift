import CaravanPermits
import Crypto
import Fluent
import Foundation
import Vapor

/// `caravan verify <number | file>`: checks a permit offline against this installation's signing key.
/// A file is the JSON a holder downloads from the permit page; a number is looked up in the database.
/// Exit status 0 when the permit is valid, 1 when it is not (with the reason).
struct VerifyCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "permit", help: "A permit number (RP-2026-…) or the path of a downloaded permit file.")
        var permit: String
        init() {}
    }

    var help: String { "Checks a permit's signature (a number from the database, or a downloaded file)." }

    struct Invalid: Error, CustomStringConvertible {
        let description: String
    }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let signer = app.permitRegistry.signer
        let signed: PermitDocument.Signed
        if FileManager.default.fileExists(atPath: signature.permit) {
            guard let data = FileManager.default.contents(atPath: signature.permit),
                  let decoded = try? JSONDecoder().decode(PermitDocument.Signed.self, from: data)
            else { throw Invalid(description: "invalid: \(signature.permit) is not a Caravan permit file") }
            signed = decoded
        } else {
            try await app.autoMigrate()
            guard let verified = try await PermitService(app: app, database: app.db).verify(number: signature.permit)
            else { throw Invalid(description: "invalid: no permit with the number \(signature.permit)") }
            signed = verified.signed
        }
        switch PermitDocument.verify(signed, trusting: signer.publicKey) {
        case .valid:
            context.console.print("valid: permit \(signed.permit.number), issued \(signed.permit.issuedOn), \(signed.permit.persons.count) person(s)")
        case .badSignature:
            throw Invalid(description: "invalid: the permit's contents do not match its signature (altered)")
        case .unknownKey:
            throw Invalid(description: "invalid: signed with a key this installation does not publish")
        }
    }
}
