import Vapor

/// Every door of Caravan — each operation of `openapi.yaml` and each route registered with Vapor — against every
/// kind of caller, with the answer the door must give. `AccessTableTests` walks it on a real app with real fixtures;
/// a route or an operation without a row fails that test, so a feature that adds a door adds its row here.
///
/// How to read a row: the method, the path as registered (Vapor's `:name` parameters; the API's `{name}` becomes
/// `:name`), then one answer per caller in the columns below. Parameters are filled with fixtures of the owner:
/// the specialist `aziz` with his hired application and issued family permit, the company of `hr@kazan` that
/// employs him (its published vacancy, a draft vacancy, an invitation it sent), a registry officer's entry ban.
///
/// Callers (columns, in this order):
///   anon  nobody signed in                           regi  registry officer
///   spec  the specialist who owns the fixtures       anal  ministry analyst
///   empl  HR of the company that owns the fixtures   admi  admin
///   offi  migration officer                          ~spe  another specialist (the owner's neighbour)
///   cent  centre staff                               ~emp  HR of another company (the owner's neighbour)
///   univ  university admissions
///
/// Answers:
///   ok    allowed: the door lets the caller in (any answer below 500 but 401, 403, 404 and a sign-in redirect;
///         an empty or deliberately harmless body may well get 400, 409 or 422 — the door was still open)
///   pub   a public form whose answer depends only on what is sent (a sign-in with credentials nobody has is 401)
///   401   refused: not signed in (API)
///   in    refused: not signed in, sent to sign in (pages: 303 to /signin)
///   403   refused: signed in, but this role (or this party to the case) may not
///   404   hidden: the thing exists, but the server does not tell this caller so
///
/// No request may answer 5xx, whatever the row says. And no answer, allowed or not, may show a caller what is not
/// theirs to read (`AccessFixtures.private`): the family's names and documents, the case, the specialist's e-mail.
enum AccessTable {
    static let rows: [AccessRow] = operations + accountsAPI + companiesAPI + profileAndVacanciesAPI + applicationsAPI
        + notificationsAndSearchAPI + permitsAPI + entryBansAPI + centresAPI + residencyAPI
        + accountPages + adminAndCompanyPages + profilePages + vacancyAndApplicationPages + permitPages + registryPages + centrePages
        + residencyPages + companyRegistryAPI + companyRegistryPages + grantsAPI + grantsPages + observatory

    // MARK: Operations

    static let operations: [AccessRow] = [
        //                                                                anon spec empl offi cent univ regi anal admi ~spe ~emp
        row(.GET, "/health",                                             "ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok"),
        // Request counts by route and status, as DESIGN.md has it: no person's data in it.
        row(.GET, "/metrics",                                            "ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok"),
        row(.GET, "/api/v1/openapi.yaml",                                "ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok"),
    ]

    // MARK: The JSON API

    static let accountsAPI: [AccessRow] = [
        //                                                                anon spec empl offi cent univ regi anal admi ~spe ~emp
        row(.POST, "/api/v1/accounts",                                   "ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok", json: "{}"),
        row(.POST, "/api/v1/sessions",                                   "pub  ok   ok   ok   ok   ok   ok   ok   ok   ok   ok",
            json: #"{"email":"{email}","password":"correct horse"}"#),
        // Asking for a reset link and completing one: open doors, the same for everyone (an empty body is a 422;
        // a token nobody was given is gone).
        row(.POST, "/api/v1/password-resets",                            "ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok", json: "{}"),
        row(.POST, "/api/v1/password-resets/completion",                 "ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok",
            json: #"{"token":"nobody-was-given-this","password":"a brand new secret"}"#),
        row(.DELETE, "/api/v1/sessions/current",                         "401  ok   ok   ok   ok   ok   ok   ok   ok   ok   ok", spends: true),
        row(.GET, "/api/v1/me",                                          "401  ok   ok   ok   ok   ok   ok   ok   ok   ok   ok"),
        // Each caller's own: who looked at their data, everything held on them, and the erasure (which an empty
        // password refuses with 422 and changes nothing — a wrong one is a 403 of its own, not a closed door).
        row(.GET, "/api/v1/me/data-access",                              "401  ok   ok   ok   ok   ok   ok   ok   ok   ok   ok"),
        row(.GET, "/api/v1/me/export",                                   "401  ok   ok   ok   ok   ok   ok   ok   ok   ok   ok"),
        row(.POST, "/api/v1/me/erasure",                                 "401  ok   ok   ok   ok   ok   ok   ok   ok   ok   ok",
            json: #"{"password":""}"#),
    ]

    static let companiesAPI: [AccessRow] = [
        //                                                                anon spec empl offi cent univ regi anal admi ~spe ~emp
        row(.POST, "/api/v1/companies",                                  "401  403  ok   403  403  403  403  403  403  403  ok",
            json: #"{"legalName":"ООО «Третья»","inn":"7736207543","ogrn":"1027739609391","city":"Москва","size":"16-100"}"#),
        // "Your company" for someone without one is 404 (there is none), for every role alike.
        row(.GET, "/api/v1/companies/mine",                              "401  404  ok   404  404  404  404  404  404  404  ok"),
        row(.PUT, "/api/v1/companies/:companyId/accreditation",          "401  403  403  403  403  403  403  403  ok   403  403",
            json: #"{"accredited":true,"registryNumber":"AO-1","date":"2024-01-10"}"#),
        row(.GET, "/api/v1/companies/mine/people",                       "401  404  ok   404  404  404  404  404  404  404  ok"),
        row(.POST, "/api/v1/companies/mine/invitations",                 "401  404  ok   404  404  404  404  404  404  404  ok",
            json: #"{"email":"not an address"}"#),
        row(.GET, "/api/v1/me/company-invitations",                      "401  ok   ok   ok   ok   ok   ok   ok   ok   ok   ok"),
        // The owner of an invitation is the person invited: here the other company's HR (invited before it
        // registered its own company, so accepting is a 409), never the company that sent it.
        row(.POST, "/api/v1/company-invitations/:invitationId/acceptance", "401  404  404  404  404  404  404  404  404  404  ok"),
    ]

    static let profileAndVacanciesAPI: [AccessRow] = [
        //                                                                anon spec empl offi cent univ regi anal admi ~spe ~emp
        row(.GET, "/api/v1/profile",                                     "401  ok   403  403  403  403  403  403  403  ok   403"),
        row(.PUT, "/api/v1/profile",                                     "401  ok   403  403  403  403  403  403  403  ok   403",
            json: #"{"citizenship":"XX"}"#),
        row(.POST, "/api/v1/vacancies",                                  "401  403  ok   403  403  403  403  403  403  403  ok",
            json: #"{"title":""}"#),
        row(.GET, "/api/v1/vacancies/:vacancyId",                        "401  ok   ok   ok   ok   ok   ok   ok   ok   ok   ok"),
        row(.GET, "/api/v1/vacancies/:vacancyId",                        "401  404  ok   404  404  404  404  404  404  404  404",
            using: ["vacancyId": "draftVacancy"], note: "a draft: its company's only"),
        row(.PUT, "/api/v1/vacancies/:vacancyId",                        "401  403  ok   403  403  403  403  403  403  403  404",
            json: #"{"title":""}"#),
        row(.GET, "/api/v1/me/vacancy-matches",                          "401  ok   403  403  403  403  403  403  403  ok   403"),
    ]

    static let applicationsAPI: [AccessRow] = [
        //                                                                anon spec empl offi cent univ regi anal admi ~spe ~emp
        row(.POST, "/api/v1/vacancies/:vacancyId/applications",          "401  ok   403  403  403  403  403  403  403  ok   403", json: "{}"),
        row(.GET, "/api/v1/vacancies/:vacancyId/applications",           "401  403  ok   403  403  403  403  403  403  403  404"),
        row(.GET, "/api/v1/vacancies/:vacancyId/candidates",             "401  403  ok   403  403  403  403  403  403  403  404"),
        row(.POST, "/api/v1/vacancies/:vacancyId/invitations",           "401  403  ok   403  403  403  403  403  403  403  404",
            json: #"{"specialistId":"{otherSpecialist}"}"#),
        row(.GET, "/api/v1/me/applications",                             "401  ok   403  403  403  403  403  403  403  ok   403"),
        row(.POST, "/api/v1/applications/:applicationId/moves",          "401  ok   ok   404  404  404  404  404  404  404  404",
            json: #"{"stage":"screening"}"#),
    ]

    static let notificationsAndSearchAPI: [AccessRow] = [
        //                                                                anon spec empl offi cent univ regi anal admi ~spe ~emp
        row(.GET, "/api/v1/me/notifications",                            "401  ok   ok   ok   ok   ok   ok   ok   ok   ok   ok"),
        // `{}`: without a body the generated server answers 400 before anyone is asked who calls.
        row(.POST, "/api/v1/me/notifications/read",                      "401  ok   ok   ok   ok   ok   ok   ok   ok   ok   ok", json: "{}"),
        row(.GET, "/api/v1/search/vacancies",                            "401  ok   ok   ok   ok   ok   ok   ok   ok   ok   ok"),
        row(.GET, "/api/v1/search/specialists",                          "401  403  ok   403  403  403  403  403  403  403  ok"),
    ]

    static let permitsAPI: [AccessRow] = [
        //                                                                anon spec empl offi cent univ regi anal admi ~spe ~emp
        row(.GET, "/api/v1/permit-cases",                                "401  ok   ok   ok   403  403  403  403  403  ok   ok"),
        row(.POST, "/api/v1/permit-cases",                               "401  ok   403  403  403  403  403  403  403  404  403",
            json: #"{"applicationId":"{application}"}"#),
        row(.GET, "/api/v1/permit-cases/:caseId",                        "401  ok   ok   ok   404  404  404  404  404  404  404"),
        row(.POST, "/api/v1/permit-cases/:caseId/events",                "401  ok   403  403  404  404  404  404  404  404  404",
            json: #"{"event":"submit"}"#, note: "the applicant's move"),
        row(.POST, "/api/v1/permit-cases/:caseId/events",                "401  403  403  ok   404  404  404  404  404  404  404",
            json: #"{"event":"start_review"}"#, note: "an officer's move"),
        row(.POST, "/api/v1/permit-cases/:caseId/documents",             "401  ok   403  403  404  404  404  404  404  404  404",
            binary: "person=p0&kind=photo"),
        // The sponsor sees the case's status, never the family's documents.
        row(.GET, "/api/v1/permit-cases/:caseId/documents",              "401  ok   404  ok   404  404  404  404  404  404  404"),
        row(.POST, "/api/v1/permit-cases/:caseId/documents/:documentId/review", "401  403  403  ok   404  404  404  404  404  404  404",
            json: #"{"decision":"accept"}"#),
        row(.POST, "/api/v1/permit-cases/:caseId/assignment",            "401  403  403  ok   404  404  404  404  404  404  404",
            json: #"{"op":"take"}"#),
        // Anyone holding a permit's number may check it.
        row(.GET, "/api/v1/permits/:number/verification",                "ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok"),
    ]

    static let entryBansAPI: [AccessRow] = [
        //                                                                anon spec empl offi cent univ regi anal admi ~spe ~emp
        row(.GET, "/api/v1/entry-bans",                                  "401  403  403  403  403  403  ok   403  403  403  403"),
        row(.POST, "/api/v1/entry-bans",                                 "401  403  403  403  403  403  ok   403  403  403  403",
            json: #"{"citizenship":"UZ","from":"2025-01-01","legalBasis":"114-FZ art. 27"}"#),
        row(.POST, "/api/v1/entry-bans/:banId/lift",                     "401  403  403  403  403  403  ok   403  403  403  403"),
    ]

    // MARK: The web pages

    static let accountPages: [AccessRow] = [
        //                                                                anon spec empl offi cent univ regi anal admi ~spe ~emp
        row(.GET, "/",                                                   "ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok"),
        row(.GET, "/language/:code",                                     "ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok"),
        row(.GET, "/languages",                                          "ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok"),
        row(.GET, "/account",                                            "in   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok"),
        row(.POST, "/account/language",                                  "in   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok", form: [:]),
        row(.POST, "/account/tokens",                                    "in   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok", form: [:], spends: true),
        row(.GET, "/account/export",                                     "in   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok"),
        row(.GET, "/account/erasure",                                    "in   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok"),
        // Without the password typed again the form comes back with the error beside the field.
        row(.POST, "/account/erasure",                                   "in   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok", form: [:]),
        row(.GET, "/signup",                                             "ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok"),
        row(.POST, "/signup",                                            "ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok", form: [:]),
        row(.GET, "/signin",                                             "ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok"),
        row(.POST, "/signin",                                            "pub  ok   ok   ok   ok   ok   ok   ok   ok   ok   ok",
            form: ["email": "{email}", "password": "correct horse"], spends: true),
        row(.POST, "/signout",                                           "ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok", form: [:], spends: true),
        // Asking for a reset link answers alike for everyone; a link that is no token is gone (410) for everyone.
        row(.GET, "/password-reset",                                     "ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok"),
        row(.POST, "/password-reset",                                    "ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok", form: [:]),
        row(.GET, "/password-reset/:token",                              "ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok",
            using: ["token": "code"]),
        row(.POST, "/password-reset/:token",                             "ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok",
            form: [:], using: ["token": "code"]),
        row(.GET, "/inbox",                                              "in   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok"),
        row(.POST, "/inbox/read",                                        "in   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok", form: [:]),
    ]

    static let adminAndCompanyPages: [AccessRow] = [
        //                                                                anon spec empl offi cent univ regi anal admi ~spe ~emp
        row(.GET, "/admin/users",                                        "in   403  403  403  403  403  403  403  ok   403  403"),
        row(.POST, "/admin/users",                                       "in   403  403  403  403  403  403  403  ok   403  403", form: [:]),
        row(.POST, "/admin/users/:userID/role",                          "in   403  403  403  403  403  403  403  ok   403  403", form: [:]),
        row(.GET, "/admin/companies",                                    "in   403  403  403  403  403  403  403  ok   403  403"),
        row(.POST, "/admin/companies/:companyID/accreditation",          "in   403  403  403  403  403  403  403  ok   403  403",
            form: ["accredited": "yes", "registryNumber": "AO-1", "date": "2024-01-10"]),
        row(.GET, "/company",                                            "in   403  ok   403  403  403  403  403  403  403  ok"),
        row(.POST, "/company",                                           "in   403  ok   403  403  403  403  403  403  403  ok", form: [:]),
        row(.POST, "/company/invitations",                               "in   403  ok   403  403  403  403  403  403  403  ok", form: [:]),
        // As in the API, the invitation is the invited HR's (see there); the page asks for an employer first.
        row(.POST, "/company/invitations/:invitationID/accept",          "in   403  404  403  403  403  403  403  403  403  ok", form: [:]),
    ]

    static let profilePages: [AccessRow] = {
        //                          anon spec empl offi cent univ regi anal admi ~spe ~emp
        let specialistsOnly = "in   ok   403  403  403  403  403  403  403  ok   403"
        let paths = ["/profile", "/profile/identity", "/profile/skills", "/profile/skills/remove", "/profile/family", "/profile/family/remove"]
            + ["experience", "education", "languages", "roles"].flatMap { ["/profile/\($0)", "/profile/\($0)/remove"] }
        return [row(.GET, "/profile", specialistsOnly)]
            + paths.map { row(.POST, $0, specialistsOnly, form: ["citizenship": "XX"]) }
    }()

    static let vacancyAndApplicationPages: [AccessRow] = [
        //                                                                anon spec empl offi cent univ regi anal admi ~spe ~emp
        row(.GET, "/vacancies",                                          "in   403  ok   403  403  403  403  403  403  403  ok"),
        row(.POST, "/vacancies",                                         "in   403  ok   403  403  403  403  403  403  403  ok", form: [:]),
        row(.GET, "/vacancies/:vacancyID",                               "ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok"),
        row(.GET, "/vacancies/:vacancyID",                               "404  404  ok   404  404  404  404  404  404  404  404",
            using: ["vacancyID": "draftVacancy"], note: "a draft: its company's only"),
        row(.POST, "/vacancies/:vacancyID",                              "in   403  ok   403  403  403  403  403  403  403  404", form: [:]),
        row(.POST, "/vacancies/:vacancyID/status",                       "in   403  ok   403  403  403  403  403  403  403  404", form: [:]),
        row(.GET, "/matches",                                            "in   ok   403  403  403  403  403  403  403  ok   403"),
        row(.POST, "/vacancies/:vacancyID/apply",                        "in   ok   403  403  403  403  403  403  403  ok   403", form: [:]),
        row(.POST, "/vacancies/:vacancyID/invite",                       "in   403  ok   403  403  403  403  403  403  403  404",
            form: ["specialist": "{otherSpecialist}"]),
        row(.GET, "/applications",                                       "in   ok   403  403  403  403  403  403  403  ok   403"),
        row(.POST, "/applications/:applicationID/move",                  "in   ok   ok   404  404  404  404  404  404  404  404", form: [:]),
        row(.GET, "/search/vacancies",                                   "ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok"),
        row(.GET, "/search/specialists",                                 "in   403  ok   403  403  403  403  403  403  403  ok"),
        // A specialist's profile as employers read it (no contacts, no family names): any employer, as search is.
        row(.GET, "/specialists/:specialistID",                          "in   403  ok   403  403  403  403  403  403  403  ok",
            using: ["specialistID": "specialist"]),
        row(.POST, "/search/specialists/invite",                         "in   403  ok   403  403  403  403  403  403  403  404",
            form: ["vacancy": "{vacancy}", "specialist": "{otherSpecialist}"]),
    ]

    static let permitPages: [AccessRow] = [
        //                                                                anon spec empl offi cent univ regi anal admi ~spe ~emp
        // An officer is sent on to the officers' queue.
        row(.GET, "/permits",                                            "in   ok   ok   ok   403  403  403  403  403  ok   ok"),
        row(.POST, "/permits/open",                                      "in   ok   403  403  403  403  403  403  403  404  403",
            form: ["application": "{application}"]),
        row(.GET, "/permits/:caseID",                                    "in   ok   ok   ok   404  404  404  404  404  404  404"),
        row(.POST, "/permits/:caseID/actions",                           "in   ok   403  403  404  404  404  404  404  404  404",
            form: ["event": "submit"], note: "the applicant's move"),
        row(.POST, "/permits/:caseID/actions",                           "in   403  403  ok   404  404  404  404  404  404  404",
            form: ["event": "start_review"], note: "an officer's move"),
        // The printable permit names the family: not the sponsor's to read.
        row(.GET, "/permits/:caseID/permit",                             "in   ok   404  ok   404  404  404  404  404  404  404"),
        row(.GET, "/permits/:caseID/permit.json",                        "in   ok   404  ok   404  404  404  404  404  404  404"),
        row(.GET, "/officer/cases",                                      "in   403  403  ok   403  403  403  403  403  403  403"),
        row(.POST, "/permits/:caseID/documents",                         "in   ok   403  403  404  404  404  404  404  404  404",
            upload: ["person": "p0", "kind": "photo"]),
        row(.GET, "/permits/:caseID/documents/:documentID",              "in   ok   404  ok   404  404  404  404  404  404  404"),
        row(.POST, "/permits/:caseID/persons",                           "in   ok   403  403  404  404  404  404  404  404  404",
            form: ["op": "birthDate", "person": "p0", "birthDate": "1990-01-01"]),
        row(.POST, "/permits/:caseID/contract-end",                      "in   403  ok   403  404  404  404  404  404  404  404", form: [:]),
        row(.POST, "/permits/:caseID/assignment",                        "in   403  403  ok   404  404  404  404  404  404  404", form: [:]),
        row(.POST, "/permits/:caseID/documents/:documentID/review",      "in   403  403  ok   404  404  404  404  404  404  404",
            form: ["decision": "accept"]),
        row(.GET, "/verify/:number",                                     "ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok"),
        row(.GET, "/.well-known/caravan-signing-key",                    "ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok"),
    ]

    static let registryPages: [AccessRow] = [
        //                                                                anon spec empl offi cent univ regi anal admi ~spe ~emp
        row(.GET, "/registry/entry-bans",                                "in   403  403  403  403  403  ok   403  403  403  403"),
        row(.POST, "/registry/entry-bans",                               "in   403  403  403  403  403  ok   403  403  403  403", form: [:]),
        row(.POST, "/registry/entry-bans/:banID/lift",                   "in   403  403  403  403  403  ok   403  403  403  403", form: [:]),
    ]

    // The centres: open to look at; a specialist books for their own people; staff act at their own centre's desk;
    // an admin assigns staff. The fixture booking is the specialist's own (biometrics at Tashkent).
    static let centresAPI: [AccessRow] = [
        //                                                                anon spec empl offi cent univ regi anal admi ~spe ~emp
        row(.GET, "/api/v1/centres",                                     "ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok"),
        row(.GET, "/api/v1/centres/:centreId/slots",                     "ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok"),
        row(.POST, "/api/v1/centres/:centreId/bookings",                 "401  ok   403  403  403  403  403  403  403  ok   403",
            json: #"{"service":"biometrics","start":"2020-01-06T04:00:00Z","persons":["p0"]}"#),
        row(.PUT, "/api/v1/centres/:centreId/staff",                     "401  403  403  403  403  403  403  403  ok   403  403",
            json: #"{"email":"nobody@example.org"}"#),
        row(.GET, "/api/v1/me/centre-bookings",                          "401  ok   403  403  403  403  403  403  403  ok   403"),
        row(.GET, "/api/v1/centre-bookings/:bookingId/calendar",         "401  ok   404  404  404  404  404  404  404  404  404"),
        row(.PUT, "/api/v1/centre-bookings/:bookingId/start",            "401  ok   404  404  404  404  404  404  404  404  404",
            json: #"{"start":"2020-01-06T04:00:00Z"}"#),
        row(.GET, "/api/v1/centre-desk/bookings",                        "401  403  403  403  ok   403  403  403  403  403  403"),
        row(.PUT, "/api/v1/centre-desk/bookings/:bookingId/status",      "401  403  403  403  ok   403  403  403  403  403  403",
            json: #"{"status":"no_show"}"#),
        row(.PUT, "/api/v1/centre-desk/bookings/:bookingId/result",      "401  403  403  403  ok   403  403  403  403  403  403", json: "{}"),
        row(.POST, "/api/v1/centre-bookings/:bookingId/cancellation",    "401  ok   404  404  404  404  404  404  404  404  404"),
        // Courses: staff open and teach them; specialists enrol (the owner is already on the fixture course) and leave.
        row(.GET, "/api/v1/courses",                                     "ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok"),
        row(.POST, "/api/v1/courses",                                    "401  403  403  403  ok   403  403  403  403  403  403",
            json: #"{"title":"T","level":"B1","place":"online","schedule":"Mon","startsOn":"2020-01-06","endsOn":"2020-02-01","capacity":5}"#),
        row(.POST, "/api/v1/courses/:courseId/enrolment",                "401  ok   403  403  403  403  403  403  403  ok   403"),
        row(.GET, "/api/v1/courses/:courseId/roster",                    "401  403  403  403  ok   403  403  403  403  403  403"),
        row(.POST, "/api/v1/course-enrolments/:enrolmentId/marks",       "401  403  403  403  ok   403  403  403  403  403  403",
            json: #"{"day":"2020-01-06"}"#),
        row(.POST, "/api/v1/courses/:courseId/withdrawal",               "401  ok   404  404  404  404  404  404  404  ok   404"),
    ]

    static let centrePages: [AccessRow] = [
        //                                                                anon spec empl offi cent univ regi anal admi ~spe ~emp
        row(.GET, "/centres",                                            "ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok"),
        row(.GET, "/centres/:centreID",                                  "ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok"),
        row(.POST, "/centres/:centreID/bookings",                        "in   ok   403  403  403  403  403  403  403  ok   403", form: [:]),
        row(.POST, "/centres/:centreID/staff",                           "in   403  403  403  403  403  403  403  ok   403  403", form: [:]),
        row(.GET, "/appointments",                                       "in   ok   403  403  403  403  403  403  403  ok   403"),
        row(.GET, "/appointments/:bookingID/appointment.ics",            "in   ok   404  404  404  404  404  404  404  404  404"),
        row(.POST, "/appointments/:bookingID/move",                      "in   ok   404  404  404  404  404  404  404  404  404", form: [:]),
        row(.GET, "/centre-desk",                                        "in   403  403  403  ok   403  403  403  403  403  403"),
        row(.POST, "/centre-desk/bookings/:bookingID/status",            "in   403  403  403  ok   403  403  403  403  403  403", form: [:]),
        row(.POST, "/centre-desk/bookings/:bookingID/result",            "in   403  403  403  ok   403  403  403  403  403  403", form: [:]),
        row(.POST, "/appointments/:bookingID/cancel",                    "in   ok   404  404  404  404  404  404  404  404  404", form: [:]),
        row(.GET, "/courses",                                            "ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok"),
        row(.GET, "/courses/:courseID",                                  "ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok"),
        row(.POST, "/courses",                                           "in   403  403  403  ok   403  403  403  403  403  403", form: [:]),
        row(.POST, "/courses/:courseID/enrolment",                       "in   ok   403  403  403  403  403  403  403  ok   403", form: [:]),
        row(.POST, "/course-enrolments/:enrolmentID/marks",              "in   403  403  403  ok   403  403  403  403  403  403", form: [:]),
        row(.POST, "/courses/:courseID/withdrawal",                      "in   ok   404  404  404  404  404  404  404  ok   404", form: [:]),
    ]

    /// Digital residency: the owner is a resident with a passkey and a signed document; the other specialist is not.
    /// Residency parameters name their own fixtures (`:documentId` is the signed document, not the permit's).
    static let residencyUsing = ["documentId": "residencyDocument", "applicationId": "residencyApplication", "number": "residencyNumber",
                                 "documentID": "residencyDocument", "applicationID": "residencyApplication"]

    static let residencyAPI: [AccessRow] = [
        //                                                                anon spec empl offi cent univ regi anal admi ~spe ~emp
        row(.GET, "/api/v1/me/residency",                                "401  ok   403  403  403  403  403  403  403  ok   403"),
        row(.POST, "/api/v1/me/residency/application",                   "401  ok   403  403  403  403  403  403  403  ok   403",
            json: #"{"nameOriginal":"Айгерим","nameLatin":"OSMONOVA AIGERIM","birthDate":"1990-01-01","citizenship":"KG","passportNumber":"ID7654321","passportExpiresOn":"2035-01-01","reason":"found-company","photo":"iVBORw0KGgoAAAAN"}"#),
        row(.POST, "/api/v1/me/residency/application/withdrawal",        "401  ok   403  403  403  403  403  403  403  ok   403"),
        row(.GET, "/api/v1/me/residency/card",                           "401  ok   403  403  403  403  403  403  403  ok   403"),
        row(.POST, "/api/v1/me/residency/passkey-options",               "401  ok   403  403  403  403  403  403  403  ok   403"),
        row(.POST, "/api/v1/me/residency/passkeys",                      "401  ok   403  403  403  403  403  403  403  ok   403",
            json: #"{"challengeId":"00000000-0000-4000-8000-000000000000","clientDataJSON":"e30","attestationObject":"oA","label":"Phone"}"#),
        row(.POST, "/api/v1/me/residency/documents",                     "401  ok   403  403  403  403  403  403  403  ok   403",
            json: #"{"title":"T","text":"x"}"#),
        row(.GET, "/api/v1/me/residency/documents/:documentId",          "401  ok   404  404  404  404  404  404  404  404  404", using: residencyUsing),
        row(.POST, "/api/v1/me/residency/documents/:documentId/signing-options", "401  ok   404  404  404  404  404  404  404  404  404",
            using: residencyUsing),
        row(.POST, "/api/v1/me/residency/documents/:documentId/signature", "401  ok   404  404  404  404  404  404  404  404  404",
            json: #"{"challengeId":"00000000-0000-4000-8000-000000000000","credentialId":"AA","clientDataJSON":"e30","authenticatorData":"AA","signature":"AA"}"#,
            using: residencyUsing),
        row(.POST, "/api/v1/signed-documents/verification",              "ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok",
            json: #"{"format":"caravan-signed-document-file/1","document":"x","nonce":"AA","relyingPartyID":"localhost","origin":"http://localhost:8080","credential":{"id":"AA","publicKey":"AA","algorithm":"ES256"},"authenticatorData":"AA","clientDataJSON":"e30","signature":"AA","signedAt":"2026-12-03T10:00:00Z","card":{"card":{"number":"DR-2026-000001-9","name":"X","citizenship":"KG","issuedOn":"2026-12-03","validUntil":"2031-12-02","revision":1,"keys":[]},"signature":"AA","publicKey":"AA"}}"#),
        row(.GET, "/api/v1/okved",                                      "ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok"),
        row(.GET, "/api/v1/residents/:number/verification",              "ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok", using: residencyUsing),
        row(.GET, "/api/v1/registry/residency-applications",             "401  403  403  403  403  403  ok   403  403  403  403"),
        row(.GET, "/api/v1/registry/residency-applications/:applicationId", "401  403  403  403  403  403  ok   403  403  403  403",
            using: residencyUsing),
        row(.POST, "/api/v1/registry/residency-applications/:applicationId/decision", "401  403  403  403  403  403  ok   403  403  403  403",
            json: #"{"decision":"refuse","ground":"security"}"#, using: residencyUsing),
        // Last: the passkey goes, and a revocation with an unknown ground changes nothing.
        row(.DELETE, "/api/v1/me/residency/passkeys/:passkeyId",         "401  ok   404  404  404  404  404  404  404  404  404"),
        row(.POST, "/api/v1/residents/:number/revocation",               "401  403  403  403  403  403  ok   403  403  403  403",
            json: #"{"ground":"not-a-ground"}"#, using: residencyUsing),
    ]

    static let residencyPages: [AccessRow] = [
        //                                                                anon spec empl offi cent univ regi anal admi ~spe ~emp
        row(.GET, "/residency",                                          "in   ok   403  403  403  403  403  403  403  ok   403"),
        row(.POST, "/residency/application",                             "in   ok   403  403  403  403  403  403  403  ok   403", form: [:]),
        row(.POST, "/residency/application/withdrawal",                  "in   ok   403  403  403  403  403  403  403  ok   403", form: [:]),
        row(.GET, "/residency/application/photo",                        "in   ok   404  404  404  404  404  404  404  ok   404"),
        row(.GET, "/residency/card",                                     "in   ok   403  403  403  403  403  403  403  ok   403"),
        row(.GET, "/residency/card.json",                                "in   ok   403  403  403  403  403  403  403  ok   403"),
        row(.POST, "/residency/passkeys/new",                            "in   ok   403  403  403  403  403  403  403  ok   403", form: [:]),
        row(.POST, "/residency/passkeys",                                "in   ok   403  403  403  403  403  403  403  ok   403", form: [:]),
        row(.POST, "/residency/documents",                               "in   ok   403  403  403  403  403  403  403  ok   403", form: [:]),
        row(.GET, "/residency/documents/:documentID",                    "in   ok   404  404  404  404  404  404  404  404  404", using: residencyUsing),
        row(.GET, "/residency/documents/:documentID/signed.json",        "in   ok   404  404  404  404  404  404  404  404  404", using: residencyUsing),
        row(.POST, "/residency/documents/:documentID/signature",         "in   ok   404  404  404  404  404  404  404  404  404", form: [:],
            using: residencyUsing),
        row(.GET, "/verify/signed-document",                             "ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok"),
        row(.POST, "/verify/signed-document",                            "ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok", form: [:]),
        row(.GET, "/okved",                                              "ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok"),
        row(.GET, "/.well-known/caravan-registry-key",                   "ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok"),
        row(.GET, "/registry/residency",                                 "in   403  403  403  403  403  ok   403  403  403  403"),
        row(.GET, "/registry/residency/:applicationID",                  "in   403  403  403  403  403  ok   403  403  403  403", using: residencyUsing),
        row(.GET, "/registry/residency/:applicationID/photo",            "in   403  403  403  403  403  ok   403  403  403  403", using: residencyUsing),
        row(.POST, "/registry/residency/:applicationID/decision",        "in   403  403  403  403  403  ok   403  403  403  403", form: [:],
            using: residencyUsing),
        row(.POST, "/registry/residents/:number/revocation",             "in   403  403  403  403  403  ok   403  403  403  403", form: [:],
            using: residencyUsing),
        row(.POST, "/residency/passkeys/:passkeyID/removal",             "in   ok   404  404  404  404  404  404  404  404  404", form: [:],
            using: ["passkeyID": "passkeyPage"]),
    ]

    static let companyUsing = ["filingId": "companyFiling", "ogrn": "ogrn", "applicationId": "accreditationApplication"]
    static let decidedUsing = ["filingId": "companyFilingDecided"]

    // The company register: aziz (a digital resident) founded a registered ООО and has a second draft; the filing
    // routes are his (404 for everyone else), the registry's desk the officer's, the ministry's the admin's.
    static let companyRegistryAPI: [AccessRow] = [
        //                                                                anon spec empl offi cent univ regi anal admi ~spe ~emp
        row(.GET, "/api/v1/me/company-filings",                          "401  ok   ok   ok   ok   ok   ok   ok   ok   ok   ok"),
        row(.POST, "/api/v1/me/company-filings",                         "401  ok   403  403  403  403  403  403  403  ok   403"),
        row(.GET, "/api/v1/me/company-filings/:filingId",                "401  ok   404  404  404  404  404  404  404  404  404", using: companyUsing),
        row(.PATCH, "/api/v1/me/company-filings/:filingId",              "401  ok   404  404  404  404  404  404  404  404  404", json: "{}",
            using: companyUsing),
        row(.POST, "/api/v1/me/company-filings/:filingId/founders",      "401  ok   404  404  404  404  404  404  404  404  404",
            json: #"{"share":"x"}"#, using: companyUsing),
        row(.PUT, "/api/v1/me/company-filings/:filingId/director",       "401  ok   404  404  404  404  404  404  404  404  404",
            json: #"{"email":"x"}"#, using: companyUsing),
        row(.POST, "/api/v1/me/company-filings/:filingId/signing-documents", "401  ok   404  404  404  404  404  404  404  404  404",
            json: #"{"signerId":"{companyFounder}","role":"founder"}"#, using: companyUsing),
        row(.POST, "/api/v1/me/company-filings/:filingId/submission",    "401  ok   404  404  404  404  404  404  404  404  404", using: companyUsing),
        row(.POST, "/api/v1/me/company-filings/:filingId/founder-removal", "401  ok   404  404  404  404  404  404  404  404  404",
            json: #"{"signerId":"{companyFounder}"}"#, using: companyUsing),
        row(.POST, "/api/v1/me/company-filings/:filingId/withdrawal",    "401  ok   404  404  404  404  404  404  404  404  404", using: companyUsing),
        row(.GET, "/api/v1/registry/company-filings",                    "401  403  403  403  403  403  ok   403  403  403  403"),
        row(.GET, "/api/v1/registry/company-filings/:filingId",          "401  403  403  403  403  403  ok   403  403  403  403", using: decidedUsing),
        row(.POST, "/api/v1/registry/company-filings/:filingId/decision", "401  403  403  403  403  403  ok   403  403  403  403",
            json: #"{"decision":"refuse","ground":"x"}"#, using: decidedUsing),
        row(.GET, "/api/v1/register/companies",                          "ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok"),
        row(.GET, "/api/v1/register/companies/:ogrn",                    "ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok", using: companyUsing),
        row(.POST, "/api/v1/register/extract-verification",              "ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok", json: "{}"),
        row(.POST, "/api/v1/register/companies/:ogrn/capital-payment",   "401  ok   403  403  403  403  403  403  403  403  403",
            json: #"{"paidOn":"2999-01-01"}"#, using: companyUsing),
        row(.POST, "/api/v1/register/companies/:ogrn/employer-invitations", "401  ok   403  403  403  403  403  403  403  403  403",
            json: #"{"email":"x"}"#, using: companyUsing),
        row(.POST, "/api/v1/register/companies/:ogrn/accreditation-applications", "401  ok   403  403  403  403  403  403  403  403  403",
            json: #"{"totalRevenueKopecks":0,"itRevenueKopecks":1,"revenueSinceCreationKopecks":0,"website":"x"}"#, using: companyUsing),
        row(.GET, "/api/v1/ministry/accreditation-applications",          "401  403  403  403  403  403  403  403  ok   403  403"),
        row(.POST, "/api/v1/ministry/accreditation-applications/:applicationId/decision", "401  403  403  403  403  403  403  403  ok   403  403",
            json: #"{"decision":"refuse","websiteNamesITActivity":false,"nationalAveragePayKopecks":1,"regionalAveragePayKopecks":1}"#, using: companyUsing),
        row(.POST, "/api/v1/register/companies/:ogrn/change",            "401  ok   403  403  403  403  403  403  403  403  403", using: companyUsing),
    ]

    static let companyRegistryPages: [AccessRow] = {
        //                          anon spec empl offi cent univ regi anal admi ~spe ~emp
        let owner =                "in   ok   404  404  404  404  404  404  404  404  404"
        let director =             "in   ok   403  403  403  403  403  403  403  403  403"
        let actions = ["name", "address", "capital", "activities", "shares", "founders", "director", "signature", "submission", "founder-removal", "withdrawal"]
        return [
            row(.GET, "/company-registration",                               "in   ok   403  403  403  403  403  403  403  ok   403"),
            row(.POST, "/company-registration",                              "in   ok   403  403  403  403  403  403  403  ok   403", form: [:]),
            row(.GET, "/company-registration/:filingID",                     owner, using: ["filingID": "companyFiling"]),
        ] + actions.map { action in
            row(.POST, "/company-registration/:filingID/\(action)", owner,
                form: action == "founder-removal" ? ["signerID": "{companyFounder}"] : [:], using: ["filingID": "companyFiling"])
        } + [
            row(.GET, "/registry/companies",                                 "in   403  403  403  403  403  ok   403  403  403  403"),
            row(.GET, "/registry/companies/:filingID",                       "in   403  403  403  403  403  ok   403  403  403  403",
                using: ["filingID": "companyFilingDecided"]),
            row(.POST, "/registry/companies/:filingID/decision",             "in   403  403  403  403  403  ok   403  403  403  403", form: [:],
                using: ["filingID": "companyFilingDecided"]),
            row(.GET, "/register",                                           "ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok"),
            row(.GET, "/register/:ogrn",                                     "ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok", using: companyUsing),
            row(.GET, "/register/:ogrn/extract.json",                        "ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok", using: companyUsing),
            row(.POST, "/register/:ogrn/capital",                            director, form: [:], using: companyUsing),
            row(.POST, "/register/:ogrn/invitation",                         director, form: [:], using: companyUsing),
            row(.POST, "/register/:ogrn/accreditation",                      director, form: [:], using: companyUsing),
            row(.POST, "/register/:ogrn/accreditation-withdrawal",           "in   403  403  403  403  403  403  403  ok   403  403", form: [:],
                using: companyUsing),
            row(.GET, "/admin/it-accreditation",                             "in   403  403  403  403  403  403  403  ok   403  403"),
            row(.GET, "/admin/it-accreditation/:filingID",                   "in   403  403  403  403  403  403  403  ok   403  403",
                using: ["filingID": "accreditationApplication"]),
            row(.POST, "/admin/it-accreditation/:filingID",                  "in   403  403  403  403  403  403  403  ok   403  403", form: [:],
                using: ["filingID": "accreditationApplication"]),
            row(.POST, "/register/:ogrn/change",                             director, form: [:], using: companyUsing),
        ]
    }()

    // Study grants: an open round aziz applied to (at a Kazan programme, whose admissions are `univ`), a second round
    // for freezing and running. The catalogue and results are public; the ministry's acts the admin's; scores the
    // centre's and admissions'; an application its owner's (404 for the other specialist).
    static let grantRound = ["roundId": "grantRound", "roundID": "grantRound"]
    static let grantRun = ["roundId": "grantRoundRun", "roundID": "grantRoundRun"]
    static let grantApplication = ["applicationId": "grantApplication", "applicationID": "grantApplication"]
    static let newRound = #"{"title":"x","opensOn":"2030-01-02","closesOn":"2030-01-01","answerUntil":"2030-01-01","quotas":{}}"#

    static let grantsAPI: [AccessRow] = [
        //                                                                anon spec empl offi cent univ regi anal admi ~spe ~emp
        row(.GET, "/api/v1/grants/universities",                         "ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok"),
        row(.POST, "/api/v1/grants/universities",                        "401  403  403  403  403  403  403  403  ok   403  403",
            json: #"{"name":" ","city":" ","districtGroup":"volga"}"#),
        row(.PUT, "/api/v1/grants/universities/:universityId/staff",     "401  403  403  403  403  403  403  403  ok   403  403",
            json: #"{"email":"nobody@example.org"}"#, using: ["universityId": "university"]),
        row(.POST, "/api/v1/grants/universities/:universityId/programmes", "401  403  403  403  403  ok   403  403  ok   403  403",
            json: #"{"name":"x","field":"x","level":"bachelor","language":"ru","seats":0,"weights":{}}"#, using: ["universityId": "university"]),
        row(.GET, "/api/v1/grants/programmes",                           "ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok"),
        row(.PUT, "/api/v1/grants/programmes/:programmeId",              "401  403  403  403  403  ok   403  403  ok   403  403",
            json: #"{"seats":0,"weights":{}}"#, using: ["programmeId": "grantProgramme"]),
        row(.GET, "/api/v1/grants/rounds",                               "ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok"),
        row(.POST, "/api/v1/grants/rounds",                              "401  403  403  403  403  403  403  403  ok   403  403", json: newRound),
        row(.GET, "/api/v1/grants/rounds/:roundId",                      "ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok", using: grantRound),
        row(.GET, "/api/v1/grants/rounds/:roundId/input",                "ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok", using: grantRound),
        row(.GET, "/api/v1/grants/rounds/:roundId/result",               "ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok", using: grantRound),
        row(.GET, "/api/v1/grants/rounds/:roundId/retention",            "ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok", using: grantRound),
        row(.PUT, "/api/v1/grants/rounds/:roundId/ceilings",             "401  403  403  403  403  403  403  403  ok   403  403",
            json: #"{"rows":[{"programme":"GP-9999","country":"UZ","ceiling":1}]}"#, using: grantRound),
        row(.POST, "/api/v1/grants/rounds/:roundId/freeze",              "401  403  403  403  403  403  403  403  ok   403  403", using: grantRun),
        row(.POST, "/api/v1/grants/rounds/:roundId/run",                 "401  403  403  403  403  403  403  403  ok   403  403", using: grantRun),
        row(.POST, "/api/v1/grants/rounds/:roundId/second-round",        "401  403  403  403  403  403  403  403  ok   403  403", json: newRound,
            using: grantRun),
        row(.PUT, "/api/v1/grants/rounds/:roundId/application",          "401  ok   403  403  403  403  403  403  403  ok   403",
            json: #"{"name":"x","country":"UZ","level":"bachelor","schoolCertificate":"x","choices":[]}"#, using: grantRound),
        row(.GET, "/api/v1/grants/applications",                         "401  ok   403  403  403  403  403  403  403  ok   403"),
        row(.PUT, "/api/v1/grants/applications/:applicationId/scores",   "401  403  403  403  ok   ok   403  403  403  403  403",
            json: #"{"scores":{}}"#, using: grantApplication),
        row(.POST, "/api/v1/grants/applications/:applicationId/answer",  "401  ok   403  403  403  403  403  403  403  404  403",
            json: #"{"accept":false}"#, using: grantApplication),
        row(.POST, "/api/v1/grants/applications/:applicationId/status",  "401  403  403  403  403  404  403  403  403  403  403",
            json: #"{"status":"enrolled"}"#, using: grantApplication, note: "aziz's application has no place yet: not admissions' student"),
        row(.GET, "/api/v1/grants/admitted",                             "401  403  403  403  403  ok   403  403  403  403  403"),
    ]

    static let grantsPages: [AccessRow] = {
        //                          anon spec empl offi cent univ regi anal admi ~spe ~emp
        let admin =                "in   403  403  403  403  403  403  403  ok   403  403"
        let specialist =           "in   ok   403  403  403  403  403  403  403  ok   403"
        return [
            row(.GET, "/grants",                                             "ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok"),
            row(.GET, "/grants/rounds/:roundID",                             "ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok", using: grantRound),
            row(.GET, "/grants/rounds/:roundID/input.json",                  "ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok", using: grantRound),
            row(.GET, "/grants/rounds/:roundID/result.json",                 "ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok", using: grantRound),
            row(.GET, "/grants/rounds/:roundID/application",                 specialist, using: grantRound),
            row(.POST, "/grants/rounds/:roundID/application",                specialist, form: [:], using: grantRound),
            row(.GET, "/grants/mine",                                        specialist),
            row(.POST, "/grants/applications/:applicationID/answer",         "in   ok   403  403  403  403  403  403  403  404  403", form: [:],
                using: grantApplication),
            row(.GET, "/grants/desk",                                        "in   403  403  403  ok   ok   403  403  403  403  403"),
            row(.POST, "/grants/applications/:applicationID/scores",         "in   403  403  403  ok   ok   403  403  403  403  403", form: [:],
                using: grantApplication),
            row(.POST, "/grants/applications/:applicationID/status",         "in   403  403  403  403  404  403  403  403  403  403", form: [:],
                using: grantApplication),
            row(.POST, "/grants/desk/programmes",                            "in   403  403  403  403  ok   403  403  403  403  403", form: [:]),
            row(.POST, "/grants/desk/programmes/:code",                      "in   403  403  403  403  ok   403  403  403  403  403", form: [:],
                using: ["code": "grantProgramme"]),
            row(.GET, "/admin/grants",                                       admin),
        ] + ["universities", "programmes", "staff", "rounds"].map { action in
            row(.POST, "/admin/grants/\(action)", admin, form: [:])
        } + ["freeze", "run", "ceilings", "second-round"].map { action in
            row(.POST, "/admin/grants/rounds/:roundID/\(action)", admin, form: [:], using: grantRun)
        }
    }()

    // The observatory: public figures for everyone; the exact ones (and their files, whose downloads are recorded)
    // for analysts and admins.
    static let observatory: [AccessRow] = [
        //                                                                anon spec empl offi cent univ regi anal admi ~spe ~emp
        row(.GET, "/api/v1/observatory",                                 "ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok"),
        row(.GET, "/api/v1/observatory/exact",                           "401  403  403  403  403  403  403  ok   ok   403  403"),
        row(.GET, "/observatory",                                        "ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok"),
        row(.GET, "/observatory/tables/:file",                           "ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok",
            using: ["file": "observatoryTable"]),
        row(.GET, "/observatory/exact",                                  "in   403  403  403  403  403  403  ok   ok   403  403"),
        row(.GET, "/observatory/exact/tables/:file",                     "in   403  403  403  403  403  403  ok   ok   403  403",
            using: ["file": "observatoryTable"]),
    ]

    // MARK: Building rows

    static func row(
        _ method: HTTPMethod, _ path: String, _ answers: String,
        json: String? = nil, form: [String: String]? = nil, upload: [String: String]? = nil, binary: String? = nil,
        using: [String: String] = [:], spends: Bool = false, note: String = ""
    ) -> AccessRow {
        let body: AccessRow.Body = if let json { .json(json) } else if let form { .form(form) } else if let upload { .upload(upload) }
            else if let binary { .binary(query: binary) } else { .none }
        return AccessRow(method: method, path: path, answers: answers, body: body, using: using, spendsCredentials: spends, note: note)
    }
}

/// Who knocks.
enum Caller: String, CaseIterable, Sendable {
    case anonymous, specialist, employer, migrationOfficer, centreStaff, universityAdmissions, registryOfficer, analyst, admin
    case otherSpecialist, otherEmployer
}

/// What the door must answer.
enum Expectation: String, Sendable {
    case allowed = "ok"
    case publicForm = "pub"
    case unauthorized = "401"
    case signIn = "in"
    case forbidden = "403"
    case hidden = "404"
}

struct AccessRow: Sendable {
    enum Body: Sendable {
        case none
        /// A JSON body; `{name}` is replaced by a fixture's value (`{email}` by the caller's address).
        case json(String)
        /// A page form; the session's CSRF token is added.
        case form([String: String])
        /// A page's multipart form with a small PDF as `file`.
        case upload([String: String])
        /// The API's upload: the body is a small PDF, the fields are in the query.
        case binary(query: String)
    }

    let method: HTTPMethod
    /// As registered: `/permits/:caseID`, `/api/v1/permit-cases/:caseId`.
    let path: String
    let answers: String
    var body: Body = .none
    /// Parameters filled from another fixture than their name says (`vacancyId` → `draftVacancy`).
    var using: [String: String] = [:]
    /// The request signs the caller out or revokes their tokens: they sign in again afterwards.
    var spendsCredentials = false
    var note = ""

    var route: String { "\(method.rawValue) \(path)" }

    /// The answers by caller, or why the row cannot be read.
    func expectations() -> Result<[Caller: Expectation], AccessTableError> {
        let tokens = answers.split(whereSeparator: \.isWhitespace).map(String.init)
        guard tokens.count == Caller.allCases.count else {
            return .failure(AccessTableError("\(route): \(tokens.count) answers for \(Caller.allCases.count) callers"))
        }
        var result: [Caller: Expectation] = [:]
        for (caller, token) in zip(Caller.allCases, tokens) {
            guard let expectation = Expectation(rawValue: token) else { return .failure(AccessTableError("\(route): unknown answer \(token)")) }
            result[caller] = expectation
        }
        return .success(result)
    }
}

struct AccessTableError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
