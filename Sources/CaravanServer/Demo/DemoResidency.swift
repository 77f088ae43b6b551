import CaravanCentres
import CaravanDomain
import CaravanPermits
import CaravanRegistry
import Fluent
import Foundation
import Vapor

/// Digital residency in the demo, made through the same operations people use: the Bishkek freelancer applied,
/// had their identity checked at the Bishkek centre and was approved by the registry (a resident with no passkey
/// yet: one is added in the browser), and so was his co-founder from Kazakhstan (checked at Tashkent); three specialists' applications wait on the registry's desk — one checked
/// at a centre, one not yet, one of a person the entry-ban registry names. The photo is a drawn portrait.
enum DemoResidency {
    struct Applicant {
        let email: String
        let nameOriginal: String
        let nameLatin: String
        let birthDate: String
        let citizenship: String
        let passport: String
        let reason: ResidencyReason
        let identityAt: String?
        let approve: Bool
    }

    /// A name as a passport's Latin line writes it: surname first, Russian letters transliterated as Russian
    /// passports do (ICAO 9303), upper case.
    static func latinLine(_ name: String) -> String {
        let table: [Character: String] = [
            "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z", "и": "i", "й": "i", "к": "k",
            "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
            "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "ie", "ы": "y", "ь": "", "э": "e", "ю": "iu", "я": "ia", "ғ": "g", "қ": "k",
            "ҳ": "kh", "ў": "u", "ӣ": "i", "ӯ": "u", "ҷ": "dzh", "ң": "n", "ө": "o", "ү": "u", "ә": "a", "і": "i",
        ]
        let words = name.split(separator: " ").map { word in
            word.lowercased().map { table[$0] ?? ($0.isASCII && $0.isLetter ? String($0) : "") }.joined()
        }.filter { !$0.isEmpty }
        return (words.count > 1 ? [words[words.count - 1]] + words.dropLast() : words).joined(separator: " ").uppercased()
    }

    /// The identity-verification visit as the centre's desk recorded it just after the application, earlier in the hour
    /// the demo starts: the slot, the booking marked done and its result (written as history: a visit is marked on
    /// its day, and the demo begins after it).
    static func visited(_ centre: Centre, user: User, staff: User, on app: Application) async throws {
        let service = CaravanCentres.CentreService.identityVerification
        let minutes = centre.offer(service)?.minutes ?? 20
        let day = app.dependencies.now()
        let start = Int(day.timeIntervalSince1970) / 3600 * 3600
        // Two people seen at one centre in the same hour share its slot (one desk each).
        let slot: CentreSlot
        if let taken = try await CentreSlot.query(on: app.db).filter(\.$centre == centre.id).filter(\.$service == service.rawValue)
            .filter(\.$startsAt == start).first() {
            slot = taken
            slot.booked += 1
            slot.capacity = max(slot.capacity, slot.booked)
            try await slot.update(on: app.db)
        } else {
            slot = CentreSlot()
            slot.centre = centre.id
            slot.service = service.rawValue
            slot.startsAt = start
            slot.capacity = centre.offer(service)?.desks ?? 1
            slot.booked = 1
            try await slot.create(on: app.db)
        }
        let booking = CentreBooking()
        booking.$user.id = try user.requireID()
        booking.centre = centre.id
        booking.service = service.rawValue
        booking.slotID = try slot.requireID()
        booking.startsAt = start
        booking.minutes = minutes
        booking.person = "p0"
        booking.personKey = "self"
        booking.personName = user.displayName
        booking.personBirthDate = ""
        booking.status = BookingStatus.done.rawValue
        booking.groupID = UUID()
        booking.createdAt = day
        booking.updatedAt = day
        try await booking.create(on: app.db)
        let result = CentreResult()
        result.bookingID = try booking.requireID()
        result.$user.id = try user.requireID()
        result.personKey = "self"
        result.centre = centre.id
        result.service = service.rawValue
        result.recordedBy = try staff.requireID()
        result.recordedAt = day
        result.passed = true
        try await result.create(on: app.db)
    }

    static func load(on app: Application) async throws {
        guard try await ResidencyApplication.query(on: app.db).count() == 0,
              let officer = try await User.query(on: app.db).filter(\.$role == Role.registryOfficer.rawValue).sort(\.$email).first(),
              let url = Bundle.module.url(forResource: "portrait", withExtension: "png", subdirectory: "Demo"),
              let photo = try? Data(contentsOf: url) else { return }
        let specialists = try await User.query(on: app.db).filter(\.$role == Role.specialist.rawValue)
            .filter(\.$email =~ "specialist.00").sort(\.$email).limit(3).all()
        let today = CalendarDate(app.dependencies.now(), in: PermitRegistry.moscow)
        let expiry = today.adding(months: 60).description
        var applicants = [Applicant(
            email: "aibek.freelancer@demo.caravan.test", nameOriginal: "Айбек Токтогулов", nameLatin: "TOKTOGULOV AIBEK", birthDate: "1994-03-11",
            citizenship: "KG", passport: "ID1234567", reason: .foundCompany, identityAt: "bishkek", approve: true
        ), Applicant(
            email: "gulnara.cofounder@demo.caravan.test", nameOriginal: "Гульнара Сейтова", nameLatin: "SEITOVA GULNARA", birthDate: "1992-08-19",
            citizenship: "KZ", passport: "N12345678", reason: .joinAsFounder, identityAt: "tashkent", approve: true
        )]
        // Three of the market's specialists, named as their accounts are (the Latin line as a Russian passport
        // transliterates it), with the citizenship on their profile.
        let others: [(birthDate: String, passport: String, centre: String?)] = [
            ("1997-07-02", "AC7412589", "dushanbe"), ("1991-11-23", "FA1928374", nil), ("1989-01-30", "N08765432", "tashkent"),
        ]
        for (user, other) in zip(specialists, others) {
            let profile = try await SpecialistProfile.query(on: app.db).filter(\.$user.$id == user.requireID()).first()
            let country = profile?.basics.citizenship?.rawValue ?? "UZ"
            applicants.append(Applicant(
                email: user.email, nameOriginal: user.displayName, nameLatin: latinLine(user.displayName), birthDate: other.birthDate,
                citizenship: country == "RU" ? "UZ" : country, passport: other.passport, reason: .joinAsFounder, identityAt: other.centre,
                approve: false
            ))
        }
        let service = ResidencyService(app: app, database: app.db)
        let deskStaff = try await User.query(on: app.db).filter(\.$role == Role.centreStaff.rawValue).sort(\.$email).first()
        for applicant in applicants {
            guard let user = try await User.query(on: app.db).filter(\.$email == applicant.email).first() else { continue }
            let application = try await service.apply(ResidencyApplicationInput(
                nameOriginal: applicant.nameOriginal, nameLatin: applicant.nameLatin, birthDate: applicant.birthDate,
                citizenship: applicant.citizenship, passportNumber: applicant.passport, passportExpiresOn: expiry,
                reason: applicant.reason.rawValue, photo: [UInt8](photo)
            ), by: user)
            if let centre = applicant.identityAt, let place = app.centres.centre(centre) {
                try await visited(place, user: user, staff: deskStaff ?? officer, on: app)
            }
            if applicant.approve {
                try await service.decide(try application.requireID(), .approve, by: officer)
            }
        }
        // One applicant is named by a ban in force, filed as a registry officer files one: the desk shows the check,
        // and approval is refused.
        if let banned = applicants.last, applicants.count > 1 {
            _ = try await EntryBanService(app: app, database: app.db).add(EntryBanInput(
                citizenship: banned.citizenship, passportNumber: banned.passport, from: today.adding(days: -200).description,
                legalBasis: "114-ФЗ, ст. 27, п. 1", source: "registry officer (demo)"
            ), by: officer)
        }
    }
}
