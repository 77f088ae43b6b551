import CaravanDomain
import Fluent
import Foundation
import Vapor

/// Applying from a vacancy page, the specialist's list of applications, and moving an application.
struct ApplicationPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let signedIn = routes.grouped(SignedInOnly())
        signedIn.post(SiteURL.vacancyApply(UUID()).pathComponents, use: apply)
        signedIn.get(SiteURL.applications.pathComponents, use: list)
        signedIn.post(SiteURL.applicationMove(UUID()).pathComponents, use: move)
        signedIn.post(SiteURL.vacancyInvite(UUID()).pathComponents, use: invite)
    }

    func invite(req: Request) async throws -> Response {
        let user = try req.auth.require(User.self)
        guard let vacancyID = req.parameters.get("vacancyID", as: UUID.self),
              let specialistID = (try? req.content.get(String.self, at: "specialist")).flatMap(UUID.init(uuidString:))
        else { throw AppError.notFound }
        _ = try await req.applications.invite(specialistID, to: vacancyID, by: user)
        return req.redirect(to: SiteURL.vacancy(vacancyID).path + "#candidates", redirectType: .normal)
    }

    /// One application as a page shows it, with the moves its viewer may make.
    struct Card: Encodable {
        let id: String
        let vacancyTitle: String
        let vacancyURL: String
        let stage: String
        let note: String
        let person: String
        let email: String?
        let offer: String?
        let history: [String]
        let moves: [AuthPages.Choice]
        let moveAction: String
        let canOffer: Bool
        /// What the employer typed into the offer, kept when it was refused, with the errors beside the fields.
        let offerForm: OfferForm
        let errors: [String: String]
        /// After an accepted offer, the specialist's next step: the permit case (opened from the permits page).
        let nextStepURL: String?
        /// For the employer: the applicant's skills, fit for this vacancy, Russian, place and family size.
        var applicant: ApplicantView?
        /// "Confirm: Java developer" (the specialist's list) or "Confirm: Aziz Karimov" (a vacancy's applications):
        /// a screen reader tells the many Confirm buttons apart.
        var moveButtonLabel: String
    }

    struct OfferForm: Encodable {
        var salary = ""
        var startDate = ""
        var city = ""
        var contract = "employment"
        var contracts: [AuthPages.Choice] = []
    }

    /// A refused move, to show again on the card it came from.
    struct RefusedMove {
        let application: UUID
        let form: MoveForm
        let errors: [String: String]
    }

    static let forwardOrder: [ApplicationStage] = [.applied, .screening, .interview, .offer, .hired, .declined, .withdrawn, .rejected]

    static func card(_ application: JobApplication, vacancy: Vacancy, specialist: User, for party: ApplicationParty, _ req: Request,
                     refused: RefusedMove? = nil) throws -> Card {
        let id = try application.requireID()
        let kept = refused?.application == id ? refused : nil
        var offerForm = OfferForm(salary: kept?.form.salary ?? "", startDate: kept?.form.startDate ?? "", city: kept?.form.city ?? vacancy.city,
                                  contract: kept?.form.contract ?? "employment")
        offerForm.contracts = ["employment", "civil"].map {
            AuthPages.Choice(value: $0, label: req.t("contract.\($0)"), selected: $0 == offerForm.contract)
        }
        let chosen = kept?.form.stage ?? ""
        let stage = application.applicationStage
        let allowed = ApplicationWorkflow.allowed(from: stage, by: party)
            .sorted { forwardOrder.firstIndex(of: $0) ?? 99 < forwardOrder.firstIndex(of: $1) ?? 99 }
        let offer = application.offer.map {
            req.t("application.offer.terms", ["salary": ReasonWriter.money($0.salary, req.language), "date": req.date($0.startDate), "city": $0.city, "contract": req.t("contract.\($0.contract)")])
        }
        return Card(
            id: id.uuidString.lowercased(), vacancyTitle: vacancy.title, vacancyURL: SiteURL.vacancy(try vacancy.requireID()).path,
            stage: req.t("stage.\(stage.rawValue)"), note: application.note, person: specialist.displayName,
            email: party == .specialist || stage.sharesContacts ? specialist.email : nil, offer: offer,
            history: application.history.map { "\(req.moment($0.at)) — \(req.t("stage.\($0.stage)"))" },
            // Forward moves first, and nothing chosen until the person chooses: a stray Confirm must not reject or decline.
            moves: allowed.isEmpty ? [] : [AuthPages.Choice(value: "", label: req.t("form.choose"), selected: chosen.isEmpty)]
                + allowed.map { AuthPages.Choice(value: $0.rawValue, label: req.t("move.\($0.rawValue)"), selected: $0.rawValue == chosen) },
            moveAction: SiteURL.applicationMove(id).path,
            canOffer: ApplicationWorkflow.allowed(from: stage, by: party).contains(.offer),
            // `offer.salary` is `salary` on the card: the fields are the offer's.
            offerForm: offerForm, errors: Dictionary((kept?.errors ?? [:]).map { (String($0.key.split(separator: ".").last ?? ""), $0.value) },
                                                     uniquingKeysWith: { first, _ in first }),
            nextStepURL: party == .specialist && stage == .hired ? SiteURL.permits.path : nil,
            moveButtonLabel: req.t("application.moveSubmitFor", ["subject": party == .specialist ? vacancy.title : specialist.displayName])
        )
    }

    func apply(req: Request) async throws -> Response {
        let user = try req.auth.require(User.self)
        guard let id = req.parameters.get("vacancyID", as: UUID.self) else { throw AppError.notFound }
        let note = (try? req.content.get(String.self, at: "note")) ?? ""
        do {
            _ = try await req.applications.apply(to: id, note: note, by: user)
        } catch AppError.validation(let failure) {
            return try await VacancyPages().show(req: req, vacancyID: id, refused: nil, refusedApplication: (note, fieldMessages(failure, req)))
        } catch AppError.conflict {
            return req.redirect(to: SiteURL.applications.path + "?notice=exists", redirectType: .normal)
        }
        return req.redirect(to: SiteURL.applications.path + "?notice=applied", redirectType: .normal)
    }

    struct ListPage: Encodable {
        let layout: PageLayout
        let cards: [Card]
        let notice: String?
        let pager: Pager
    }

    static let pageSize = 20

    func list(req: Request) async throws -> Response {
        let user = try req.auth.require(User.self)
        guard user.domainRole == .specialist else { throw AppError.forbidden }
        let paging = try Paging(req, size: Self.pageSize)
        let userID = try user.requireID()
        let mine = JobApplication.query(on: req.database).filter(\.$specialist.$id == userID)
        let total = try await mine.copy().count()
        let applications = try await mine.with(\.$vacancy).sort(\.$createdAt, .descending).sort(\.$id).range(paging.range).all()
        let companies = try await Company.query(on: req.database).filter(\.$id ~~ applications.map(\.companyID)).all()
        let companyName = Dictionary(companies.compactMap { company in company.id.map { ($0, company.legalName) } }, uniquingKeysWith: { first, _ in first })
        var cards = try applications.map { try Self.card($0, vacancy: $0.vacancy, specialist: user, for: .specialist, req) }
        // Vacancies share titles ("Java developer"): each Confirm names the company too, and the day applied if even
        // that repeats, so a screen reader tells every button on the page apart.
        for index in cards.indices {
            let application = applications[index]
            cards[index].moveButtonLabel = req.t("application.moveSubmitFor", [
                "subject": [application.vacancy.title, companyName[application.companyID]].compactMap { $0 }.joined(separator: ", "),
            ])
        }
        for index in Self.repeatedLabels(cards) {
            cards[index].moveButtonLabel += " (\(applications[index].createdAt.map(req.moment) ?? ""))"
        }
        // Applied within the same minute: numbered, in the order the page shows them.
        for (ordinal, index) in Self.repeatedLabels(cards).enumerated() { cards[index].moveButtonLabel += " \(ordinal + 1)" }
        let notice = (try? req.query.get(String.self, at: "notice")).flatMap { ["applied", "exists", "moved"].contains($0) ? $0 : nil }
        return try await req.renderPage("applications", ListPage(
            layout: try PageLayout(request: req, titleKey: "applications.title"), cards: cards, notice: notice.map { req.t("applications.notice.\($0)") },
            pager: Pager(req, paging: paging, total: total)
        ))
    }

    struct MoveForm: Content {
        var stage: String?
        var salary: String?
        var startDate: String?
        var city: String?
        var contract: String?
    }

    /// The cards whose Confirm button is named like another's on the page.
    static func repeatedLabels(_ cards: [Card]) -> [Int] {
        Dictionary(grouping: cards.indices, by: { cards[$0].moveButtonLabel }).values.filter { $0.count > 1 }.flatMap { $0 }.sorted()
    }

    func move(req: Request) async throws -> Response {
        let user = try req.auth.require(User.self)
        guard let id = req.parameters.get("applicationID", as: UUID.self) else { throw AppError.notFound }
        let (application, party) = try await req.applications.visible(id, to: user)
        let form = (try? req.content.decode(MoveForm.self)) ?? MoveForm()
        let back = party == .employer ? SiteURL.vacancy(application.$vacancy.id).path + "#applications" : SiteURL.applications.path + "?notice=moved"
        if (form.stage ?? "").isEmpty { return req.redirect(to: back, redirectType: .normal) }
        guard let stage = form.stage.flatMap(ApplicationStage.init(rawValue:)) else {
            throw AppError.validation(ValidationFailure(field: "stage", code: "stage.unknown"))
        }
        let offer = stage == .offer
            ? ApplicationService.OfferInput(salary: Int((form.salary ?? "").filter { !$0.isWhitespace }), startDate: form.startDate ?? "",
                                            city: form.city ?? "", contract: form.contract ?? "")
            : nil
        do {
            _ = try await req.applications.move(application, to: stage, by: user, offer: offer)
        } catch AppError.validation(let failure) where party == .employer {
            // The vacancy page again, with the offer as it was typed and each error beside its field.
            let refused = RefusedMove(application: id, form: form, errors: fieldMessages(failure, req))
            return try await VacancyPages().show(req: req, vacancyID: application.$vacancy.id, refused: refused)
        }
        return req.redirect(to: back, redirectType: .normal)
    }
}
