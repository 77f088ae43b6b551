import CaravanCentres
import CaravanDomain
import CaravanMatching
import CaravanRegistry
import Fluent
import Foundation
import Leaf
import LeafKit
import NIOCore
import OpenAPIRuntime
import OpenAPIVapor
import Vapor

/// The composition root: builds the whole application from one configuration and the outside world.
public func configure(
    _ app: Application,
    configuration: AppConfiguration,
    dependencies: Dependencies = .live
) async throws {
    app.caravanConfiguration = configuration
    app.dependencies = dependencies
    app.logger.logLevel = configuration.logLevel
    try FileManager.default.createDirectory(at: configuration.dataDirectory, withIntermediateDirectories: true)

    app.catalogs = try MessageCatalogs.load(from: Localization.localesFolder, fallback: .russian)
    app.skillTaxonomy = try SkillTaxonomy.bundled()
    app.vacancyIndex = VacancyIndex()
    app.candidateIndex = CandidateIndex(taxonomy: app.skillTaxonomy)
    app.permitRegistry = try PermitRegistry.load(dataDirectory: configuration.dataDirectory)
    // The centres abroad, their host countries' holidays and the Russian test's rules: refused at start if broken.
    app.centres = try CentreDirectory.bundled()
    app.russianTest = try RussianTestRules.bundled()
    // The entry-ban check asks the registry officers' table, on the connection of the move that asks.
    app.entryBanRegistry = { app, database in EntryBanService(app: app, database: database) }
    // Digital residency: grounds, the registry's signing key, the relying party passkeys are made for.
    app.residencyRegistry = try ResidencyRegistry.load(configuration: configuration)
    app.okved = try OkvedClassifier.bundled()
    app.companyRegistry = try CompanyRegistry.load(configuration: configuration)
    MetricsBootstrap.bootstrap()
    app.outbox = OutboxDelivery(sender: try mailSender(for: app, configuration: configuration, dependencies: dependencies),
                                logger: app.logger)

    // Personal data is sealed under keys kept outside the database.
    app.dataKeys = DataKeyringBox(try DataKeyring.load(configuration.dataKeys))

    // Database
    try DatabaseSetup.use(configuration.database, on: app)
    // Every model write passes here, so no personal value reaches a row unsealed.
    app.databases.middleware.use(SealingMiddleware(keys: app.dataKeys), on: nil)
    app.migrations.add(DatabaseSetup.migrations(keys: app.dataKeys, dataDirectory: configuration.dataDirectory))
    app.idempotencyTurns = KeyedTurns()
    app.bearerCache = BearerCache()
    app.matchPageCache = MatchPageCache(budgetBytes: configuration.matchCacheMegabytes * 1_048_576)
    app.reasonSentences = ReasonSentences()
    app.observatoryCache = ObservatoryCache(seconds: configuration.observatoryCacheSeconds)
    // Several instances may serve one PostgreSQL: writes that change the indexes or caches are published to all.
    app.changeFeed = ChangeFeed()
    app.databases.middleware.use(BearerCacheInvalidation(cache: app.bearerCache, feed: app.changeFeed, now: dependencies.now), on: nil)
    app.databases.middleware.use(BearerCacheUserInvalidation(cache: app.bearerCache, feed: app.changeFeed, now: dependencies.now), on: nil)
    app.asyncCommands.use(MigrateCommand(), as: "migrate")

    // Accounts
    let cost = configuration.bcryptCost
    app.decoyPasswordHash = try await app.threadPool.runIfActive {
        try Bcrypt.hash(UUID().uuidString, cost: cost)
    }

    // Sessions live in the database, so a restart signs no one out.
    app.sessions.use(.fluent)
    let secure = configuration.usesTLS
    app.sessions.configuration = SessionsConfiguration(cookieName: "caravan_session") { id in
        HTTPCookies.Value(string: id.string, path: "/", isSecure: secure, isHTTPOnly: true, sameSite: .lax)
    }

    // Views
    let views = Bundle.module.resourceURL!.appendingPathComponent("Views").path + "/"
    app.views.use(.leaf)
    app.leaf.sources = .singleSource(NIOLeafFiles(
        // Not `.default`: it refuses any path with a dot-folder, and a build lives in `.build/`.
        fileio: app.fileio, limits: [.toSandbox, .requireExtensions], sandboxDirectory: views, viewDirectory: views
    ))
    app.leaf.tags["t"] = LocalizeTag()
    app.leaf.cache.isEnabled = app.environment.isRelease

    // HTTP: the largest body any route takes; the web forms and the API are far below it.
    app.routes.defaultMaxBodySize = "64kb"
    app.http.server.configuration.reportMetrics = true
    // gzip when the client asks for it (pages and JSON shrink to a fifth); never for an already compressed file.
    app.http.server.configuration.responseCompression = .enabled(initialByteBufferCapacity: 1024)

    app.middleware = Middlewares()
    // First, so a request that arrives while the server stops is counted or turned away (503) before anything
    // else runs (see GracefulShutdown).
    let shutdown = GracefulShutdown()
    app.gracefulShutdown = shutdown
    app.http.server.configuration.shutdownTimeout = GracefulShutdown.grace
    app.middleware.use(ShutdownGateMiddleware(shutdown: shutdown))
    app.middleware.use(CaravanErrorMiddleware())
    app.middleware.use(SecurityHeadersMiddleware())
    app.middleware.use(StaticAssetCaching())
    app.middleware.use(StaticFiles(files: FileMiddleware(
        publicDirectory: Bundle.module.resourceURL!.appendingPathComponent("Public").path + "/",
        defaultFile: nil
    )))
    // Sessions for every route after the static files, so error pages (a 404 too) know who is signed in.
    // The API never reads them: it takes bearer tokens only, so cookies cannot act for a caller there.
    app.middleware.use(app.sessions.middleware)
    app.middleware.use(SessionsReadyMiddleware())
    app.middleware.use(User.sessionAuthenticator())

    try registerRoutes(app)

    // `caravan serve` (the default command) migrates before it listens, so an upgrade is one restart.
    if configuration.migrateBeforeServing { app.lifecycle.use(MigrateBeforeServing()) }
    // Grace periods run down with time, not with requests: an hourly sweep warns and cancels.
    if app.environment != .testing { app.lifecycle.use(GraceSweeper()) }
    // Other instances' writes reach this one's indexes (`serve` and `demo` only).
    if app.environment != .testing { app.lifecycle.use(ChangeFeedLifecycle()) }
    // Last, so it runs first when the application shuts down: requests, then background work, then (Fluent's
    // handler, registered earlier) the databases.
    app.lifecycle.use(shutdown)

    // Commands
    app.asyncCommands.use(DemoCommand(), as: "demo")
    app.asyncCommands.use(UsersCommand(), as: "users")
    app.asyncCommands.use(AuditCommand(), as: "audit")
    app.asyncCommands.use(VerifyCommand(), as: "verify")
    app.asyncCommands.use(EntryBansCommand(), as: "entry-bans")
    app.asyncCommands.use(KeysCommand(), as: "keys")
    app.asyncCommands.use(AllocationCommand(), as: "allocation")
    app.asyncCommands.use(FlowsCommand(), as: "flows")
}

/// SMTP when `CARAVAN_SMTP_URL` configures it; otherwise the injected sender (the log line, or a test's recorder).
func mailSender(for app: Application, configuration: AppConfiguration, dependencies: Dependencies) throws -> any MailSender {
    guard let smtp = configuration.smtp else { return dependencies.mailSender(app.logger) }
    return try SMTPMailSender(configuration: smtp, group: app.eventLoopGroup, helloName: configuration.baseURL.host ?? "localhost",
                              now: dependencies.now, logger: app.logger)
}

func registerRoutes(_ app: Application) throws {
    try app.register(collection: OperationsRoutes())

    // The JSON API, generated from openapi.yaml; bearer tokens, no cookies.
    // Idempotency after the body is read, so the key's request hash covers it.
    let api = app.grouped(APIRequestContextMiddleware(), IdempotencyMiddleware(door: .api))
    // Compact JSON: the runtime pretty-prints with sorted keys by default, which costs more than the rest of a
    // large answer (and makes it a third bigger) for nobody: clients parse it.
    try APIHandler().registerHandlers(on: VaporTransport(routesBuilder: api), serverURL: URL(string: "/api/v1")!,
                                      configuration: OpenAPIRuntime.Configuration(jsonEncodingOptions: []))
    // Registered after the generated routes, so it replaces theirs for this one path (see the type). Outside the
    // API group: a Vapor route reads its `Request` itself, so it needs neither the task-local request the generated
    // handlers read nor the idempotency door (it is a GET), and each of those async middlewares costs a task.
    VacancyMatchesRoute().register(on: app)

    // The web pages: cookie session, CSRF on every form.
    // A form's one-time token is looked at only once the CSRF check passed.
    let web = app.grouped(CSRFMiddleware(), UnreadNoticesMiddleware(), IdempotencyMiddleware(door: .web))
    try web.register(collection: AccountPages())
    try web.register(collection: PrivacyPages())
    try web.register(collection: AuthPages())
    try web.register(collection: AdminPages())
    try web.register(collection: CompanyPages())
    try web.register(collection: ProfilePages())
    try web.register(collection: VacancyPages())
    try web.register(collection: ApplicationPages())
    try web.register(collection: NoticePages())
    try web.register(collection: SearchPages())
    try web.register(collection: SpecialistPages())
    try web.register(collection: LanguagesPage())
    try web.register(collection: PasswordResetPages())
    try web.register(collection: PermitPages())
    try web.register(collection: EntryBanPages())
    try web.register(collection: CentrePages())
    try web.register(collection: CoursePages())
    try web.register(collection: ResidencyPages())
    try web.register(collection: RegistryResidencyPages())
    try web.register(collection: OkvedPages())
    try web.register(collection: CompanyRegistrationPages())
    try web.register(collection: RegistryCompanyPages())
    try web.register(collection: RegisterPages())
    try web.register(collection: GrantPages())
    try web.register(collection: ObservatoryPages())
}

/// Headers every response carries: no framing, no sniffing, no third-party anything. On the event loop, without
/// a task (as are the next two): they run for every request.
struct SecurityHeadersMiddleware: Middleware {
    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        next.respond(to: request).map { response in
            response.headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
            response.headers.replaceOrAdd(name: "X-Frame-Options", value: "DENY")
            response.headers.replaceOrAdd(name: "Referrer-Policy", value: "same-origin")
            response.headers.replaceOrAdd(
                name: "Content-Security-Policy",
                value: "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; form-action 'self'; frame-ancestors 'none'"
            )
            return response
        }
    }
}

/// The stylesheet and the icon are kept by browsers for an hour and then revalidated with their ETag (a 304 costs
/// a few bytes): pages change with a release, and a stale stylesheet for an hour at most is the price of plain names.
struct StaticAssetCaching: Middleware {
    static let extensions: Set<String> = ["css", "js", "ico", "svg", "png", "woff2"]

    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        next.respond(to: request).map { response in
            let name = request.url.path.split(separator: "/").last.map(String.init) ?? ""
            if let dot = name.lastIndex(of: "."), Self.extensions.contains(String(name[name.index(after: dot)...])),
               response.status == .ok || response.status == .notModified {
                response.headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=3600")
            }
            return response
        }
    }
}

/// The files of `Public/` (stylesheet, icon, scripts). The API has none: its requests pass on without the file
/// lookup (a task and a file-system call per request).
struct StaticFiles: Middleware {
    let files: FileMiddleware

    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        if request.url.path.hasPrefix("/api/") { return next.respond(to: request) }
        return files.respond(to: request, chainingTo: next)
    }
}

/// Runs pending migrations when the server is about to start serving (not for other commands).
struct MigrateBeforeServing: LifecycleHandler {
    func willBootAsync(_ application: Application) async throws {
        let command = application.environment.commandInput.arguments.first
        guard command == nil || command == "serve" || command?.hasPrefix("-") == true else { return }
        try await application.autoMigrate()
        // Fail now, saying which key is missing, rather than on the first page that reads a passport.
        try await KeyringCheck.verify(application)
        try await application.warmIndexes()
    }
}
