import Fluent
import FluentSQL
import Foundation
import Metrics
import Prometheus
import Vapor

/// `/health`, `/metrics` and the API document: what an operator and a client generator need.
struct OperationsRoutes: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("health", use: health)
        routes.get("metrics", use: metrics)
        routes.get("api", "v1", "openapi.yaml", use: openAPIDocument)
    }

    struct Health: Content {
        let status: String
        let database: String
    }

    /// 200 when the database answers a trivial query, 503 when it does not.
    func health(req: Request) async throws -> Response {
        var up = false
        if let sql = req.database as? any SQLDatabase {
            up = (try? await sql.raw("SELECT 1").run()) != nil
        }
        let health = Health(status: up ? "ok" : "unavailable", database: up ? "up" : "down")
        let response = try await health.encodeResponse(status: up ? .ok : .serviceUnavailable, for: req)
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }

    /// Prometheus text exposition of request counts and latencies by route and status.
    func metrics(req: Request) async throws -> Response {
        var buffer: [UInt8] = []
        MetricsBootstrap.registry.emit(into: &buffer)
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "text", subType: "plain", parameters: ["version": "0.0.4", "charset": "utf-8"])
        return Response(status: .ok, headers: headers, body: .init(data: Data(buffer)))
    }

    func openAPIDocument(req: Request) async throws -> Response {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "yaml"),
              let data = try? Data(contentsOf: url)
        else { throw AppError.notFound }
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "application", subType: "yaml", parameters: ["charset": "utf-8"])
        return Response(status: .ok, headers: headers, body: .init(data: data))
    }
}

/// swift-metrics takes one backend per process; every app in a process (tests boot many) shares it.
enum MetricsBootstrap {
    static let registry = PrometheusCollectorRegistry()

    private static let once: Void = {
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
    }()

    static func bootstrap() { _ = once }
}
