import CaravanDomain
import Testing

@Suite struct EmailAddressTests {
    @Test(arguments: ["aziz@example.uz", "  Aziz.Karimov+work@Mail.RU ", "a@b.co", "имя@почта.рф"])
    func acceptsAddresses(raw: String) {
        #expect(EmailAddress(raw) != nil)
    }

    @Test(arguments: ["", "aziz", "aziz@", "@example.uz", "a@b", "a b@c.de", "a@@b.co", "a@b..co", "a@-b.co", "a@b.co\n\u{0}", "<a>@b.co",
                      String(repeating: "x", count: 65) + "@b.co", "a@" + String(repeating: "b", count: 260) + ".co"])
    func refusesNonAddresses(raw: String) {
        #expect(EmailAddress(raw) == nil)
    }

    @Test func normalisesCaseAndSpace() {
        #expect(EmailAddress("  Aziz@Example.UZ ")?.value == "aziz@example.uz")
    }
}

@Suite struct SignUpRulesTests {
    func validate(_ request: SignUpRequest, allowed: Set<Role> = [.specialist, .employer]) throws(ValidationFailure) -> ValidSignUp {
        try SignUpRules.validate(request, allowedRoles: allowed, languages: [.russian, .english], defaultLanguage: .russian)
    }

    func codes(_ request: SignUpRequest, allowed: Set<Role> = [.specialist, .employer]) -> [String] {
        do {
            _ = try validate(request, allowed: allowed)
            return []
        } catch {
            return error.errors.map { "\($0.field):\($0.code)" }
        }
    }

    @Test func aValidSignUpIsNormalised() throws {
        let valid = try validate(SignUpRequest(email: " Aziz@Example.UZ", password: "correct horse", displayName: "  Азиз Каримов ", role: "specialist"))
        #expect(valid.email.value == "aziz@example.uz")
        #expect(valid.displayName == "Азиз Каримов")
        #expect(valid.role == .specialist)
        #expect(valid.language == .russian)
    }

    @Test func everyFieldIsCheckedAtOnce() {
        #expect(codes(SignUpRequest(email: "", password: "short", displayName: " ", role: "pilot", language: "xx")) == [
            "email:email.required", "password:password.tooShort", "displayName:displayName.required", "role:role.unknown",
            "language:language.unsupported",
        ])
    }

    @Test func passwordRules() {
        let email = "a@b.co"
        // 128 Cyrillic letters are 256 bytes, more than bcrypt reads: still a good password (the server digests it).
        #expect(codes(SignUpRequest(email: email, password: String(repeating: "я", count: 128), displayName: "A", role: "employer")) == [])
        #expect(codes(SignUpRequest(email: email, password: String(repeating: "я", count: 129), displayName: "A", role: "employer")) == ["password:password.tooLong"])
        #expect(codes(SignUpRequest(email: email, password: "A@B.CO", displayName: "A", role: "employer")) == ["password:password.tooShort"])
        #expect(codes(SignUpRequest(email: "long.name@b.co", password: "LONG.NAME@B.CO", displayName: "A", role: "employer")) == ["password:password.sameAsEmail"])
    }

    @Test func namesWithControlCharactersOrTooLongAreRefused() {
        #expect(codes(SignUpRequest(email: "a@b.co", password: "correct horse", displayName: "A\u{7}B", role: "specialist")) == ["displayName:displayName.invalid"])
        #expect(codes(SignUpRequest(email: "a@b.co", password: "correct horse", displayName: String(repeating: "Ш", count: 121), role: "specialist")) == ["displayName:displayName.tooLong"])
    }

    @Test(arguments: Role.allCases)
    func onlySelfServiceRolesMaySignUp(role: Role) {
        let found = codes(SignUpRequest(email: "a@b.co", password: "correct horse", displayName: "A", role: role.rawValue),
                          allowed: AccountsPolicy.creatableRoles(by: nil))
        #expect(found == (role.isSelfService ? [] : ["role:role.notAllowed"]))
    }
}

@Suite struct AccountsPolicyTests {
    @Test(arguments: Role.allCases)
    func whoMayCreateWhichRoles(actor: Role) {
        let roles = AccountsPolicy.creatableRoles(by: actor)
        #expect(roles == (actor == .admin ? Set(Role.allCases) : []))
    }

    @Test func anonymousPeopleMaySignUpAsSpecialistOrEmployerOnly() {
        #expect(AccountsPolicy.creatableRoles(by: nil) == [.specialist, .employer])
    }

    @Test(arguments: Role.allCases)
    func onlyAnAdminChangesRolesAndNeverTheirOwn(actor: Role) {
        #expect(AccountsPolicy.mayChangeRole(actor: actor, actorID: "a", targetID: "b") == (actor == .admin))
        #expect(AccountsPolicy.mayChangeRole(actor: actor, actorID: "a", targetID: "a") == false)
        #expect(AccountsPolicy.mayListAccounts(actor: actor) == (actor == .admin))
    }

    @Test(arguments: Role.allCases)
    func navigationFollowsThePolicy(role: Role) {
        let areas = Area.visible(to: role)
        #expect(areas.contains(.home) && areas.contains(.account) && areas.contains(.inbox))
        #expect(areas.contains(.users) == (role == .admin))
        #expect(areas.contains(.companies) == (role == .admin))
        #expect(areas.contains(.company) == (role == .employer))
        #expect(areas.contains(.profile) == (role == .specialist))
        #expect(areas.contains(.matches) == (role == .specialist))
        #expect(areas.contains(.vacancies) == (role == .employer))
        #expect(areas.contains(.search) == (role == .employer || role == .specialist))
        #expect(areas.contains(.permits) == (role == .employer || role == .specialist || role == .migrationOfficer))
        #expect(areas.contains(.entryBans) == (role == .registryOfficer))
        #expect(areas.contains(.centres) == (role == .specialist || role == .centreStaff || role == .admin))
        #expect(areas.contains(.register))
        #expect(areas.contains(.observatory), "the programme's public figures are everyone's")
        #expect(ObservatoryPolicy.mayReadExact(role) == (role == .analyst || role == .admin))
        // Anyone may look at the centres and their free slots, the register of companies, the grant rounds and the
        // observatory's public figures without an account.
        #expect(Area.visible(to: nil) == [.home, .search, .centres, .register, .grants, .observatory])
        #expect(!ObservatoryPolicy.mayReadExact(nil))
    }
}

@Suite struct LoginThrottleTests {
    @Test func refusesAfterTheLimitUntilTheWindowPasses() {
        var throttle = LoginThrottle(limit: .init(failures: 3, window: 60))
        for second in 0..<3 {
            #expect(throttle.decision(for: "k", now: Double(second)) == .allowed)
            throttle.recordFailure(for: "k", now: Double(second))
        }
        #expect(throttle.decision(for: "k", now: 3) == .refused(retryAfter: 57))
        #expect(throttle.decision(for: "other", now: 3) == .allowed)
        #expect(throttle.decision(for: "k", now: 60) == .allowed)
        #expect(throttle.trackedKeys == 1)
    }

    @Test func successResetsTheCount() {
        var throttle = LoginThrottle(limit: .init(failures: 2, window: 60))
        throttle.recordFailure(for: "k", now: 0)
        throttle.reset("k")
        throttle.recordFailure(for: "k", now: 1)
        #expect(throttle.decision(for: "k", now: 2) == .allowed)
        #expect(throttle.trackedKeys == 1)
    }
}
