import CaravanDomain
import CaravanPermits
import CaravanRegistry
import Fluent
import Foundation
import OpenAPIRuntime
import Vapor

/// Digital residency through the API: the same `ResidencyService` operations the pages call.
extension APIHandler {
    func getMyResidency(_ input: Operations.GetMyResidency.Input) async throws -> Operations.GetMyResidency.Output {
        let req = APIRequestContext.current
        let (user, _) = try await req.bearerUser()
        guard user.domainRole == .specialist else { throw AppError.forbidden }
        let overview = try await req.residency.overview(of: user)
        let passkeys = overview.resident?.isActive == true ? try await req.residency.passkeys(of: user) : []
        return .ok(.init(body: .json(.init(
            application: try overview.application.map { try Self.residencyApplication($0, req, resident: overview.resident, personal: true) },
            resident: overview.resident.map(Self.resident), passkeys: passkeys.compactMap(Self.passkey)
        ))))
    }

    func applyForResidency(_ input: Operations.ApplyForResidency.Input) async throws -> Operations.ApplyForResidency.Output {
        let req = APIRequestContext.current
        let (user, _) = try await req.bearerUser()
        guard user.domainRole == .specialist else { throw AppError.forbidden }
        guard case .json(let body) = input.body else { throw AppError.malformedRequest }
        guard let photo = Data(base64Encoded: body.photo, options: .ignoreUnknownCharacters) else {
            throw AppError.validation(ValidationFailure(field: "photo", code: body.photo.isEmpty ? "field.required" : "residency.photoType"))
        }
        let application = try await req.residency.apply(ResidencyApplicationInput(
            nameOriginal: body.nameOriginal, nameLatin: body.nameLatin, birthDate: body.birthDate, citizenship: body.citizenship,
            passportNumber: body.passportNumber, passportExpiresOn: body.passportExpiresOn, reason: body.reason.rawValue, photo: [UInt8](photo)
        ), by: user)
        return .created(.init(body: .json(try Self.residencyApplication(application, req, resident: nil, personal: true))))
    }

    func withdrawResidencyApplication(_ input: Operations.WithdrawResidencyApplication.Input) async throws -> Operations.WithdrawResidencyApplication.Output {
        let req = APIRequestContext.current
        let (user, _) = try await req.bearerUser()
        guard user.domainRole == .specialist else { throw AppError.forbidden }
        try await req.residency.withdraw(by: user)
        return .noContent(.init())
    }

    func getMyResidencyCard(_ input: Operations.GetMyResidencyCard.Input) async throws -> Operations.GetMyResidencyCard.Output {
        let req = APIRequestContext.current
        let (user, _) = try await req.bearerUser()
        let (_, signed) = try await req.residency.card(of: user)
        return .ok(.init(body: .json(Self.signedCard(signed))))
    }

    func startPasskeyRegistration(_ input: Operations.StartPasskeyRegistration.Input) async throws -> Operations.StartPasskeyRegistration.Output {
        let req = APIRequestContext.current
        let (user, _) = try await req.bearerUser()
        let options = try await req.residency.registrationOptions(for: user)
        return .ok(.init(body: .json(.init(
            challengeId: options.challengeID.uuidString.lowercased(), challenge: options.challenge, rpId: options.relyingParty.id, rpName: "Caravan",
            userId: options.userHandle, userName: options.userName, userDisplayName: options.userDisplayName,
            algorithms: [COSEAlgorithm.es256.rawValue, COSEAlgorithm.edDSA.rawValue], excludeCredentials: options.excludeCredentials,
            timeout: options.timeoutMilliseconds, attestation: "none", userVerification: "required"
        ))))
    }

    func registerPasskey(_ input: Operations.RegisterPasskey.Input) async throws -> Operations.RegisterPasskey.Output {
        let req = APIRequestContext.current
        let (user, _) = try await req.bearerUser()
        guard case .json(let body) = input.body else { throw AppError.malformedRequest }
        guard let challengeID = UUID(uuidString: body.challengeId) else { throw AppError.assertionRejected(code: "webauthn-challenge-unknown") }
        let passkey = try await req.residency.registerPasskey(.init(
            challengeID: challengeID, clientDataJSON: body.clientDataJSON, attestationObject: body.attestationObject, publicKey: body.publicKey,
            label: body.label
        ), by: user)
        guard let view = Self.passkey(passkey) else { throw AppError.malformedRequest }
        return .created(.init(body: .json(view)))
    }

    func removePasskey(_ input: Operations.RemovePasskey.Input) async throws -> Operations.RemovePasskey.Output {
        let req = APIRequestContext.current
        let (user, _) = try await req.bearerUser()
        guard let id = UUID(uuidString: input.path.passkeyId) else { throw AppError.notFound }
        try await req.residency.removePasskey(id, by: user)
        return .noContent(.init())
    }

    func createResidencyDocument(_ input: Operations.CreateResidencyDocument.Input) async throws -> Operations.CreateResidencyDocument.Output {
        let req = APIRequestContext.current
        let (user, _) = try await req.bearerUser()
        guard case .json(let body) = input.body else { throw AppError.malformedRequest }
        let row = try await req.residency.createDocument(title: body.title, text: body.text, by: user)
        return .created(.init(body: .json(try await Self.residencyDocument(row, req))))
    }

    func getResidencyDocument(_ input: Operations.GetResidencyDocument.Input) async throws -> Operations.GetResidencyDocument.Output {
        let req = APIRequestContext.current
        let (user, _) = try await req.bearerUser()
        guard let id = UUID(uuidString: input.path.documentId) else { throw AppError.notFound }
        let row = try await req.residency.document(id, of: user)
        return .ok(.init(body: .json(try await Self.residencyDocument(row, req))))
    }

    func startDocumentSigning(_ input: Operations.StartDocumentSigning.Input) async throws -> Operations.StartDocumentSigning.Output {
        let req = APIRequestContext.current
        let (user, _) = try await req.bearerUser()
        guard let id = UUID(uuidString: input.path.documentId) else { throw AppError.notFound }
        let options = try await req.residency.signingOptions(for: id, by: user)
        return .ok(.init(body: .json(.init(
            challengeId: options.challengeID.uuidString.lowercased(), challenge: options.challenge, rpId: options.relyingParty.id,
            allowCredentials: options.allowCredentials, timeout: options.timeoutMilliseconds, userVerification: "required",
            documentSha256: options.documentSHA256
        ))))
    }

    func signResidencyDocument(_ input: Operations.SignResidencyDocument.Input) async throws -> Operations.SignResidencyDocument.Output {
        let req = APIRequestContext.current
        let (user, _) = try await req.bearerUser()
        guard let id = UUID(uuidString: input.path.documentId) else { throw AppError.notFound }
        guard case .json(let body) = input.body else { throw AppError.malformedRequest }
        _ = try await req.residency.document(id, of: user)
        guard let challengeID = UUID(uuidString: body.challengeId) else { throw AppError.assertionRejected(code: "webauthn-challenge-unknown") }
        let row = try await req.residency.sign(id, .init(
            challengeID: challengeID, credentialID: body.credentialId, clientDataJSON: body.clientDataJSON,
            authenticatorData: body.authenticatorData, signature: body.signature
        ), by: user)
        return .ok(.init(body: .json(try await Self.residencyDocument(row, req))))
    }

    func verifySignedDocument(_ input: Operations.VerifySignedDocument.Input) async throws -> Operations.VerifySignedDocument.Output {
        let req = APIRequestContext.current
        guard case .json(let body) = input.body else { throw AppError.malformedRequest }
        // The generated type and the domain's have the same fields: one encodes into the other. Past the schema's
        // lengths it is no file Caravan made (the page refuses it the same way).
        guard let file = try? JSONDecoder().decode(SignedDocumentFile.self, from: JSONEncoder().encode(body)), file.isWithinLimits else {
            throw AppError.malformedRequest
        }
        return .ok(.init(body: .json(Self.verification(try await req.residency.check(file), req))))
    }

    func verifyResidencyCard(_ input: Operations.VerifyResidencyCard.Input) async throws -> Operations.VerifyResidencyCard.Output {
        let req = APIRequestContext.current
        guard let check = try await req.residency.verifyCard(number: input.path.number) else { throw AppError.notFound }
        let card = check.signed.card
        let revokedOn = check.resident.revokedAt.map { CalendarDate($0, in: PermitRegistry.moscow).description }
        let reason: String? = check.isRevoked ? req.text("residency.verifyCard.revoked", ["date": revokedOn ?? ""])
            : check.verdict == .valid ? nil : req.t("residency.verifyCard.\(check.verdict.rawValue)")
        return .ok(.init(body: .json(.init(
            number: card.number, valid: check.isValid, revoked: check.isRevoked, revokedOn: revokedOn,
            verdict: .init(rawValue: check.verdict.rawValue) ?? .badSignature, reason: reason, validUntil: card.validUntil, keyCount: card.keys.count
        ))))
    }

    func revokeResidency(_ input: Operations.RevokeResidency.Input) async throws -> Operations.RevokeResidency.Output {
        let req = APIRequestContext.current
        let (user, _) = try await req.bearerUser()
        try req.residency.requireOfficer(user)
        guard case .json(let body) = input.body else { throw AppError.malformedRequest }
        let resident = try await req.residency.revoke(number: input.path.number, ground: body.ground, by: user)
        return .ok(.init(body: .json(Self.resident(resident))))
    }

    func listResidencyApplications(_ input: Operations.ListResidencyApplications.Input) async throws -> Operations.ListResidencyApplications.Output {
        let req = APIRequestContext.current
        let (user, _) = try await req.bearerUser()
        let status = input.query.status.flatMap { ResidencyApplicationStatus(rawValue: $0.rawValue) }
        let rows = try await req.residency.queue(by: user, status: status)
        try await DataAccessLog(app: req.application, database: req.database).record(
            .caseFile, rows.map { (subject: $0.$user.id, context: DataAccess.Context.residencyApplication, contextID: $0.id) }, by: user
        )
        return .ok(.init(body: .json(.init(applications: try rows.map { try Self.residencyApplication($0, req, resident: nil, personal: false) }))))
    }

    func getResidencyApplication(_ input: Operations.GetResidencyApplication.Input) async throws -> Operations.GetResidencyApplication.Output {
        let req = APIRequestContext.current
        let (user, _) = try await req.bearerUser()
        try req.residency.requireOfficer(user)
        guard let id = UUID(uuidString: input.path.applicationId) else { throw AppError.notFound }
        let (application, checks, resident) = try await req.residency.review(id, by: user)
        var view = try Self.residencyApplication(application, req, resident: resident, personal: true)
        view.checks = Self.checks(checks, application: application, today: req.residency.today, mayApprove: req.residency.mayApprove(application, checks))
        return .ok(.init(body: .json(view)))
    }

    func decideResidencyApplication(_ input: Operations.DecideResidencyApplication.Input) async throws -> Operations.DecideResidencyApplication.Output {
        let req = APIRequestContext.current
        let (user, _) = try await req.bearerUser()
        try req.residency.requireOfficer(user)
        guard let id = UUID(uuidString: input.path.applicationId) else { throw AppError.notFound }
        guard case .json(let body) = input.body else { throw AppError.malformedRequest }
        let decision: ResidencyService.Decision = body.decision.rawValue == "approve" ? .approve : .refuse(ground: body.ground ?? "")
        let resident = try await req.residency.decide(id, decision, by: user)
        guard let application = try await ResidencyApplication.find(id, on: req.database) else { throw AppError.notFound }
        return .ok(.init(body: .json(try Self.residencyApplication(application, req, resident: resident, personal: true))))
    }

    func searchOkved(_ input: Operations.SearchOkved.Input) async throws -> Operations.SearchOkved.Output {
        let req = APIRequestContext.current
        let query = input.query.q
        guard !query.isEmpty, query.unicodeScalars.count <= OkvedLookup.maximumQuery else { throw AppError.malformedRequest }
        let limit = input.query.limit ?? 20
        guard OkvedLookup.limits.contains(limit) else { throw AppError.malformedRequest }
        let language = req.language.rawValue
        let entries = OkvedLookup.search(query, limit: limit, in: req.application).map {
            Operations.SearchOkved.Output.Ok.Body.JsonPayload.EntriesPayloadPayload(code: $0.code, name: $0.name(language), ru: $0.ru, en: $0.en, isIT: $0.isIT)
        }
        return .ok(.init(body: .json(.init(edition: req.application.okved.edition, entries: entries))))
    }

    // MARK: Views

    static func residencyApplication(_ application: ResidencyApplication, _ req: Request, resident: Resident?,
                                     personal: Bool) throws -> Components.Schemas.ResidencyApplication {
        let language = req.language.rawValue
        let ground = application.ground.flatMap { req.application.residencyRegistry.grounds.ground($0, for: .refuse) }
        return .init(
            id: try application.requireID().uuidString.lowercased(),
            status: .init(rawValue: application.status) ?? .withdrawn,
            nameOriginal: application.nameOriginal, nameLatin: application.nameLatin,
            birthDate: personal ? application.birthDate : nil, citizenship: application.citizenship,
            passportNumber: personal ? application.passportNumber : nil, passportExpiresOn: personal ? application.passportExpiresOn : nil,
            reason: .init(rawValue: application.reason) ?? .foundCompany, submittedOn: application.submittedOn, decideBy: application.decideBy,
            workingDaysLeft: application.applicationStatus.isOpen ? req.residency.workingDaysLeft(application) : nil,
            ground: application.ground, groundText: ground?.title.text(language), groundBasis: ground?.basis.text(language),
            residencyNumber: resident?.number
        )
    }

    static func checks(_ checks: ResidencyChecks, application: ResidencyApplication, today: CalendarDate,
                       mayApprove: Bool) -> Components.Schemas.ResidencyChecks {
        var view = Components.Schemas.ResidencyChecks(identityVerified: checks.identity.isVerified,
                                                      entryBan: checks.entryBan.map { $0.isBanned ? .banned : .clear } ?? .unchecked)
        switch checks.identity {
        case .centre(let centre, let day):
            view.identitySource = .centre
            view.identityCentre = centre
            view.identityDate = day.description
        case .permit(let number):
            view.identitySource = .permit
            view.permitNumber = number
        case .notVerified: break
        }
        let expiry = CalendarDate(application.passportExpiresOn) ?? today.adding(days: -1)
        view.passportValid = expiry >= today
        view.mayApprove = mayApprove
        return view
    }

    static func resident(_ resident: Resident) -> Components.Schemas.Resident {
        .init(number: resident.number, status: resident.isActive ? .active : .revoked, issuedOn: resident.issuedOn, validUntil: resident.validUntil,
              cardRevision: resident.cardRevision, revokedOn: resident.revokedAt.map { CalendarDate($0, in: PermitRegistry.moscow).description },
              revokedGround: resident.revokedGround)
    }

    static func passkey(_ passkey: Passkey) -> Components.Schemas.Passkey? {
        guard let id = passkey.id, let stored = passkey.stored else { return nil }
        return .init(id: id.uuidString.lowercased(), label: passkey.label, algorithm: .init(rawValue: stored.algorithm.name) ?? .es256,
                     fingerprint: stored.fingerprint, signCount: passkey.signCount, createdAt: passkey.createdAt, lastUsedAt: passkey.lastUsedAt)
    }

    static func signedCard(_ signed: ResidencyCard.Signed) -> Components.Schemas.SignedResidencyCard {
        let card = signed.card
        return .init(card: .init(number: card.number, name: card.name, citizenship: card.citizenship, issuedOn: card.issuedOn, validUntil: card.validUntil,
                                 revision: card.revision, keys: card.keys.map { .init(algorithm: $0.algorithm, fingerprint: $0.fingerprint) }),
                     signature: signed.signature, publicKey: signed.publicKey)
    }

    static func verification(_ check: ResidencyService.DocumentCheck, _ req: Request) -> Components.Schemas.DocumentVerification {
        .init(valid: check.isValid, verdict: .init(rawValue: check.verdict.rawValue) ?? .malformed, revoked: check.revoked,
              revokedOn: check.revokedOn,
              reason: check.revoked ? req.text("residency.verify.revoked", ["date": check.revokedOn ?? ""]) : req.t("residency.verify.\(check.verdict.rawValue)"))
    }

    static func residencyDocument(_ row: ResidencyDocument, _ req: Request) async throws -> Components.Schemas.ResidencyDocument {
        var view = Components.Schemas.ResidencyDocument(id: try row.requireID().uuidString.lowercased(), kind: row.kind, title: row.title,
                                                        canonical: row.canonical, sha256: row.sha256, signed: row.signedAt != nil, signedAt: row.signedAt)
        if let file = row.signed {
            view.verification = verification(try await req.residency.check(file), req)
            view.signedFile = try? JSONDecoder().decode(Components.Schemas.SignedDocumentFile.self, from: JSONEncoder().encode(file))
        }
        return view
    }
}
