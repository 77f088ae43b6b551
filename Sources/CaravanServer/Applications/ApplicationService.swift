import CaravanDomain
import Fluent
import Foundation
import Vapor

/// Applying, inviting and moving applications through their stages, for the two parties only.
struct ApplicationService: Sendable {
    let app: Application
    let database: any Database

    private var now: Date { app.dependencies.now() }
    /// A note is a cover letter, not a CV: 2,000 characters.
    static let noteMaximum = 2000

    func apply(to vacancyID: UUID, note rawNote: String, by user: User) async throws -> JobApplication {
        guard user.domainRole == .specialist else { throw AppError.forbidden }
        guard let vacancy = try await Vacancy.find(vacancyID, on: database), vacancy.vacancyStatus == .published else {
            throw AppError.notFound
        }
        let note = rawNote.trimmingCharacters(in: .whitespacesAndNewlines)
        if note.count > Self.noteMaximum {
            throw AppError.validation(ValidationFailure(field: "note", code: "text.tooLong", arguments: ["max": "\(Self.noteMaximum)"]))
        }
        let userID = try user.requireID()
        if let existing = try await JobApplication.query(on: database)
            .filter(\.$vacancy.$id == vacancyID).filter(\.$specialist.$id == userID).first() {
            // An invitation is answered by applying; anything else is a second application.
            if existing.applicationStage == .invited {
                return try await move(existing, to: .applied, by: user, offer: nil)
            }
            throw AppError.conflict(code: "application-exists")
        }
        let application = JobApplication(
            vacancyID: vacancyID, specialistID: userID, companyID: vacancy.$company.id, stage: .applied, note: note,
            by: .specialist, at: now
        )
        try await record(application, entering: .applied, by: .specialist, isNew: true)
        return application
    }

    /// An employer invites a specialist to one of their company's published vacancies. The specialist's contacts
    /// stay hidden until they accept (by applying).
    func invite(_ specialistID: UUID, to vacancyID: UUID, by user: User) async throws -> JobApplication {
        let vacancy = try await VacancyService(app: app, database: database).ownVacancy(vacancyID, of: user)
        guard vacancy.vacancyStatus == .published else { throw AppError.conflict(code: "vacancy-not-published") }
        guard let specialist = try await User.find(specialistID, on: database), specialist.domainRole == .specialist else {
            throw AppError.notFound
        }
        if try await JobApplication.query(on: database).filter(\.$vacancy.$id == vacancyID).filter(\.$specialist.$id == specialistID).first() != nil {
            throw AppError.conflict(code: "application-exists")
        }
        let application = JobApplication(
            vacancyID: vacancyID, specialistID: specialistID, companyID: vacancy.$company.id, stage: .invited, note: "", by: .employer, at: now
        )
        try await record(application, entering: .invited, by: .employer, isNew: true)
        return application
    }

    /// Saves the application and tells the other party, in one transaction; then sends the mail that waits.
    private func record(_ application: JobApplication, entering stage: ApplicationStage, by party: ApplicationParty, isNew: Bool) async throws {
        do {
            try await database.writeTransaction { database in
                if isNew { try await application.create(on: database) } else { try await application.save(on: database) }
                try await NotificationService(app: app, database: database).applicationMoved(application, to: stage, by: party)
                // An accepted offer from an accredited company is a new contract: it stops a running grace period.
                if stage == .hired, let offer = application.offer, let company = try await Company.find(application.companyID, on: database) {
                    try await PermitService(app: app, database: database).newContract(startingOn: offer.startDate, for: application.$specialist.id, with: company)
                }
            }
        } catch let error as any DatabaseError where error.isConstraintFailure {
            throw AppError.conflict(code: "application-exists")
        }
        await app.outbox.sweep(app: app, on: database)
    }

    /// The applications to a vacancy of `user`'s company, newest first, with their specialists: each card a read
    /// of that person's application (a line in their who-looked log).
    func applications(to vacancy: Vacancy, readBy user: User, limit: Int, offset: Int = 0) async throws -> [JobApplication] {
        let list = try await JobApplication.query(on: database).filter(\.$vacancy.$id == vacancy.requireID()).with(\.$specialist)
            .sort(\.$createdAt, .descending).sort(\.$id).range(offset..<(offset + limit)).all()
        try await DataAccessLog(app: app, database: database).record(
            .application, of: list.map(\.$specialist.id), by: user, context: .vacancyApplications, contextID: vacancy.id
        )
        return list
    }

    /// How many applications a vacancy has, for the pages under its list.
    func applicationCount(to vacancy: Vacancy) async throws -> Int {
        try await JobApplication.query(on: database).filter(\.$vacancy.$id == vacancy.requireID()).count()
    }

    /// The application as `user` may see it: their own, or one to their company's vacancy. Others get 404.
    func visible(_ id: UUID, to user: User) async throws -> (JobApplication, ApplicationParty) {
        guard let application = try await JobApplication.query(on: database).filter(\.$id == id)
            .with(\.$vacancy).with(\.$specialist).first()
        else { throw AppError.notFound }
        if user.domainRole == .specialist, application.$specialist.id == user.id { return (application, .specialist) }
        if user.domainRole == .employer, let company = try await CompanyService(app: app, database: database).company(of: user),
           company.id == application.companyID {
            return (application, .employer)
        }
        throw AppError.notFound
    }

    /// Moves an application; a move outside the workflow is a 409 that names the current stage.
    func move(_ application: JobApplication, to target: ApplicationStage, by user: User, offer: OfferInput?) async throws -> JobApplication {
        let party: ApplicationParty = user.domainRole == .employer ? .employer : .specialist
        switch ApplicationWorkflow.move(from: application.applicationStage, to: target, by: party) {
        case .failure(let refusal):
            throw AppError.stageConflict(current: refusal.current.rawValue)
        case .success(let stage):
            if stage == .offer {
                // An offer is made on a vacancy that is still open; a closed or withdrawn-to-draft one makes none.
                let vacancy = try await application.$vacancy.get(on: database)
                guard vacancy.vacancyStatus == .published else { throw AppError.conflict(code: "vacancy-not-published") }
                guard let offer else {
                    throw AppError.validation(ValidationFailure(field: "offer", code: "field.required"))
                }
                application.offer = try validate(offer)
            }
            application.stage = stage.rawValue
            application.history.append(.init(stage: stage.rawValue, by: party.name, at: now))
            try await record(application, entering: stage, by: party, isNew: false)
            return application
        }
    }

    struct OfferInput: Sendable {
        var salary: Int?
        var startDate: String
        var city: String
        var contract: String
    }

    func validate(_ input: OfferInput) throws -> JobApplication.Offer {
        var validator = Validator()
        if let salary = input.salary, salary > 0, salary <= ProfileRules.salaryMaximum {
            if salary < ProfileRules.salaryMinimum { validator.add("offer.salary", "salary.tooLow") }
        } else {
            validator.add("offer.salary", "salary.invalid")
        }
        let today = CalendarDay.today(now)
        if !AccreditationRules.isCalendarDate(input.startDate) {
            validator.add("offer.startDate", "date.invalid")
        } else if input.startDate < today {
            validator.add("offer.startDate", "date.past")
        }
        let city = input.city.trimmingCharacters(in: .whitespaces)
        if city.isEmpty { validator.add("offer.city", "field.required") } else if city.unicodeScalars.count > 100 { validator.add("offer.city", "text.tooLong", ["max": "100"]) }
        if !["employment", "civil"].contains(input.contract) { validator.add("offer.contract", "contract.unknown") }
        do { try validator.check() } catch { throw AppError.validation(error) }
        return .init(salary: input.salary!, startDate: input.startDate, city: city, contract: input.contract)
    }
}

extension Request {
    var applications: ApplicationService { ApplicationService(app: application, database: database) }
}
