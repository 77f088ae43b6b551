import CaravanDomain
import CaravanPermits
import Fluent
import Foundation
import OpenAPIRuntime
import Vapor

extension APIHandler {
    func listEntryBans(_ input: Operations.ListEntryBans.Input) async throws -> Operations.ListEntryBans.Output {
        let req = APIRequestContext.current
        let (user, _) = try await req.bearerUser()
        let offset = input.query.offset ?? 0
        guard (0...1_000_000).contains(offset) else { throw AppError.validation(ValidationFailure(field: "offset", code: "field.type")) }
        let listed = try await req.entryBans.list(search: input.query.q, limit: input.query.limit ?? 50, offset: offset, by: user)
        return .ok(.init(body: .json(.init(total: listed.total, bans: try listed.bans.map { try .init($0, for: user) }))))
    }

    /// `^[0-9]{4}-[0-9]{2}-[0-9]{2}$`, the schema's CalendarDate.
    static func isDateText(_ text: String) -> Bool {
        let scalars = Array(text.unicodeScalars)
        return scalars.count == 10 && scalars.enumerated().allSatisfy { index, scalar in
            index == 4 || index == 7 ? scalar == "-" : ("0"..."9").contains(scalar)
        }
    }

    /// `^([^\W_]|[ -])*$` as JSON Schema validators read it: Unicode letters and numbers, spaces, hyphen-minus.
    static func isPassportText(_ text: String) -> Bool {
        let kinds: Set<Unicode.GeneralCategory> = [
            .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter, .decimalNumber, .letterNumber, .otherNumber,
        ]
        return text.unicodeScalars.allSatisfy { $0 == " " || $0 == "-" || kinds.contains($0.properties.generalCategory) }
    }

    func addEntryBan(_ input: Operations.AddEntryBan.Input) async throws -> Operations.AddEntryBan.Output {
        let req = APIRequestContext.current
        let (user, _) = try await req.bearerUser()
        guard case .json(let body) = input.body else { throw AppError.malformedRequest }
        // The schema's pattern: letters and digits of any script, spaces and dashes — nothing the normaliser would drop.
        if let number = body.passportNumber, !Self.isPassportText(number) {
            throw AppError.validation(ValidationFailure(field: "passportNumber", code: "passport.numberInvalid"))
        }
        // A date that is sent is a date (`yyyy-MM-dd`): an empty one is not taken for "none".
        for (field, value) in [("birthDate", body.birthDate), ("until", body.until)] {
            if let value, !Self.isDateText(value) { throw AppError.validation(ValidationFailure(field: field, code: "date.invalid")) }
        }
        let ban = try await req.entryBans.add(
            EntryBanInput(
                citizenship: body.citizenship, passportNumber: body.passportNumber ?? "", name: body.name ?? "",
                birthDate: body.birthDate ?? "", from: body.from, until: body.until ?? "", legalBasis: body.legalBasis, source: body.source ?? ""
            ),
            by: user
        )
        return .created(.init(body: .json(try .init(ban, for: user))))
    }

    func liftEntryBan(_ input: Operations.LiftEntryBan.Input) async throws -> Operations.LiftEntryBan.Output {
        let req = APIRequestContext.current
        let (user, _) = try await req.bearerUser()
        guard let id = UUID(uuidString: input.path.banId) else { throw AppError.notFound }
        let ban = try await req.entryBans.lift(id, by: user)
        return .ok(.init(body: .json(try .init(ban, for: user))))
    }
}

extension Components.Schemas.EntryBan {
    /// The passport number only for a reader the domain lets see it.
    init(_ ban: EntryBan, for reader: User) throws {
        let showsPassport = reader.domainRole.map(EntryBanPolicy.maySeePassportNumbers) ?? false
        self.init(
            id: try ban.requireID().uuidString.lowercased(), citizenship: ban.citizenship,
            passportNumber: showsPassport ? ban.passportNumber : nil, name: ban.displayName ?? ban.name, birthDate: ban.birthDate,
            from: ban.fromDate, until: ban.untilDate, legalBasis: ban.legalBasis, source: ban.source, createdAt: ban.createdAt,
            lifted: ban.isLifted, liftedAt: ban.liftedAt
        )
    }
}
