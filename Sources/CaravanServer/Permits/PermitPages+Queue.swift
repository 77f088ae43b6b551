import CaravanDomain
import CaravanPermits
import Fluent
import Foundation
import Vapor

/// The officers' queue: open cases by time left, filtered by status and by who has taken them.
extension PermitPages {
    // MARK: Queue

    struct QueueRow: Encodable {
        let url: String
        let person: String
        let company: String
        let status: String
        let expected: String
        let left: String
        let mark: String?
        let assignee: String
    }

    struct QueuePage: Encodable {
        let layout: PageLayout
        let rows: [QueueRow]
        let filters: [AuthPages.Choice]
        let assignmentFilters: [AuthPages.Choice]
    }

    func queue(req: Request) async throws -> Response {
        let user = try req.auth.require(User.self)
        guard user.domainRole == .migrationOfficer else { throw AppError.forbidden }
        let filter = (try? req.query.get(String.self, at: "status")).flatMap(CaseStatus.init(rawValue:))
        let assigned = try? req.query.get(String.self, at: "assigned")
        let me = try user.requireID()
        var names: [UUID: String] = [:]
        for officer in try await User.query(on: req.database).filter(\.$role == Role.migrationOfficer.rawValue).all() { names[try officer.requireID()] = officer.displayName }
        let service = req.permits
        let rows = try await service.cases(visibleTo: user, status: filter).map { ($0.0, service.clock(of: $0.0)) }.filter { permitCase, _ in
            switch assigned {
            case "me": permitCase.assignedTo == me
            case "none": permitCase.assignedTo == nil
            default: true
            }
        }.map { permitCase, clock in
            QueueRow(
                url: SiteURL.permitCase(try permitCase.requireID()).path + "?from=queue", person: permitCase.persons.first?.name ?? "",
                company: permitCase.sponsor.legalName, status: Self.statusLabel(permitCase, for: .officer, req),
                expected: clock.map { req.date($0.expectedDecisionDate.description) } ?? "",
                left: clock.map { $0.isOverdue ? "−\($0.overdueWorkingDays)" : "\($0.workingDaysLeft)" } ?? "",
                mark: clock.flatMap { $0.isOverdue ? req.t("permit.mark.overdue") : $0.workingDaysLeft <= 10 && !$0.isPaused ? req.t("permit.mark.dueSoon") : nil },
                assignee: permitCase.assignedTo.flatMap { names[$0] } ?? "—"
            )
        }
        let filters = [AuthPages.Choice(value: "", label: req.t("permit.filter.open"), selected: filter == nil)]
            + (CaseStatus.officerQueue + [.permitIssued]).map { AuthPages.Choice(value: $0.rawValue, label: req.t("permit.status.\($0.rawValue)"), selected: filter == $0) }
        let assignmentFilters = [("", "permit.filter.everyone"), ("me", "permit.filter.mine"), ("none", "permit.filter.unassigned")].map {
            AuthPages.Choice(value: $0.0, label: req.t($0.1), selected: (assigned ?? "") == $0.0)
        }
        return try await req.renderPage("officer-cases", QueuePage(
            layout: try PageLayout(request: req, titleKey: "permit.queue.title"), rows: rows, filters: filters, assignmentFilters: assignmentFilters
        ))
    }
}
