import CaravanDomain
@testable import CaravanServer
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@Suite struct WebPagesTests {
    @Test func pagesFollowAcceptLanguageAndTheChosenLanguageIsRemembered() async throws {
        try await withTestApp { app in
            let browser = WebClient(app, acceptLanguage: "en-GB,en;q=0.9")
            let english = try await browser.get("/")
            #expect(english.status == .ok)
            #expect(english.text.contains(#"<html lang="en">"#))
            #expect(english.text.contains("Sign up"))

            let switched = try await browser.get("/language/ru?next=/signin")
            #expect(switched.status == .seeOther)
            #expect(switched.headers.first(name: .location) == "/signin")
            let russian = try await browser.get("/signin")
            #expect(russian.text.contains(#"<html lang="ru">"#))
            #expect(russian.text.contains("Вход"))

            // An unknown language is not found; an outside redirect target is ignored.
            #expect(try await browser.get("/language/xx").status == .notFound)
            let outside = try await browser.get("/language/en?next=//evil.example/")
            #expect(outside.headers.first(name: .location) == "/")

            // The switch keeps the whole address: the search, its filters and the page.
            let filtered = try await browser.get("/observatory?page=2&q=java")
            #expect(filtered.text.contains("/language/en?next=/observatory?page%3D2%26q%3Djava"), "\(filtered.text)")
            let back = try await browser.get("/language/en?next=/observatory?page%3D2%26q%3Djava")
            #expect(back.headers.first(name: .location) == "/observatory?page=2&q=java")
        }
    }

    @Test func signUpSignOutSignInThroughTheForms() async throws {
        try await withTestApp { app in
            let browser = WebClient(app, acceptLanguage: "en")
            try await browser.get("/signup")
            let created = try await browser.post("/signup", form: [
                "role": "employer", "displayName": "Елена Галиева", "email": "hr@kazan.example", "password": "correct horse", "consent": "2026.1",
            ])
            #expect(created.status == .seeOther)
            // A new account lands on its next steps: for an employer, registering the company is the first.
            #expect(created.headers.first(name: .location) == "/?welcome=yes")
            let welcome = try await browser.get("/?welcome=yes")
            #expect(welcome.text.contains("Your account is ready. What next"))
            #expect(welcome.text.contains(#"<a class="button" href="/company">Register your company</a>"#))
            #expect(welcome.text.contains("Publish a vacancy"))
            let session = try #require(created.headers[.setCookie].first { $0.hasPrefix("caravan_session=") })
            #expect(session.contains("HttpOnly"))
            #expect(session.contains("SameSite=Lax"))

            let account = try await browser.get("/account")
            #expect(account.status == .ok)
            #expect(account.text.contains("Елена Галиева"))
            #expect(account.text.contains("Employer"))

            let signedOut = try await browser.post("/signout", form: [:])
            #expect(signedOut.status == .seeOther)
            let afterSignOut = try await browser.get("/account")
            #expect(afterSignOut.status == .seeOther)
            #expect(afterSignOut.headers.first(name: .location) == "/signin?next=/account")

            try await browser.get("/signin")
            let signedIn = try await browser.post("/signin", form: ["email": "HR@kazan.example", "password": "correct horse", "next": "/account"])
            #expect(signedIn.status == .seeOther)
            #expect(try await browser.get("/account").status == .ok)
        }
    }

    @Test func badFormsShowEveryErrorInTheLanguageAndChangeNothing() async throws {
        try await withTestApp { app in
            let browser = WebClient(app, acceptLanguage: "ru")
            try await browser.get("/signup")
            let response = try await browser.post("/signup", form: ["role": "admin", "displayName": "", "email": "nope", "password": "123"])
            #expect(response.status == .unprocessableEntity)
            #expect(response.text.contains("Это не похоже на адрес электронной почты"))
            #expect(response.text.contains("Пароль должен быть не короче 10 символов."))
            #expect(response.text.contains("С этой ролью нельзя зарегистрироваться самостоятельно"))
            #expect(response.text.contains(#"aria-invalid="true""#))
            #expect(try await User.query(on: app.db).count() == 0)

            let wrong = try await browser.post("/signin", form: ["email": "nobody@example.org", "password": "whatever123"])
            #expect(wrong.status == .unauthorized)
            #expect(wrong.text.contains("Неверный адрес почты или пароль."))
        }
    }

    @Test func formsWithoutTheSessionsCSRFTokenAreRefused() async throws {
        try await withTestApp { app in
            let browser = WebClient(app, acceptLanguage: "en")
            try await browser.get("/signup")
            let forged = try await browser.post("/signup", form: [
                "role": "specialist", "displayName": "X", "email": "x@example.org", "password": "correct horse",
            ], csrf: "forged")
            #expect(forged.status == .forbidden)
            #expect(forged.text.contains("The form has expired"))
            let stranger = WebClient(app)
            let noSession = try await stranger.post("/signin", form: ["email": "x@example.org", "password": "correct horse"], csrf: "")
            #expect(noSession.status == .forbidden)
            #expect(try await User.query(on: app.db).count() == 0)
        }
    }

    @Test func userTextIsEscaped() async throws {
        try await withTestApp { app in
            let browser = WebClient(app, acceptLanguage: "en")
            try await browser.get("/signup")
            try await browser.post("/signup", form: [
                "role": "specialist", "displayName": "<script>alert(1)</script>", "email": "xss@example.org", "password": "correct horse",
                "consent": "2026.1",
            ])
            let account = try await browser.get("/account")
            #expect(!account.text.contains("<script>alert(1)</script>"))
            #expect(account.text.contains("&lt;script&gt;"))
        }
    }

    @Test func errorPagesAreInTheUsersLanguage() async throws {
        try await withTestApp { app in
            let russian = try await WebClient(app, acceptLanguage: "ru").get("/no/such/page")
            #expect(russian.status == .notFound)
            #expect(russian.text.contains("Страница не найдена"))
            let english = try await WebClient(app, acceptLanguage: "en").get("/no/such/page")
            #expect(english.text.contains("Not found"))
            #expect(english.headers.contentType == .html)
        }
    }

    @Test func theAdminPagesAreForAdminsOnly() async throws {
        try await withTestApp { app in
            let service = AccountService(app: app)
            for role in ["specialist", "employer", "migration_officer", "centre_staff", "university_admissions", "registry_officer", "analyst", "admin"] {
                _ = try await service.create(.init(email: "\(role)@example.org", password: "correct horse", displayName: role, role: role), by: nil, asOperator: true)
            }
            for role in Role.allCases {
                let browser = WebClient(app, acceptLanguage: "en")
                try await browser.get("/signin")
                try await browser.post("/signin", form: ["email": "\(role.rawValue)@example.org", "password": "correct horse"])
                let page = try await browser.get("/admin/users")
                #expect(page.status == (role == .admin ? .ok : .forbidden), "role \(role)")
                let home = try await browser.get("/")
                #expect(home.text.contains(#"href="/admin/users""#) == (role == .admin), "navigation for \(role)")
            }
        }
    }

    @Test func anAdminCreatesStaffAndChangesRolesWithAnAuditTrail() async throws {
        try await withTestApp { app in
            _ = try await AccountService(app: app).create(.init(email: "admin@example.org", password: "correct horse", displayName: "Admin", role: "admin"), by: nil, asOperator: true)
            let browser = WebClient(app, acceptLanguage: "en")
            try await browser.get("/signin")
            try await browser.post("/signin", form: ["email": "admin@example.org", "password": "correct horse"])
            try await browser.get("/admin/users")
            let created = try await browser.post("/admin/users", form: [
                "displayName": "Ирина Волкова", "email": "officer@example.org", "role": "migration_officer", "password": "temporary pass",
            ])
            #expect(created.status == .seeOther)
            let officer = try #require(try await User.query(on: app.db).filter(\.$email == "officer@example.org").first())
            #expect(officer.role == "migration_officer")

            try await browser.get("/admin/users")
            let changed = try await browser.post("/admin/users/\(try officer.requireID().uuidString.lowercased())/role", form: ["role": "analyst"])
            #expect(changed.status == .seeOther)
            let reloaded = try #require(try await User.find(officer.id, on: app.db))
            #expect(reloaded.role == "analyst")
            let actions = try await AuditEvent.query(on: app.db).sort(\.$sequence).all().map(\.action)
            #expect(actions.suffix(2) == ["account.created", "account.role-changed"])

            let bogus = try await browser.post("/admin/users/\(UUID().uuidString)/role", form: ["role": "analyst"])
            #expect(bogus.status == .notFound)
            let badRole = try await browser.post("/admin/users/\(try officer.requireID().uuidString)/role", form: ["role": "emperor"])
            #expect(badRole.status == .unprocessableEntity)
        }
    }
}

@Suite struct ListPagingTests {
    @Test func adminUsersPageSearchesAndKeepsItsFiltersOnEveryPage() async throws {
        try await withTestApp { app in
            let service = AccountService(app: app)
            _ = try await service.create(.init(email: "admin@example.org", password: "correct horse", displayName: "Admin", role: "admin"), by: nil, asOperator: true)
            for index in 0..<55 {
                _ = try await service.create(.init(email: "officer\(index)@example.org", password: "correct horse", displayName: "Ирина Волкова \(index)",
                                                   role: "migration_officer"), by: nil, asOperator: true)
            }
            _ = try await service.create(.init(email: "aziz@example.org", password: "correct horse", displayName: "Азиз Каримов", role: "specialist"),
                                         by: nil, asOperator: true)
            let browser = WebClient(app, acceptLanguage: "en")
            try await browser.get("/signin")
            try await browser.post("/signin", form: ["email": "admin@example.org", "password": "correct horse"])

            // A name typed in lower case finds the account written with a capital.
            let found = try await browser.get("/admin/users?q=%D0%BA%D0%B0%D1%80%D0%B8%D0%BC%D0%BE%D0%B2")
            #expect(found.status == .ok)
            #expect(found.text.contains("aziz@example.org") && !found.text.contains("officer1@example.org"))
            #expect(found.text.contains("Found: 1."))

            // 55 officers: two pages of 50, and the links keep the role and the order.
            let first = try await browser.get("/admin/users?role=migration_officer&sort=email")
            #expect(first.text.contains("Found: 55.") && first.text.contains("Page 1 of 2"))
            #expect(first.text.contains(#"href="/admin/users?role=migration_officer&amp;sort=email&amp;page=2""#))
            let second = try await browser.get("/admin/users?role=migration_officer&sort=email&page=2")
            #expect(second.text.contains("Page 2 of 2"))
            #expect(second.text.components(separatedBy: "officer").count - 1 >= 5)
            // Repeated buttons say whom they act on.
            #expect(second.text.contains(#"aria-label="Change role: Ирина Волкова"#))

            // Past the end: said, with the way back; a page that is not a number, or an order that does not exist: 422.
            let beyond = try await browser.get("/admin/users?role=migration_officer&page=9")
            #expect(beyond.status == .ok && beyond.text.contains("There is no page 9: the list has 2 pages."))
            #expect(try await browser.get("/admin/users?page=abc").status == .unprocessableEntity)
            #expect(try await browser.get("/admin/users?page=0").status == .unprocessableEntity)
            #expect(try await browser.get("/admin/users?sort=salary").status == .unprocessableEntity)
            #expect(try await browser.get("/admin/users?role=emperor").status == .unprocessableEntity)
        }
    }

    @Test func vacanciesAreBrowsedWithoutAnAccountAndPagedWithTheirFilters() async throws {
        try await withTestApp { app in
            let (hr, aziz, vacancy) = try await ApplicationsTests().market(app)
            for index in 0..<24 {
                let body = VacanciesTests.javaVacancy.replacingOccurrences(of: "Java-разработчик", with: "Java-разработчик \(index)")
                #expect(try await app.api(.POST, "/vacancies", raw: body, token: hr).status == .created)
            }
            let visitor = WebClient(app, acceptLanguage: "en")
            let list = try await visitor.get("/search/vacancies?q=java&visa=yes")
            #expect(list.status == .ok)
            #expect(list.text.contains("Found: 25.") && list.text.contains("Page 1 of 2"))
            #expect(list.text.contains(#"href="/search/vacancies?q=java&amp;visa=yes&amp;page=2""#))
            let second = try await visitor.get("/search/vacancies?q=java&visa=yes&page=2")
            #expect(second.text.contains("Page 2 of 2"))
            #expect(second.text.components(separatedBy: "<li class=\"card\">").count - 1 == 5)
            // Words with a space keep it on the next page (a form writes the space as `+`).
            let spaced = try await visitor.get("/search/vacancies?q=java+%D1%80%D0%B0%D0%B7%D1%80%D0%B0%D0%B1%D0%BE%D1%82%D1%87%D0%B8%D0%BA")
            #expect(spaced.text.contains("q=java%20%D1%80%D0%B0%D0%B7"), "\(spaced.text)")
            #expect(try await visitor.get("/search/vacancies?page=101").status == .unprocessableEntity)
            #expect(try await visitor.get("/search/vacancies?page=-1").status == .unprocessableEntity)

            // The vacancy itself is public; applying asks to sign in and comes back to it.
            let page = try await visitor.get("/vacancies/\(vacancy)")
            #expect(page.status == .ok)
            #expect(page.text.contains(#"href="/signin?next=/vacancies/\#(vacancy)""#))
            #expect(!page.text.contains("name=\"note\""))
            let signIn = try await visitor.get("/signin?next=/vacancies/\(vacancy)")
            #expect(signIn.text.contains("/vacancies/\(vacancy)"))

            // The API pages the same way, page after page without repeats.
            let one = try await app.api(.GET, "/search/vacancies?q=java&limit=10&page=1", token: aziz).json(SearchTests.VacanciesFound.self)
            let three = try await app.api(.GET, "/search/vacancies?q=java&limit=10&page=3", token: aziz).json(SearchTests.VacanciesFound.self)
            #expect(one.total == 25 && one.vacancies.count == 10 && three.vacancies.count == 5)
            #expect(Set(one.vacancies.map(\.id)).isDisjoint(with: three.vacancies.map(\.id)))
            #expect(try await app.api(.GET, "/search/vacancies?page=101", token: aziz).status == .unprocessableEntity)
        }
    }
}

@Suite struct ApplicantCardTests {
    @Test func theEmployerSeesWhoAppliedAndWhyTheyFitAndOpensTheProfile() async throws {
        try await withTestApp { app in
            let (_, aziz, vacancy) = try await ApplicationsTests().market(app)
            #expect(try await app.api(.PUT, "/profile", raw: SearchTests.azizProfile, token: aziz).status == .ok)
            #expect(try await app.api(.POST, "/vacancies/\(vacancy)/applications", raw: #"{"note":"Готов"}"#, token: aziz).status == .created)
            let hr = WebClient(app, acceptLanguage: "en")
            try await hr.get("/signin")
            try await hr.post("/signin", form: ["email": "hr@kazan.example", "password": "correct horse"])
            let page = try await hr.get("/vacancies/\(vacancy)")
            #expect(page.status == .ok)
            // Skills with levels, Russian as declared, the city, the family as a count, a reason for this vacancy.
            #expect(page.text.contains("Java — Advanced, 6 yr"))
            #expect(page.text.contains("(self-declared)"))
            #expect(page.text.contains("Ташкент"))
            #expect(page.text.contains("Moving alone"))
            #expect(page.text.contains(#"<ul class="reasons good">"#))
            let specialist = try #require(try await User.query(on: app.db).filter(\.$email == "aziz@example.uz").first()?.requireID())
            let link = "/specialists/\(specialist.uuidString.lowercased())?vacancy=\(vacancy)"
            #expect(page.text.contains(#"href="\#(link)""#))

            let profile = try await hr.get(link)
            #expect(profile.status == .ok)
            #expect(profile.text.contains("Backend-разработчик, платежи") && profile.text.contains("Java-разработчик"))
            #expect(!profile.text.contains("aziz@example.uz"))
            // Each opening is in the person's who-looked log.
            #expect(try await DataAccess.query(on: app.db).filter(\.$context == DataAccess.Context.specialistProfile.rawValue).count() == 1)

            // A specialist may not open others' profiles this way; an unknown person is not found.
            let other = WebClient(app, acceptLanguage: "en")
            try await other.get("/signin")
            try await other.post("/signin", form: ["email": "aziz@example.uz", "password": "correct horse"])
            #expect(try await other.get(link).status == .forbidden)
            #expect(try await hr.get("/specialists/\(UUID().uuidString)").status == .notFound)
        }
    }
}

@Suite struct SixLanguagesTests {
    @Test func theProgrammesLanguagesAreChosenFromTheBrowserAndTheFooterAndSayHowCompleteTheyAre() async throws {
        try await withTestApp { app in
            #expect(Set(app.catalogs.languages.map(\.rawValue)) == ["ru", "en", "uz", "kk", "ky", "tg"])
            for (header, code, word) in [("uz-UZ,uz;q=0.9", "uz", "Oʻzbekcha"), ("kk", "kk", "Қазақша"), ("ky-KG", "ky", "Кыргызча"), ("tg,ru;q=0.5", "tg", "Тоҷикӣ")] {
                let browser = WebClient(app, acceptLanguage: header)
                let home = try await browser.get("/")
                #expect(home.text.contains(#"<html lang="\#(code)">"#), "\(header)")
                // The footer lists all six, each in its own language and marked with it.
                #expect(home.text.contains(#"lang="\#(code)" hreflang="\#(code)" aria-current="true">"#), "\(header)")
                #expect(home.text.contains(word))
                // Skill groups and skills read in the language where the taxonomy names them.
                let vacancies = try await browser.get("/languages")
                #expect(vacancies.status == .ok)
            }
            let page = try await WebClient(app, acceptLanguage: "en").get("/languages")
            #expect(page.text.contains("draft translation: awaiting review by native speakers"))
            #expect(page.text.contains("reviewed by native speakers"))
            // Russian, English first, then the programme's languages in their order.
            let order = ["Русский", "English", "Oʻzbekcha", "Қазақша", "Кыргызча", "Тоҷикӣ"].map { page.text.range(of: ">\($0)</a>")?.lowerBound }
            #expect(order.allSatisfy { $0 != nil })
            #expect(order.compactMap { $0 } == order.compactMap { $0 }.sorted())
            // Plurals follow each language's rule: Uzbek has one and other, Russian one, few and many.
            #expect(app.catalogs.text("pager.beyond", in: LanguageCode(rawValue: "ru")!, ["page": "9", "pages": "3"]).contains("3 страницы"))
            #expect(app.catalogs.text("pager.beyond", in: LanguageCode(rawValue: "ru")!, ["page": "9", "pages": "5"]).contains("5 страниц"))
        }
    }
}

@Suite struct OnboardingTests {
    @Test func aSpecialistsStepsTickOffAsTheyAreDoneAndThePermitStepFollowsAnAcceptedOffer() async throws {
        try await withTestApp { app in
            let (hr, aziz, vacancy) = try await ApplicationsTests().market(app)
            let browser = WebClient(app, acceptLanguage: "en")
            try await browser.get("/signin")
            try await browser.post("/signin", form: ["email": "aziz@example.uz", "password": "correct horse"])
            let first = try await browser.get("/")
            #expect(first.text.contains(#"<a class="button" href="/profile">Complete your profile"#))
            #expect(!first.text.contains("residence permit case"))

            #expect(try await app.api(.PUT, "/profile", raw: SearchTests.azizProfile, token: aziz).status == .ok)
            // The demo profile has no experience yet: not complete for matching, so the profile stays the next step.
            #expect(try await browser.get("/").text.contains(#"<a class="button" href="/profile">"#))
            let applied = try await app.api(.POST, "/vacancies/\(vacancy)/applications", raw: "{}", token: aziz)
            let id = try applied.json(ApplicationBody.self).id
            let after = try await browser.get("/")
            #expect(after.text.contains(#"<li class="done"><span class="visually-hidden">Done:</span> Apply to a vacancy</li>"#))

            for stage in ["screening", "interview"] {
                #expect(try await app.api(.POST, "/applications/\(id)/moves", raw: #"{"stage":"\#(stage)"}"#, token: hr).status == .ok)
            }
            #expect(try await app.api(.POST, "/applications/\(id)/moves", raw: #"{"stage":"offer","offer":{"salary":250000,"startDate":"2027-03-01","city":"Казань","contract":"employment"}}"#, token: hr).status == .ok)
            #expect(try await app.api(.POST, "/applications/\(id)/moves", raw: #"{"stage":"hired"}"#, token: aziz).status == .ok)
            let hired = try await browser.get("/")
            #expect(hired.text.contains("Offer accepted: open your residence permit case"))
            // Staff are not walked through these steps.
            let admin = try await AccountService(app: app).create(.init(email: "admin@example.org", password: "correct horse", displayName: "Admin", role: "admin"), by: nil, asOperator: true)
            #expect(Onboarding.checklist(for: admin.domainRole!, .init()).isEmpty)
        }
    }
}

@Suite struct DoubleSubmitTests {
    static func formToken(in html: String) throws -> String {
        let marker = #"name="form_token" value=""#
        let start = try #require(html.range(of: marker)).upperBound
        return String(html[start...].prefix { $0 != "\"" })
    }

    @Test func aCreateFormSentTwiceCreatesOnce() async throws {
        try await withTestApp { app in
            _ = try await AccountService(app: app).create(.init(email: "admin@example.org", password: "correct horse", displayName: "Admin", role: "admin"), by: nil, asOperator: true)
            let admin = WebClient(app, acceptLanguage: "en")
            try await admin.get("/signin")
            try await admin.post("/signin", form: ["email": "admin@example.org", "password": "correct horse"])
            let token = try Self.formToken(in: try await admin.get("/admin/users").text)
            let form = ["displayName": "Ирина Волкова", "email": "officer@example.org", "role": "migration_officer", "password": "temporary pass", "form_token": token]
            async let first = admin.post("/admin/users", form: form)
            async let second = admin.post("/admin/users", form: form)
            let answers = try await [first, second]
            #expect(answers.allSatisfy { $0.status == .seeOther })
            #expect(try await User.query(on: app.db).filter(\.$email == "officer@example.org").count() == 1)

            try await app.signUp(email: "aziz@example.uz")
            let aziz = WebClient(app, acceptLanguage: "en")
            try await aziz.get("/signin")
            try await aziz.post("/signin", form: ["email": "aziz@example.uz", "password": "correct horse"])
            let profileToken = try Self.formToken(in: try await aziz.get("/profile").text)
            let entry = ["employer": "Uzcard", "role": "Java developer", "country": "UZ", "start": "2019-03", "end": "", "form_token": profileToken]
            let once = try await aziz.post("/profile/experience", form: entry)
            #expect(once.status == .seeOther)
            let records = try await IdempotencyRecord.query(on: app.db).all()
            #expect(records.count >= 2, "\(records.map { $0.scope + " " + $0.key })")
            let twice = try await aziz.post("/profile/experience", form: entry)
            #expect(twice.status == .seeOther)
            #expect(twice.headers.first(name: "Idempotent-Replayed") == "true", "\(twice.headers)")
            let profile = try #require(try await SpecialistProfile.query(on: app.db).first())
            #expect(profile.experience.count == 1)
        }
    }
}

@Suite struct CandidatePagingTests {
    @Test func theBestCandidatesArePagedAndOnlyTheShownOnesAreLogged() async throws {
        try await withTestApp { app in
            let (_, _, vacancy) = try await ApplicationsTests().market(app)
            for index in 0..<23 {
                try await app.signUp(email: "dev\(index)@example.uz")
                let token = try await app.token(email: "dev\(index)@example.uz")
                #expect(try await app.api(.PUT, "/profile", raw: SearchTests.azizProfile, token: token).status == .ok)
            }
            let hr = WebClient(app, acceptLanguage: "en")
            try await hr.get("/signin")
            try await hr.post("/signin", form: ["email": "hr@kazan.example", "password": "correct horse"])
            let first = try await hr.get("/vacancies/\(vacancy)")
            #expect(first.text.components(separatedBy: "aria-label=\"Invite: ").count - 1 == 20)
            #expect(first.text.contains(#"href="/vacancies/\#(vacancy)?candidatesPage=2#candidates""#))
            let logged = try await DataAccess.query(on: app.db).filter(\.$context == DataAccess.Context.vacancyCandidates.rawValue).count()
            #expect(logged == 20)
            let second = try await hr.get("/vacancies/\(vacancy)?candidatesPage=2")
            #expect(second.text.components(separatedBy: "aria-label=\"Invite: ").count - 1 == 3)
            #expect(second.text.contains("Page 2") && !second.text.contains("candidatesPage=3"))
            #expect(try await hr.get("/vacancies/\(vacancy)?candidatesPage=x").status == .unprocessableEntity)
        }
    }
}

@Suite struct MorePagingTests {
    @Test func theInboxTheMatchesAndTheCompanysVacanciesArePaged() async throws {
        try await withTestApp { app in
            let (hr, aziz, _) = try await ApplicationsTests().market(app)
            for index in 0..<55 {
                let body = VacanciesTests.javaVacancy.replacingOccurrences(of: "Java-разработчик", with: "Java-разработчик \(index)")
                #expect(try await app.api(.POST, "/vacancies", raw: body, token: hr).status == .created)
            }
            #expect(try await app.api(.PUT, "/profile", raw: SearchTests.azizProfile, token: aziz).status == .ok)
            let specialist = try #require(try await User.query(on: app.db).filter(\.$email == "aziz@example.uz").first())
            try await NotificationService(app: app, database: app.db)
                .notify(Array(repeating: try specialist.requireID(), count: 1), kind: "notice.specialist.offer", arguments: [:], link: "/applications")
            for _ in 0..<51 {
                try await Notice(userID: try specialist.requireID(), kind: "notice.specialist.offer", arguments: [:], link: "/applications", at: Date()).create(on: app.db)
            }
            let browser = WebClient(app, acceptLanguage: "en")
            try await browser.get("/signin")
            try await browser.post("/signin", form: ["email": "aziz@example.uz", "password": "correct horse"])
            let inbox = try await browser.get("/inbox")
            #expect(inbox.text.contains("Page 1 of 2"))
            #expect(try await browser.get("/inbox?page=2").text.contains("Page 2 of 2"))
            let matches = try await browser.get("/matches")
            #expect(matches.text.contains(#"href="/matches?page=2""#))
            #expect(try await browser.get("/matches?page=2").status == .ok)
            #expect(try await browser.get("/matches?page=nope").status == .unprocessableEntity)

            let employer = WebClient(app, acceptLanguage: "en")
            try await employer.get("/signin")
            try await employer.post("/signin", form: ["email": "hr@kazan.example", "password": "correct horse"])
            let list = try await employer.get("/vacancies")
            #expect(list.text.contains("Page 1 of 2"))
            #expect(try await employer.get("/vacancies?page=2").text.contains("Java-разработчик</a>"))
        }
    }
}
