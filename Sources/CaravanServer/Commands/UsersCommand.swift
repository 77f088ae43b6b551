import CaravanDomain
import Fluent
import Foundation
import Vapor

/// `caravan users create --role <role> --email <e> [--name <n>]`: how the first admin and the staff
/// accounts of a real install are made. The password is generated and printed once, or read from
/// standard input with `--password-stdin`.
struct UsersCommand: AsyncCommandGroup {
    var commands: [String: any AnyAsyncCommand] = ["create": UsersCreateCommand()]
    var help: String { "Manages accounts." }
}

struct UsersCreateCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "role", help: "One of: \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
        var role: String?
        @Option(name: "email", help: "The person's e-mail address.")
        var email: String?
        @Option(name: "name", help: "The name shown in Caravan (defaults to the part of the e-mail before @).")
        var name: String?
        @Option(name: "language", help: "ru or en (default ru).")
        var language: String?
        @Flag(name: "password-stdin", help: "Read the password from standard input instead of generating one.")
        var passwordFromStandardInput: Bool
        init() {}
    }

    var help: String { "Creates an account with any role (the way to make the first admin)." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        guard let role = signature.role, let email = signature.email else {
            context.console.error("Both --role and --email are required, e.g. caravan users create --role admin --email admin@example.org")
            throw ExitCode.failure
        }
        let password: String
        if signature.passwordFromStandardInput {
            password = readLine(strippingNewline: true) ?? ""
        } else {
            password = String(app.dependencies.newToken().prefix(20))
        }
        try await app.autoMigrate()
        let request = SignUpRequest(
            email: email, password: password,
            displayName: signature.name ?? String(email.split(separator: "@").first ?? ""),
            role: role, language: signature.language
        )
        do {
            let user = try await AccountService(app: app).create(request, by: nil, asOperator: true)
            context.console.print("Created \(user.role) account \(user.email) (id \(user.id?.uuidString.lowercased() ?? "?")).")
            if !signature.passwordFromStandardInput {
                context.console.print("Password (shown once): \(password)")
            }
        } catch AppError.validation(let failure) {
            for error in failure.errors {
                context.console.error("--\(error.field == "displayName" ? "name" : error.field): \(app.catalogs.text("error.\(error.code)", in: .english, error.arguments))")
            }
            throw ExitCode.failure
        } catch AppError.conflict {
            context.console.error("--email: an account with this e-mail already exists")
            throw ExitCode.failure
        }
    }
}

/// A command's way to end with a non-zero status after printing its own message.
struct ExitCode: Error, CustomStringConvertible {
    let code: Int32
    static let failure = ExitCode(code: 1)
    var description: String { "exit \(code)" }
}
