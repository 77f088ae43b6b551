import CaravanCentres
import CaravanDomain
import CaravanPermits
import CaravanRegistry
import Fluent
import Foundation
import Vapor

/// The applicant's and resident's pages: apply, follow the application, the card, passkeys, signing. Every action
/// calls `ResidencyService`, as the API does. Passkeys and signing need JavaScript (WebAuthn is a browser API);
/// the pages say so, and everything else works without it.
struct ResidencyPages: RouteCollection {
    /// The application form carries a photo: its limit is the photo's and the fields'.
    static let applicationBodyLimit = ResidencyRules.maximumPhotoBytes + 64 * 1024

    static func isUploadPath(_ path: String) -> Bool {
        path == SiteURL.residencyApply.path || path == SiteURL.verifySignedDocument.path
    }

    func boot(routes: any RoutesBuilder) throws {
        let signedIn = routes.grouped(SignedInOnly())
        signedIn.get(SiteURL.residency.pathComponents, use: show)
        signedIn.on(.POST, SiteURL.residencyApply.pathComponents, body: .collect(maxSize: ByteCount(value: Self.applicationBodyLimit)), use: apply)
        signedIn.post(SiteURL.residencyWithdraw.pathComponents, use: withdraw)
        signedIn.get(SiteURL.residencyPhoto.pathComponents, use: photo)
        signedIn.get(SiteURL.residencyCard.pathComponents, use: card)
        signedIn.get(SiteURL.residencyCardFile.pathComponents, use: cardFile)
        signedIn.post(SiteURL.residencyPasskeyNew.pathComponents, use: newPasskey)
        signedIn.post(SiteURL.residencyPasskeys.pathComponents, use: registerPasskey)
        signedIn.post(SiteURL.residencyPasskeyRemove(UUID()).pathComponents, use: removePasskey)
        signedIn.post(SiteURL.residencyDocuments.pathComponents, use: createDocument)
        signedIn.get(SiteURL.residencyDocument(UUID()).pathComponents, use: document)
        signedIn.post(SiteURL.residencyDocumentSignature(UUID()).pathComponents, use: sign)
        signedIn.get(SiteURL.residencyDocumentFile(UUID()).pathComponents, use: documentFile)
        routes.get(SiteURL.verifySignedDocument.pathComponents, use: verifyForm)
        routes.on(.POST, SiteURL.verifySignedDocument.pathComponents, body: .collect(maxSize: ByteCount(value: Self.applicationBodyLimit)), use: verifyUpload)
        routes.get(SiteURL.registryKey.pathComponents, use: registryKey)
    }

    // MARK: The applicant's page

    struct ApplyForm: Content {
        var nameOriginal: String?
        var nameLatin: String?
        var birthDate: String?
        var citizenship: String?
        var passportNumber: String?
        var passportExpiresOn: String?
        var reason: String?
        var photo: File?
    }

    struct ApplicationView: Encodable {
        let status: String
        let statusLabel: String
        let open: Bool
        let submitted: String
        let decideBy: String
        let daysLeft: String?
        let reason: String
        let ground: String?
        let groundBasis: String?
        let photoURL: String
        let withdrawAction: String
        /// While open: how the identity was verified, or nil when it still has to be.
        var identity: String? = nil
    }

    struct ResidentView: Encodable {
        let number: String
        let active: Bool
        let issued: String
        let validUntil: String
        let cardURL: String
        let revokedGround: String?
        let revokedOn: String?
    }

    struct PasskeyView: Encodable {
        let label: String
        let algorithm: String
        let fingerprint: String
        let added: String
        let lastUsed: String?
        let removeAction: String
    }

    struct DocumentLine: Encodable {
        let title: String
        let link: String
        let state: String
        let signed: Bool
    }

    struct Page: Encodable {
        let layout: PageLayout
        let notice: String?
        let error: String?
        let application: ApplicationView?
        let resident: ResidentView?
        let mayApply: Bool
        let applyAction: String
        let form: ApplyForm
        let countries: [AuthPages.Choice]
        let reasons: [AuthPages.Choice]
        let errors: [String: String]
        let decisionDays: Int
        let passkeys: [PasskeyView]
        let newPasskeyAction: String
        let documents: [DocumentLine]
        let documentAction: String
        let identityLink: String
        let maximumPhotoMegabytes: Int
    }

    static let notices: Set<String> = ["applied", "withdrawn", "passkey-added", "passkey-removed"]

    func show(req: Request) async throws -> Response {
        let user = try req.auth.require(User.self)
        guard user.domainRole == .specialist else { throw AppError.forbidden }
        let notice = (try? req.query.get(String.self, at: "notice")).flatMap { Self.notices.contains($0) ? req.t("residency.notice.\($0)") : nil }
        return try await render(req, user: user, notice: notice)
    }

    func render(_ req: Request, user: User, notice: String? = nil, error: String? = nil, form: ApplyForm = ApplyForm(),
                errors: [String: String] = [:], status: HTTPStatus = .ok) async throws -> Response {
        let service = req.residency
        let overview = try await service.overview(of: user)
        let grounds = req.application.residencyRegistry.grounds
        let language = req.language.rawValue
        var application = overview.application.map { application -> ApplicationView in
            let ground = application.ground.flatMap { grounds.ground($0, for: .refuse) }
            let left = application.applicationStatus.isOpen ? service.workingDaysLeft(application) : nil
            return ApplicationView(
                status: application.status, statusLabel: req.t("residency.status.\(application.status)"),
                open: application.applicationStatus.isOpen, submitted: req.date(application.submittedOn), decideBy: req.date(application.decideBy),
                daysLeft: left.map(req.workingDaysLeftText),
                reason: req.t("residency.reason.\(application.reason)"), ground: ground?.title.text(language), groundBasis: ground?.basis.text(language),
                photoURL: SiteURL.residencyPhoto.path, withdrawAction: SiteURL.residencyWithdraw.path
            )
        }
        if let open = overview.application, open.applicationStatus.isOpen {
            switch try await service.identity(of: open) {
            case .centre(let centre, let day):
                let city = req.application.centres.centre(centre)?.city.text(language) ?? centre
                application?.identity = req.text("residency.identityDone.centre", ["city": city, "date": day.description])
            case .permit(let number):
                application?.identity = req.t("residency.identityDone.permit", ["number": number])
            case .notVerified:
                break
            }
        }
        let resident = overview.resident.map { resident in
            ResidentView(
                number: resident.number, active: resident.isActive, issued: req.date(resident.issuedOn), validUntil: req.date(resident.validUntil),
                cardURL: SiteURL.residencyCard.path,
                revokedGround: resident.revokedGround.flatMap { grounds.ground($0, for: .revoke)?.title.text(language) },
                revokedOn: resident.revokedAt.map { req.date(CalendarDate($0, in: PermitRegistry.moscow).description) }
            )
        }
        let active = overview.resident?.isActive == true
        let passkeys = active ? try await service.passkeys(of: user).map { passkey in
            PasskeyView(
                label: passkey.label, algorithm: COSEAlgorithm(rawValue: passkey.algorithm)?.name ?? "",
                fingerprint: Self.shortFingerprint(passkey.stored?.fingerprint ?? ""),
                added: req.date(CalendarDate(passkey.createdAt, in: PermitRegistry.moscow).description),
                lastUsed: passkey.lastUsedAt.map { req.date(CalendarDate($0, in: PermitRegistry.moscow).description) },
                removeAction: SiteURL.residencyPasskeyRemove(passkey.id ?? UUID()).path
            )
        } : []
        let documents = active ? try await service.documents(of: user).map { row in
            DocumentLine(title: row.title, link: SiteURL.residencyDocument(row.id ?? UUID()).path,
                         state: row.signedAt.map { req.text("residency.document.signedOn", ["date": CalendarDate($0, in: PermitRegistry.moscow).description]) }
                             ?? req.t("residency.document.unsigned"), signed: row.signedAt != nil)
        } : []
        let mayApply = overview.mayApply
        var chosen = form
        if chosen.citizenship == nil { chosen.citizenship = "UZ" }
        let page = Page(
            layout: try PageLayout(request: req, titleKey: "residency.title"), notice: notice, error: error, application: application,
            resident: resident, mayApply: mayApply, applyAction: SiteURL.residencyApply.path, form: chosen,
            countries: AuthPages.Choice.countries(req, selected: chosen.citizenship).filter { $0.value != "RU" },
            reasons: ResidencyReason.allCases.map { AuthPages.Choice(value: $0.rawValue, label: req.t("residency.reason.\($0.rawValue)"), selected: $0.rawValue == chosen.reason) },
            errors: errors, decisionDays: req.application.residencyRegistry.decisionWorkingDays, passkeys: passkeys,
            newPasskeyAction: SiteURL.residencyPasskeyNew.path, documents: documents, documentAction: SiteURL.residencyDocuments.path,
            identityLink: SiteURL.centres.path, maximumPhotoMegabytes: ResidencyRules.maximumPhotoBytes / 1024 / 1024
        )
        return try await req.renderPage("residency", page, status: status)
    }

    static func shortFingerprint(_ hex: String) -> String {
        stride(from: 0, to: min(hex.count, 16), by: 4).map { offset -> String in
            let start = hex.index(hex.startIndex, offsetBy: offset)
            return String(hex[start..<hex.index(start, offsetBy: min(4, hex.count - offset))])
        }.joined(separator: " ")
    }

    func apply(req: Request) async throws -> Response {
        let user = try req.auth.require(User.self)
        guard user.domainRole == .specialist else { throw AppError.forbidden }
        var form = (try? req.content.decode(ApplyForm.self)) ?? ApplyForm()
        let photo = form.photo.map { Array($0.data.readableBytesView) }
        form.photo = nil
        let input = ResidencyApplicationInput(
            nameOriginal: String((form.nameOriginal ?? "").prefix(400)), nameLatin: String((form.nameLatin ?? "").prefix(400)),
            birthDate: String((form.birthDate ?? "").prefix(40)), citizenship: String((form.citizenship ?? "").prefix(10)),
            passportNumber: String((form.passportNumber ?? "").prefix(60)), passportExpiresOn: String((form.passportExpiresOn ?? "").prefix(40)),
            reason: String((form.reason ?? "").prefix(40)), photo: photo
        )
        do {
            _ = try await req.residency.apply(input, by: user)
            return req.redirect(to: SiteURL.residency.path + "?notice=applied", redirectType: .normal)
        } catch AppError.validation(let failure) {
            let messages = Dictionary(failure.errors.map { ($0.field, req.message(for: $0)) }, uniquingKeysWith: { first, _ in first })
            return try await render(req, user: user, form: form, errors: messages, status: .unprocessableEntity)
        } catch AppError.conflict(let code) {
            return try await render(req, user: user, error: req.t("error.\(code)"), form: form, status: .conflict)
        }
    }

    func withdraw(req: Request) async throws -> Response {
        let user = try req.auth.require(User.self)
        guard user.domainRole == .specialist else { throw AppError.forbidden }
        do {
            try await req.residency.withdraw(by: user)
        } catch AppError.conflict(let code) {
            return try await render(req, user: user, error: req.t("error.\(code)"), status: .conflict)
        }
        return req.redirect(to: SiteURL.residency.path + "?notice=withdrawn", redirectType: .normal)
    }

    func photo(req: Request) async throws -> Response {
        let user = try req.auth.require(User.self)
        guard let application = try await req.residency.overview(of: user).application else { throw AppError.notFound }
        let (bytes, type) = try await req.residency.photo(of: try application.requireID(), by: user)
        return Self.photoResponse(bytes, type: type)
    }

    static func photoResponse(_ bytes: Data, type: String) -> Response {
        let response = Response(status: .ok, body: .init(data: bytes))
        response.headers.replaceOrAdd(name: .contentType, value: type)
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }

    // MARK: The card

    struct CardPage: Encodable {
        let layout: PageLayout
        let number: String
        let name: String
        let citizenship: String
        let issued: String
        let validUntil: String
        let revision: Int
        let keys: [String]
        let active: Bool
        let verifyURL: String
        let fileURL: String
        let signature: String
    }

    func card(req: Request) async throws -> Response {
        let user = try req.auth.require(User.self)
        let (resident, signed) = try await req.residency.card(of: user)
        let card = signed.card
        return try await req.renderPage("residency-card", CardPage(
            layout: try PageLayout(request: req, titleKey: "residency.card.title"), number: card.number, name: card.name,
            citizenship: CountryCode(rawValue: card.citizenship)?.name(in: req.language) ?? card.citizenship,
            issued: req.date(card.issuedOn), validUntil: req.date(card.validUntil), revision: card.revision,
            keys: card.keys.map { "\($0.algorithm) · \(Self.shortFingerprint($0.fingerprint))" }, active: resident.isActive,
            verifyURL: SiteURL.verify(card.number).path, fileURL: SiteURL.residencyCardFile.path, signature: signed.signature
        ))
    }

    func cardFile(req: Request) async throws -> Response {
        let user = try req.auth.require(User.self)
        let (_, signed) = try await req.residency.card(of: user)
        return try Self.jsonFile(signed, name: "\(signed.card.number).json")
    }

    /// A signed file to download (a permit, a residency card, a signed document): pretty, sorted, never cached.
    static func jsonFile(_ value: some Encodable, name: String) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let response = Response(status: .ok, body: .init(data: try encoder.encode(value)))
        response.headers.contentType = .json
        response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(name)\"")
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }

    // MARK: Passkeys

    struct PasskeyPage: Encodable {
        let layout: PageLayout
        let action: String
        let challengeID: String
        let challenge: String
        let rpID: String
        let rpName: String
        let userHandle: String
        let userName: String
        let userDisplayName: String
        let exclude: String
        let timeout: Int
        let label: String
        let error: String?
        let backURL: String
        let hostWarning: String?
    }

    /// Passkeys belong to one site name: opened at another address (an IP, another port), the browser refuses them.
    /// The page says where to open it instead of letting the person fail.
    static func hostWarning(_ req: Request, path: String) -> String? {
        let party = req.application.residencyRegistry.relyingParty
        guard let host = req.headers.first(name: .host), "\(req.url.scheme ?? "http")://\(host)".lowercased() != party.origin.lowercased(),
              !party.origin.hasSuffix("://\(host.lowercased())") else { return nil }
        return req.t("residency.wrongHost", ["url": party.origin + path])
    }

    /// A page with a fresh registration challenge: its button asks the browser for a new passkey, and the
    /// answer comes back to `registerPasskey` as a form.
    func newPasskey(req: Request) async throws -> Response {
        let user = try req.auth.require(User.self)
        let label = String(((try? req.content.get(String.self, at: "label")) ?? "").prefix(60))
        return try await renderNewPasskey(req, user: user, label: label)
    }

    private func renderNewPasskey(_ req: Request, user: User, label: String, error: String? = nil, status: HTTPStatus = .ok) async throws -> Response {
        let options: ResidencyService.RegistrationOptions
        do {
            options = try await req.residency.registrationOptions(for: user)
        } catch AppError.conflict(let code) {
            return try await render(req, user: user, error: req.t("error.\(code)"), status: .conflict)
        }
        return try await req.renderPage("residency-passkey", PasskeyPage(
            layout: try PageLayout(request: req, titleKey: "residency.passkey.title"), action: SiteURL.residencyPasskeys.path,
            challengeID: options.challengeID.uuidString.lowercased(), challenge: options.challenge, rpID: options.relyingParty.id,
            rpName: "Caravan", userHandle: options.userHandle, userName: options.userName, userDisplayName: options.userDisplayName,
            exclude: options.excludeCredentials.joined(separator: ","), timeout: options.timeoutMilliseconds,
            label: label.isEmpty ? req.t("residency.passkey.defaultLabel") : label, error: error, backURL: SiteURL.residency.path,
            hostWarning: Self.hostWarning(req, path: SiteURL.residency.path)
        ), status: status)
    }

    struct PasskeyForm: Content {
        var challengeID: String?
        var clientDataJSON: String?
        var attestationObject: String?
        var publicKey: String?
        var label: String?
    }

    func registerPasskey(req: Request) async throws -> Response {
        let user = try req.auth.require(User.self)
        let form = (try? req.content.decode(PasskeyForm.self)) ?? PasskeyForm()
        let label = String((form.label ?? "").prefix(200))
        guard let challengeID = form.challengeID.flatMap(UUID.init(uuidString:)) else {
            return try await renderNewPasskey(req, user: user, label: label, error: req.t("error.webauthn-no-answer"), status: .unprocessableEntity)
        }
        do {
            _ = try await req.residency.registerPasskey(.init(
                challengeID: challengeID, clientDataJSON: String((form.clientDataJSON ?? "").prefix(8000)),
                attestationObject: String((form.attestationObject ?? "").prefix(16000)), publicKey: form.publicKey.map { String($0.prefix(2000)) },
                label: label
            ), by: user)
        } catch AppError.assertionRejected(let code) {
            return try await renderNewPasskey(req, user: user, label: label, error: req.t("error.\(code)"), status: .unprocessableEntity)
        } catch AppError.validation(let failure) {
            return try await renderNewPasskey(req, user: user, label: label, error: failure.errors.first.map(req.message(for:)), status: .unprocessableEntity)
        } catch AppError.conflict(let code) {
            return try await render(req, user: user, error: req.t("error.\(code)"), status: .conflict)
        }
        return req.redirect(to: SiteURL.residency.path + "?notice=passkey-added#passkeys", redirectType: .normal)
    }

    func removePasskey(req: Request) async throws -> Response {
        let user = try req.auth.require(User.self)
        guard let id = req.parameters.get("passkeyID", as: UUID.self) else { throw AppError.notFound }
        try await req.residency.removePasskey(id, by: user)
        return req.redirect(to: SiteURL.residency.path + "?notice=passkey-removed#passkeys", redirectType: .normal)
    }

    // MARK: Documents

    func createDocument(req: Request) async throws -> Response {
        let user = try req.auth.require(User.self)
        let title = String(((try? req.content.get(String.self, at: "title")) ?? "").prefix(400))
        let text = String(((try? req.content.get(String.self, at: "text")) ?? "").prefix(8000))
        do {
            let row = try await req.residency.createDocument(title: title, text: text, by: user)
            return req.redirect(to: SiteURL.residencyDocument(try row.requireID()).path, redirectType: .normal)
        } catch AppError.validation(let failure) {
            let message = failure.errors.map { "\(req.t("field.\($0.field)")): \(req.message(for: $0))" }.joined(separator: " ")
            return try await render(req, user: user, error: message, status: .unprocessableEntity)
        } catch AppError.conflict(let code) {
            return try await render(req, user: user, error: req.t("error.\(code)"), status: .conflict)
        }
    }

    struct DocumentPage: Encodable {
        let layout: PageLayout
        let title: String
        let canonical: String
        let sha256: String
        let signed: Bool
        let signedOn: String?
        let verdict: String?
        let valid: Bool
        let revoked: Bool
        let fileURL: String
        let action: String
        let challengeID: String?
        let challenge: String?
        let rpID: String?
        let allow: String?
        let timeout: Int
        let needsPasskey: Bool
        let error: String?
        let notice: String?
        let backURL: String
        let verifyURL: String
        let hostWarning: String?
    }

    func document(req: Request) async throws -> Response {
        let user = try req.auth.require(User.self)
        guard let id = req.parameters.get("documentID", as: UUID.self) else { throw AppError.notFound }
        let notice = (try? req.query.get(String.self, at: "notice")) == "signed" ? req.t("residency.notice.signed") : nil
        return try await renderDocument(req, id: id, user: user, notice: notice)
    }

    /// Where a document came from: a company application's page for its signing document, else the residency page.
    private func backURL(of document: UUID, on database: any Database) async throws -> String {
        if let signing = try await CompanySigning.query(on: database).filter(\.$documentID == document).first() {
            return SiteURL.companyFiling(signing.$filing.id).path + "?step=review"
        }
        return SiteURL.residency.path
    }

    private func renderDocument(_ req: Request, id: UUID, user: User, error: String? = nil, notice: String? = nil,
                                status: HTTPStatus = .ok) async throws -> Response {
        let service = req.residency
        let row = try await service.document(id, of: user)
        var options: ResidencyService.AssertionOptions?
        var needsPasskey = false
        var problem = error
        var verdict: String?
        var valid = false
        var revoked = false
        if let file = row.signed {
            let check = try await service.check(file)
            valid = check.isValid
            revoked = check.revoked
            verdict = check.revoked ? req.text("residency.verify.revoked", ["date": check.revokedOn ?? ""]) : req.t("residency.verify.\(check.verdict.rawValue)")
        } else {
            do {
                options = try await service.signingOptions(for: id, by: user)
            } catch AppError.conflict(let code) {
                needsPasskey = code == "residency-passkey-required"
                if !needsPasskey, problem == nil { problem = req.t("error.\(code)") }
            }
        }
        return try await req.renderPage("residency-document", DocumentPage(
            layout: try PageLayout(request: req, titleKey: "residency.document.title"), title: row.title, canonical: row.canonical,
            sha256: row.sha256, signed: row.signedAt != nil,
            signedOn: row.signedAt.map { req.date(CalendarDate($0, in: PermitRegistry.moscow).description) },
            verdict: verdict, valid: valid, revoked: revoked, fileURL: SiteURL.residencyDocumentFile(id).path,
            action: SiteURL.residencyDocumentSignature(id).path, challengeID: options?.challengeID.uuidString.lowercased(),
            challenge: options?.challenge, rpID: options?.relyingParty.id, allow: options?.allowCredentials.joined(separator: ","),
            timeout: options?.timeoutMilliseconds ?? 0, needsPasskey: needsPasskey, error: problem, notice: notice,
            backURL: try await backURL(of: id, on: req.database), verifyURL: SiteURL.verifySignedDocument.path,
            hostWarning: row.signedAt == nil ? Self.hostWarning(req, path: SiteURL.residencyDocument(id).path) : nil
        ), status: status)
    }

    struct SignatureForm: Content {
        var challengeID: String?
        var credentialID: String?
        var clientDataJSON: String?
        var authenticatorData: String?
        var signature: String?
    }

    func sign(req: Request) async throws -> Response {
        let user = try req.auth.require(User.self)
        guard let id = req.parameters.get("documentID", as: UUID.self) else { throw AppError.notFound }
        let form = (try? req.content.decode(SignatureForm.self)) ?? SignatureForm()
        guard let challengeID = form.challengeID.flatMap(UUID.init(uuidString:)) else {
            return try await renderDocument(req, id: id, user: user, error: req.t("error.webauthn-no-answer"), status: .unprocessableEntity)
        }
        do {
            _ = try await req.residency.sign(id, .init(
                challengeID: challengeID, credentialID: String((form.credentialID ?? "").prefix(2000)),
                clientDataJSON: String((form.clientDataJSON ?? "").prefix(8000)), authenticatorData: String((form.authenticatorData ?? "").prefix(8000)),
                signature: String((form.signature ?? "").prefix(2000))
            ), by: user)
        } catch AppError.assertionRejected(let code) {
            return try await renderDocument(req, id: id, user: user, error: req.t("error.\(code)"), status: .unprocessableEntity)
        } catch AppError.conflict(let code) {
            return try await renderDocument(req, id: id, user: user, error: req.t("error.\(code)"), status: .conflict)
        }
        return req.redirect(to: SiteURL.residencyDocument(id).path + "?notice=signed", redirectType: .normal)
    }

    func documentFile(req: Request) async throws -> Response {
        let user = try req.auth.require(User.self)
        guard let id = req.parameters.get("documentID", as: UUID.self) else { throw AppError.notFound }
        let row = try await req.residency.document(id, of: user)
        guard let file = row.signed else { throw AppError.notFound }
        return try Self.jsonFile(file, name: "signed-\(id.uuidString.lowercased()).json")
    }

    // MARK: Public checks

    struct VerifyDocumentPage: Encodable {
        let layout: PageLayout
        let action: String
        let checked: Bool
        let valid: Bool
        let verdict: String?
        let title: String?
        let signer: String?
        let signedOn: String?
        let sha256: String?
        let error: String?
    }

    func verifyForm(req: Request) async throws -> Response {
        try await req.renderPage("verify-document", VerifyDocumentPage(
            layout: try PageLayout(request: req, titleKey: "residency.verifyDocument.title"), action: SiteURL.verifySignedDocument.path,
            checked: false, valid: false, verdict: nil, title: nil, signer: nil, signedOn: nil, sha256: nil, error: nil
        ))
    }

    /// Anyone uploads a signed file and learns whether it holds, and why not.
    func verifyUpload(req: Request) async throws -> Response {
        let upload = try? req.content.get(File.self, at: "file")
        let layout = try PageLayout(request: req, titleKey: "residency.verifyDocument.title")
        guard let upload, let file = try? JSONDecoder().decode(SignedDocumentFile.self, from: Data(upload.data.readableBytesView)),
              file.isWithinLimits else {
            return try await req.renderPage("verify-document", VerifyDocumentPage(
                layout: layout, action: SiteURL.verifySignedDocument.path, checked: false, valid: false, verdict: nil, title: nil, signer: nil,
                signedOn: nil, sha256: nil, error: req.t("residency.verify.notAFile")
            ), status: .unprocessableEntity)
        }
        let check = try await req.residency.check(file)
        let document = SignableDocument(canonicalText: file.document)
        return try await req.renderPage("verify-document", VerifyDocumentPage(
            layout: layout, action: SiteURL.verifySignedDocument.path, checked: true, valid: check.isValid,
            verdict: check.revoked ? req.text("residency.verify.revoked", ["date": check.revokedOn ?? ""]) : req.t("residency.verify.\(check.verdict.rawValue)"),
            // Only a date someone vouches for: the registry's record of the signature, else none.
            title: document?.title, signer: document?.signer, signedOn: check.recordedOn.map { req.date($0) }, sha256: document?.sha256Hex, error: nil
        ))
    }

    func registryKey(req: Request) async throws -> Response {
        let response = Response(status: .ok, body: .init(string: "ed25519 " + req.application.residencyRegistry.publicKeyBase64 + "\n"))
        response.headers.contentType = .plainText
        return response
    }
}
