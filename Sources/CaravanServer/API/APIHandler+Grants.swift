import CaravanAllocation
import CaravanDomain
import Fluent
import Foundation
import OpenAPIRuntime
import Vapor

/// Study grants through the API: the same `GrantService` operations the pages call.
extension APIHandler {
    // MARK: Universities and programmes

    func listUniversities(_ input: Operations.ListUniversities.Input) async throws -> Operations.ListUniversities.Output {
        let req = APIRequestContext.current
        return .ok(.init(body: .json(try await req.grants.universities().map(Components.Schemas.University.init))))
    }

    func createUniversity(_ input: Operations.CreateUniversity.Input) async throws -> Operations.CreateUniversity.Output {
        let req = APIRequestContext.current
        let (user, _) = try await req.bearerUser()
        guard case .json(let body) = input.body else { throw AppError.malformedRequest }
        let university = try await req.grants.createUniversity(name: body.name, city: body.city, districtGroup: body.districtGroup.rawValue, by: user)
        return .created(.init(body: .json(.init(university))))
    }

    func assignUniversityStaff(_ input: Operations.AssignUniversityStaff.Input) async throws -> Operations.AssignUniversityStaff.Output {
        let req = APIRequestContext.current
        let (user, _) = try await req.bearerUser()
        guard user.domainRole == .admin else { throw AppError.forbidden }
        guard let id = UUID(uuidString: input.path.universityId) else { throw AppError.notFound }
        guard case .json(let body) = input.body else { throw AppError.malformedRequest }
        try await req.grants.assignStaff(email: body.email, universityID: id, by: user)
        return .noContent(.init())
    }

    func createGrantProgramme(_ input: Operations.CreateGrantProgramme.Input) async throws -> Operations.CreateGrantProgramme.Output {
        let req = APIRequestContext.current
        let (user, _) = try await req.bearerUser()
        guard let role = user.domainRole, [.admin, .universityAdmissions].contains(role) else { throw AppError.forbidden }
        guard let id = UUID(uuidString: input.path.universityId) else { throw AppError.notFound }
        guard case .json(let body) = input.body else { throw AppError.malformedRequest }
        let programme = try await req.grants.createProgramme(
            at: id,
            .init(name: body.name, field: body.field, level: body.level.rawValue, language: body.language.rawValue, seats: body.seats,
                  weights: Self.subjectNumbers(body.weights)),
            by: user
        )
        return .created(.init(body: .json(try await Self.grantProgramme(programme, req))))
    }

    func updateGrantProgramme(_ input: Operations.UpdateGrantProgramme.Input) async throws -> Operations.UpdateGrantProgramme.Output {
        let req = APIRequestContext.current
        let (user, _) = try await req.bearerUser()
        guard let role = user.domainRole, [.admin, .universityAdmissions].contains(role) else { throw AppError.forbidden }
        guard case .json(let body) = input.body else { throw AppError.malformedRequest }
        let programme = try await req.grants.updateProgramme(input.path.programmeId, seats: body.seats, weights: Self.subjectNumbers(body.weights), by: user)
        return .ok(.init(body: .json(try await Self.grantProgramme(programme, req))))
    }

    func listGrantProgrammes(_ input: Operations.ListGrantProgrammes.Input) async throws -> Operations.ListGrantProgrammes.Output {
        let req = APIRequestContext.current
        let universities = try await req.grants.universitiesByID()
        let programmes = try await req.grants.programmes(level: input.query.level?.rawValue)
        return .ok(.init(body: .json(programmes.compactMap { Self.grantProgramme($0, universities) })))
    }

    // MARK: Rounds

    func listGrantRounds(_ input: Operations.ListGrantRounds.Input) async throws -> Operations.ListGrantRounds.Output {
        let req = APIRequestContext.current
        var views: [Components.Schemas.GrantRound] = []
        for round in try await req.grants.rounds() { views.append(try await Self.grantRound(round, req, outcomes: false)) }
        return .ok(.init(body: .json(views)))
    }

    func createGrantRound(_ input: Operations.CreateGrantRound.Input) async throws -> Operations.CreateGrantRound.Output {
        let req = APIRequestContext.current
        let (user, _) = try await req.bearerUser()
        guard case .json(let body) = input.body else { throw AppError.malformedRequest }
        let round = try await req.grants.createRound(Self.roundInput(body), by: user)
        return .created(.init(body: .json(try await Self.grantRound(round, req, outcomes: false))))
    }

    func openSecondGrantRound(_ input: Operations.OpenSecondGrantRound.Input) async throws -> Operations.OpenSecondGrantRound.Output {
        let req = APIRequestContext.current
        let (user, _) = try await req.bearerUser()
        guard user.domainRole == .admin else { throw AppError.forbidden }
        guard let id = UUID(uuidString: input.path.roundId) else { throw AppError.notFound }
        guard case .json(let body) = input.body else { throw AppError.malformedRequest }
        let round = try await req.grants.openSecondRound(after: id, Self.roundInput(body), by: user)
        return .created(.init(body: .json(try await Self.grantRound(round, req, outcomes: false))))
    }

    func getGrantRound(_ input: Operations.GetGrantRound.Input) async throws -> Operations.GetGrantRound.Output {
        let req = APIRequestContext.current
        guard let id = UUID(uuidString: input.path.roundId) else { throw AppError.notFound }
        return .ok(.init(body: .json(try await Self.grantRound(try await req.grants.round(id), req, outcomes: true))))
    }

    func getGrantRoundInput(_ input: Operations.GetGrantRoundInput.Input) async throws -> Operations.GetGrantRoundInput.Output {
        let req = APIRequestContext.current
        guard let id = UUID(uuidString: input.path.roundId) else { throw AppError.notFound }
        let round = try await req.grants.round(id)
        guard let text = round.input else { throw AppError.conflict(code: "grant-round-open") }
        return .ok(.init(body: .json(try JSONDecoder().decode(Operations.GetGrantRoundInput.Output.Ok.Body.JsonPayload.self, from: Data(text.utf8)))))
    }

    func getGrantRoundResult(_ input: Operations.GetGrantRoundResult.Input) async throws -> Operations.GetGrantRoundResult.Output {
        let req = APIRequestContext.current
        guard let id = UUID(uuidString: input.path.roundId) else { throw AppError.notFound }
        let round = try await req.grants.round(id)
        guard let text = round.result else { throw AppError.conflict(code: round.status == .open ? "grant-round-open" : "grant-round-frozen") }
        return .ok(.init(body: .json(try JSONDecoder().decode(Operations.GetGrantRoundResult.Output.Ok.Body.JsonPayload.self, from: Data(text.utf8)))))
    }

    func setGrantCeilings(_ input: Operations.SetGrantCeilings.Input) async throws -> Operations.SetGrantCeilings.Output {
        let req = APIRequestContext.current
        let (user, _) = try await req.bearerUser()
        guard user.domainRole == .admin else { throw AppError.forbidden }
        guard let id = UUID(uuidString: input.path.roundId) else { throw AppError.notFound }
        guard case .json(let body) = input.body else { throw AppError.malformedRequest }
        let count = try await req.grants.setCeilings(of: id, body.rows.map { .init(programme: $0.programme, country: $0.country, ceiling: $0.ceiling) }, by: user)
        return .ok(.init(body: .json(.init(rows: count))))
    }

    func freezeGrantRound(_ input: Operations.FreezeGrantRound.Input) async throws -> Operations.FreezeGrantRound.Output {
        let req = APIRequestContext.current
        let (user, _) = try await req.bearerUser()
        guard user.domainRole == .admin else { throw AppError.forbidden }
        guard let id = UUID(uuidString: input.path.roundId) else { throw AppError.notFound }
        return .ok(.init(body: .json(try await Self.grantRound(try await req.grants.freeze(id, by: user), req, outcomes: false))))
    }

    func runGrantRound(_ input: Operations.RunGrantRound.Input) async throws -> Operations.RunGrantRound.Output {
        let req = APIRequestContext.current
        let (user, _) = try await req.bearerUser()
        guard user.domainRole == .admin else { throw AppError.forbidden }
        guard let id = UUID(uuidString: input.path.roundId) else { throw AppError.notFound }
        return .ok(.init(body: .json(try await Self.grantRound(try await req.grants.runAndPublish(id, by: user), req, outcomes: true))))
    }

    func getGrantRetention(_ input: Operations.GetGrantRetention.Input) async throws -> Operations.GetGrantRetention.Output {
        let req = APIRequestContext.current
        guard let id = UUID(uuidString: input.path.roundId) else { throw AppError.notFound }
        let round = try await req.grants.round(id)
        let (graduates, horizons) = try await req.grants.retention(id)
        return .ok(.init(body: .json(.init(
            round: round.title, graduates: PublicCount(graduates).text,
            horizons: horizons.map { .init(years: $0.years, reached: PublicCount($0.reached).text, working: PublicCount($0.working).text,
                                           holdingPermit: PublicCount($0.holdingPermit).text) }
        ))))
    }

    // MARK: Applications

    func saveGrantApplication(_ input: Operations.SaveGrantApplication.Input) async throws -> Operations.SaveGrantApplication.Output {
        let req = APIRequestContext.current
        let (user, _) = try await req.bearerUser()
        guard user.domainRole == .specialist else { throw AppError.forbidden }
        guard let id = UUID(uuidString: input.path.roundId) else { throw AppError.notFound }
        guard case .json(let body) = input.body else { throw AppError.malformedRequest }
        let application = try await req.grants.saveApplication(
            in: id, .init(name: body.name, country: body.country, level: body.level.rawValue, schoolCertificate: body.schoolCertificate,
                          choices: body.choices),
            by: user
        )
        return .ok(.init(body: .json(try await Self.grantApplication(application, req))))
    }

    func listMyGrantApplications(_ input: Operations.ListMyGrantApplications.Input) async throws -> Operations.ListMyGrantApplications.Output {
        let req = APIRequestContext.current
        let (user, _) = try await req.bearerUser()
        guard user.domainRole == .specialist else { throw AppError.forbidden }
        var views: [Components.Schemas.GrantApplication] = []
        for application in try await req.grants.applications(of: user) { views.append(try await Self.grantApplication(application, req)) }
        return .ok(.init(body: .json(views)))
    }

    func recordGrantScores(_ input: Operations.RecordGrantScores.Input) async throws -> Operations.RecordGrantScores.Output {
        let req = APIRequestContext.current
        let (user, _) = try await req.bearerUser()
        guard let role = user.domainRole, [.centreStaff, .universityAdmissions].contains(role) else { throw AppError.forbidden }
        guard let id = UUID(uuidString: input.path.applicationId) else { throw AppError.notFound }
        guard case .json(let body) = input.body else { throw AppError.malformedRequest }
        let application = try await req.grants.recordScores(of: id, Self.subjectNumbers(body.scores), by: user)
        return .ok(.init(body: .json(.init(application))))
    }

    func answerGrantPlace(_ input: Operations.AnswerGrantPlace.Input) async throws -> Operations.AnswerGrantPlace.Output {
        let req = APIRequestContext.current
        let (user, _) = try await req.bearerUser()
        guard user.domainRole == .specialist else { throw AppError.forbidden }
        guard let id = UUID(uuidString: input.path.applicationId) else { throw AppError.notFound }
        guard case .json(let body) = input.body else { throw AppError.malformedRequest }
        let application = try await req.grants.respond(id, accept: body.accept, by: user)
        return .ok(.init(body: .json(try await Self.grantApplication(application, req))))
    }

    func moveGrantStudent(_ input: Operations.MoveGrantStudent.Input) async throws -> Operations.MoveGrantStudent.Output {
        let req = APIRequestContext.current
        let (user, _) = try await req.bearerUser()
        guard user.domainRole == .universityAdmissions else { throw AppError.forbidden }
        guard let id = UUID(uuidString: input.path.applicationId) else { throw AppError.notFound }
        guard case .json(let body) = input.body else { throw AppError.malformedRequest }
        guard let status = GrantStatus(rawValue: body.status.rawValue) else { throw AppError.malformedRequest }
        let application = try await req.grants.advance(id, to: status, graduatedOn: body.graduatedOn, by: user)
        return .ok(.init(body: .json(.init(application))))
    }

    func listAdmittedStudents(_ input: Operations.ListAdmittedStudents.Input) async throws -> Operations.ListAdmittedStudents.Output {
        let req = APIRequestContext.current
        let (user, _) = try await req.bearerUser()
        let admitted = try await req.grants.admitted(by: user)
        return .ok(.init(body: .json(admitted.applications.map(Components.Schemas.GrantDeskApplication.init))))
    }

    // MARK: Views

    static func subjectNumbers(_ numbers: Components.Schemas.SubjectNumbers) -> [String: Int] {
        var map: [String: Int] = [:]
        map["math"] = numbers.math
        map["informatics"] = numbers.informatics
        map["physics"] = numbers.physics
        map["russian"] = numbers.russian
        return map
    }

    static func roundInput(_ body: Components.Schemas.NewGrantRound) -> GrantService.RoundInput {
        GrantService.RoundInput(title: body.title, opensOn: body.opensOn, closesOn: body.closesOn, answerUntil: body.answerUntil,
                                quotas: body.quotas.additionalProperties, maximumChoices: body.maximumChoices ?? 6,
                                maximumPerGroup: body.maximumPerGroup ?? 2)
    }

    static func grantProgramme(_ programme: GrantProgramme, _ universities: [UUID: University]) -> Components.Schemas.GrantProgramme? {
        guard let university = universities[programme.universityID], let level = Components.Schemas.StudyLevel(rawValue: programme.level),
              let group = Components.Schemas.DistrictGroup(rawValue: university.districtGroup) else { return nil }
        return .init(id: programme.code, name: programme.name, field: programme.field, level: level, language: programme.language, seats: programme.seats,
                     universityId: programme.universityID.uuidString.lowercased(), university: university.name, districtGroup: group,
                     weights: .init(additionalProperties: programme.weights))
    }

    static func grantProgramme(_ programme: GrantProgramme, _ req: Request) async throws -> Components.Schemas.GrantProgramme {
        guard let view = grantProgramme(programme, try await req.grants.universitiesByID()) else { throw AppError.notFound }
        return view
    }

    static func grantRound(_ round: GrantRound, _ req: Request, outcomes: Bool) async throws -> Components.Schemas.GrantRound {
        var programmes: [Components.Schemas.GrantProgrammeOutcome] = []
        let run = req.application.grantRuns.run(of: round)
        let result = outcomes ? run?.1 : nil
        if let result {
            let universities = try await req.grants.universitiesByID()
            let catalogue = Dictionary(uniqueKeysWithValues: try await req.grants.programmes().map { ($0.code, $0) })
            programmes = result.programmes.map { outcome in
                let programme = catalogue[outcome.programme]
                return .init(programme: outcome.programme, name: programme?.name ?? outcome.programme,
                             university: programme.flatMap { universities[$0.universityID]?.name } ?? "", seats: outcome.seats,
                             admitted: PublicCount(outcome.admitted).text, cutoff: outcome.lastAdmittedScore)
            }
        }
        return .init(
            id: try round.requireID().uuidString.lowercased(), title: round.title, opensOn: round.opensOn, closesOn: round.closesOn,
            answerUntil: round.answerUntil, status: .init(rawValue: round.status.rawValue) ?? .open, windowOpen: req.grants.isWindowOpen(round),
            seed: round.seed, maximumChoices: round.maximumChoices, maximumPerGroup: round.maximumPerGroup,
            quotas: .init(additionalProperties: round.quotas), previousRoundId: round.previousRoundID?.uuidString.lowercased(),
            inputDigest: round.inputDigest, resultDigest: round.resultDigest, codeVersion: run?.1.codeVersion,
            applications: run.map { PublicCount($0.0.applicants.count).text }, programmes: programmes
        )
    }

    static func grantApplication(_ application: GrantApplication, _ req: Request) async throws -> Components.Schemas.GrantApplication {
        let round = try await req.grants.round(application.roundID)
        let reasons = req.grants.whyNot(for: application, in: round).map { reason -> Components.Schemas.WhyNotReason in
            // The page puts "Why not:" before the reason; on its own it starts a sentence.
            let sentence = req.whyNotText(reason)
            let message = sentence.prefix(1).uppercased() + sentence.dropFirst()
            return switch reason {
            case .cutoff(let programme, let last, let yours, let lottery):
                .init(programme: programme, reason: .cutoff, lastAdmittedScore: last, yourScore: yours, lottery: lottery, message: message)
            case .countryCeiling(let programme, _, let ceiling, let yours):
                .init(programme: programme, reason: .countryCeiling, yourScore: yours, ceiling: ceiling, message: message)
            case .noSeats(let programme):
                .init(programme: programme, reason: .noSeats, message: message)
            }
        }
        return .init(
            id: try application.requireID().uuidString.lowercased(), number: application.number, roundId: application.roundID.uuidString.lowercased(),
            round: round.title, name: application.name, country: application.country,
            level: Components.Schemas.StudyLevel(rawValue: application.level) ?? .bachelor, choices: application.choices,
            scores: .init(additionalProperties: application.scores), russianVerified: application.russianVerified,
            status: .init(rawValue: application.status.rawValue) ?? .applied, programme: application.placedCode,
            answerUntil: round.status == .published ? round.answerUntil : nil, whyNot: round.status == .published ? reasons : nil
        )
    }
}

extension Components.Schemas.University {
    init(_ university: University) {
        self.init(id: university.id?.uuidString.lowercased() ?? "", name: university.name, city: university.city,
                  districtGroup: .init(rawValue: university.districtGroup) ?? .central)
    }
}

extension Components.Schemas.GrantDeskApplication {
    init(_ application: GrantApplication) {
        self.init(id: application.id?.uuidString.lowercased() ?? "", number: application.number, name: application.name, country: application.country,
                  level: .init(rawValue: application.level) ?? .bachelor, choices: application.choices,
                  scores: .init(additionalProperties: application.scores), status: .init(rawValue: application.status.rawValue) ?? .applied,
                  programme: application.placedCode, graduatedOn: application.graduatedOn)
    }
}
