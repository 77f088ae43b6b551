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
        /// The case's reference as officers quote it: the first eight characters of its id.
        let reference: String
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
        let search: String
        let summary: String
        let pager: Pager
    }

    /// 50 cases a page, most urgent first.
    static let queuePageSize = 50

    func queue(req: Request) async throws -> Response {
        let user = try req.auth.require(User.self)
        guard user.domainRole == .migrationOfficer else { throw AppError.forbidden }
        let rawStatus = req.query[String.self, at: "status"] ?? ""
        let filter = CaseStatus(rawValue: rawStatus)
        let assigned = req.query[String.self, at: "assigned"] ?? ""
        let search = String((req.query[String.self, at: "q"] ?? "").prefix(200)).trimmingCharacters(in: .whitespaces)
        var validator = Validator()
        if !rawStatus.isEmpty, filter == nil || !(CaseStatus.officerQueue + [.permitIssued]).contains(filter!) { validator.add("status", "status.unknown") }
        if !["", "me", "none"].contains(assigned) { validator.add("assigned", "assignee.unknown") }
        do { try validator.check() } catch { throw AppError.validation(error) }
        let paging = try Paging(req, size: Self.queuePageSize)
        let me = try user.requireID()
        var names: [UUID: String] = [:]
        for officer in try await User.query(on: req.database).filter(\.$role == Role.migrationOfficer.rawValue).all() { names[try officer.requireID()] = officer.displayName }
        let service = req.permits
        let matching = try await service.cases(visibleTo: user, status: filter).map { ($0.0, service.clock(of: $0.0)) }.filter { permitCase, _ in
            switch assigned {
            case "me": permitCase.assignedTo == me
            case "none": permitCase.assignedTo == nil
            default: true
            }
        }.filter { permitCase, _ in search.isEmpty || Self.caseMatches(permitCase, search) }
        let rows = try matching.dropFirst(paging.offset).prefix(paging.size).map { permitCase, clock in
            QueueRow(
                url: SiteURL.permitCase(try permitCase.requireID()).path + "?from=queue", reference: Self.reference(of: permitCase),
                person: permitCase.persons.first?.name ?? "",
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
            AuthPages.Choice(value: $0.0, label: req.t($0.1), selected: assigned == $0.0)
        }
        return try await req.renderPage("officer-cases", QueuePage(
            layout: try PageLayout(request: req, titleKey: "permit.queue.title"), rows: rows, filters: filters, assignmentFilters: assignmentFilters,
            search: search, summary: req.t("search.found", ["count": "\(matching.count)"]),
            pager: Pager(req, paging: paging, total: matching.count)
        ))
    }

    /// The case's short reference: the first eight characters of its id, upper case.
    static func reference(of permitCase: PermitCase) -> String {
        String((permitCase.id?.uuidString ?? "").prefix(8)).uppercased()
    }

    /// Whether the case has `words` in a person's name (any member of the family, any case), the sponsor's name,
    /// its reference or id, or the permit's number.
    static func caseMatches(_ permitCase: PermitCase, _ words: String) -> Bool {
        let needle = words.lowercased().replacingOccurrences(of: "ё", with: "е")
        let haystack = (permitCase.persons.map(\.name) + [permitCase.sponsor.legalName, permitCase.id?.uuidString ?? "", permitCase.permitNumber ?? ""])
            .joined(separator: "\n").lowercased().replacingOccurrences(of: "ё", with: "е")
        return needle.split(separator: " ").allSatisfy { haystack.contains($0) }
    }
}
