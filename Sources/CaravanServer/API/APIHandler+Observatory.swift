import CaravanDomain
import Foundation
import OpenAPIRuntime
import Vapor

/// The observatory through the API: the same report and the same view the pages show.
extension APIHandler {
    func getObservatory(_ input: Operations.GetObservatory.Input) async throws -> Operations.GetObservatory.Output {
        let req = APIRequestContext.current
        let view = ObservatoryView(try await req.observatory.report(), exact: false, req: req, flows: try await req.observatory.latestFlows())
        return .ok(.init(body: .json(.init(view))))
    }

    func getObservatoryExact(_ input: Operations.GetObservatoryExact.Input) async throws -> Operations.GetObservatoryExact.Output {
        let req = APIRequestContext.current
        let (user, _) = try await req.bearerUser()
        guard ObservatoryPolicy.mayReadExact(user.domainRole) else { throw AppError.forbidden }
        let view = ObservatoryView(try await req.observatory.report(), exact: true, req: req, flows: try await req.observatory.latestFlows())
        if req.method != .HEAD { try await req.observatory.recordExport(table: "all", format: "json", by: user) }
        return .ok(.init(body: .json(.init(view))))
    }
}

extension Components.Schemas.Observatory {
    init(_ view: ObservatoryView) {
        self.init(exact: view.exact, asOf: ISO8601DateFormatter().date(from: view.asOfISO) ?? Date(), tables: view.tables.compactMap { table in
            guard let id = Components.Schemas.ObservatoryTable.IdPayload(rawValue: table.id) else { return nil }
            return .init(
                id: id, title: table.title, definition: table.definition,
                columns: table.columns.map { .init(id: $0.id, title: $0.title) },
                rows: table.rows.map { row in
                    .init(id: row.id, label: row.label, cells: row.cells.map {
                        .init(column: $0.column, text: $0.text, value: $0.value, suppressed: $0.suppressed)
                    })
                },
                csv: table.csvHref
            )
        }, flows: view.flows.map { flows in
            .init(source: flows.source, publishedAt: flows.publishedAtDate, readings: flows.rows.map {
                .init(name: $0.name, noiseDays: $0.noiseDays, residenceDays: $0.residenceDays, returnDays: $0.returnDays, definition: $0.definition,
                      returned: $0.returned, departed: $0.departed, share: $0.share, shareValue: $0.shareValue, shareLower: $0.shareLower,
                      shareUpper: $0.shareUpper)
            })
        })
    }
}
