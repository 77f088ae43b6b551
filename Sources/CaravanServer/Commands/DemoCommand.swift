import CaravanDomain
import Fluent
import Vapor

/// `caravan demo`: migrate, load the demo dataset (idempotent), print the demo accounts, then serve.
struct DemoCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "hostname", short: "H", help: "The address to listen on (default 127.0.0.1).")
        var hostname: String?
        @Option(name: "port", short: "p", help: "The port to listen on (default 8080).")
        var port: Int?
        init() {}
    }

    var help: String { "Loads the demo dataset and serves Caravan with it." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await app.autoMigrate()
        let created = try await DemoDataset.load(on: app)
        try await app.warmIndexes()
        let hostname = signature.hostname ?? "127.0.0.1"
        let port = signature.port ?? 8080
        let width = DemoDataset.accounts.map(\.role.rawValue.count).max() ?? 0
        var lines = ["Caravan demo (\(created) account(s) created now; the rest were already there)", ""]
        lines.append("Demo accounts (password for all: \(DemoDataset.password)):")
        for account in DemoDataset.accounts {
            lines.append("  \(account.role.rawValue.padding(toLength: width, withPad: " ", startingAt: 0))  \(account.email)")
        }
        lines.append("  …and \(DemoMarket.specialists) specialists (specialist.0001@demo.caravan.test …), \(DemoMarket.companies) companies")
        lines.append("     (hr.001@demo.caravan.test …) with \(DemoMarket.vacancies) vacancies and applications in every stage.")
        lines.append("")
        // Passkeys (digital residency) refuse an IP address as their site: the demo is opened by name.
        let shown = hostname == "127.0.0.1" ? "localhost" : hostname
        lines.append("Open http://\(shown):\(port)/  (API: http://\(shown):\(port)/api/v1/openapi.yaml)")
        let base = app.caravanConfiguration.baseURL
        if base.host != shown || (base.port ?? 80) != port {
            lines.append("Passkeys work only at CARAVAN_BASE_URL (\(base.absoluteString)): set it to http://\(shown):\(port) to sign with one.")
        }
        context.console.print(lines.joined(separator: "\n"))

        var serveContext = context
        serveContext.input = CommandInput(arguments: ["caravan", "--hostname", hostname, "--port", String(port)])
        try await app.servers.asyncCommand.run(using: &serveContext)
    }
}
