import CaravanPermits
import Testing

@Suite struct EligibilityTests {
    /// The brief's family: a backend developer from Tashkent, his wife, a son of 10 and a daughter of 19 who
    /// works and does not depend on him. Everyone has every document; judged on 2 March 2026.
    struct Family {
        var principal: PersonFacts
        var members: [FamilyMemberFacts]
        var offer = OfferFacts(sponsorAccredited: true, accepted: true, monthlySalaryRub: 250_000)

        init(rulebook: Rulebook) throws {
            func person(_ born: String, relation: Relation?, dependent: Bool = false) throws -> PersonFacts {
                PersonFacts(
                    birthDate: try day(born), passportExpiresOn: try day("2030-01-01"), entryBan: false,
                    documents: rulebook.checklist(relation: relation, isDependent: dependent)
                )
            }
            principal = try person("1990-05-14", relation: nil)
            members = [
                FamilyMemberFacts(person: try person("1992-08-01", relation: .spouse), relation: .spouse),
                FamilyMemberFacts(person: try person("2015-04-10", relation: .child), relation: .child),
                FamilyMemberFacts(person: try person("2006-11-20", relation: .child), relation: .child, isDependent: false),
            ]
        }
    }

    let on = CalendarDate(year: 2026, month: 3, day: 2)!

    func evaluate(_ family: Family, _ rulebook: Rulebook) -> EligibilityReport {
        Eligibility.evaluate(applicant: family.principal, family: family.members, offer: family.offer, rulebook: rulebook, on: on)
    }

    @Test func aFamilyOfFourIsJudgedPersonByPerson() throws {
        let rulebook = try fastTrack()
        let report = evaluate(try Family(rulebook: rulebook), rulebook)

        #expect(report.rulebookVersion == "ru-it-fast-track@2022.1")
        // 6 rules apply to the principal, 5 to each family member.
        #expect(report.results.count == 6 + 3 * 5)
        #expect(report.results(for: 0).map { rulebook.rules[$0.rule].id } == [
            "sponsor.accredited", "offer.accepted", "salary.minimum", "passport.validity", "entry.noBan", "documents.complete",
        ])
        #expect([0, 1, 2, 3].map(report.outcome(for:)) == [.passed, .passed, .passed, .failed])
        #expect(report.caseOutcome == .passed)

        let failures = report.results.filter { $0.outcome != .passed }
        #expect(failures.count == 1)
        let failure = try #require(failures.first)
        #expect(failure.person == 3)
        #expect(rulebook.rules[failure.rule].id == "family.relation")
        #expect(failure.finding == .childOverAgeLimit(age: 19, limit: 18))
        #expect(rulebook.messageKey(for: failure) == "permits.rule.relationEligible.childOverAgeLimit")
        #expect(failure.finding.arguments == ["age": "19", "limit": "18"])
    }

    @Test func anAdultChildNeedsADependencyStatementAndItsProof() throws {
        let rulebook = try fastTrack()
        var family = try Family(rulebook: rulebook)
        family.members[2].isDependent = nil
        #expect(evaluate(family, rulebook).results(for: 3).map(\.finding).contains(.dependencyNotStated(age: 19, limit: 18)))
        #expect(evaluate(family, rulebook).outcome(for: 3) == .needsDocument)

        family.members[2].isDependent = true
        let dependent = evaluate(family, rulebook).results(for: 3).filter { $0.outcome != .passed }
        #expect(dependent.map(\.finding) == [.documentsMissing(first: .dependencyProof, count: 1)])
        #expect(rulebook.messageKey(for: dependent[0]) == "permits.rule.documentsProvided.documentsMissing")
    }

    @Test func aRelationTheLawDoesNotCoverIsExplainedNotAnError() throws {
        let rulebook = try fastTrack()
        var family = try Family(rulebook: rulebook)
        family.members[0].relation = .sibling
        let finding = evaluate(family, rulebook).results(for: 1).map(\.finding)
        #expect(finding.contains(.relationNotCovered(.sibling)))
        #expect(Finding.relationNotCovered(.sibling).arguments == ["relation": "sibling"])
    }

    @Test func unknownFactsNeedDocumentsAndKnownBadFactsFail() throws {
        let rulebook = try fastTrack()
        var family = try Family(rulebook: rulebook)
        family.offer = OfferFacts(sponsorAccredited: nil, accepted: true, monthlySalaryRub: nil)
        family.principal.entryBan = nil
        family.principal.passportExpiresOn = nil
        family.principal.documents.remove(DocumentSet([.photo, .medicalCertificate]))
        #expect(evaluate(family, rulebook).results(for: 0).map(\.finding) == [
            .sponsorUnchecked, .satisfied, .salaryUnknown, .passportMissing, .entryBanUnchecked,
            .documentsMissing(first: .photo, count: 2),
        ])
        #expect(evaluate(family, rulebook).caseOutcome == .needsDocument)

        // Uploaded and waiting for review is not missing: the applicant has nothing left to do.
        family.principal.awaitingReview = DocumentSet([.photo, .medicalCertificate])
        #expect(evaluate(family, rulebook).results(for: 0).last?.finding == .documentsAwaitingReview(first: .photo, count: 2))
        family.principal.awaitingReview = DocumentSet([.photo])
        #expect(evaluate(family, rulebook).results(for: 0).last?.finding == .documentsMissing(first: .medicalCertificate, count: 1))
        family.principal.awaitingReview = []

        family.offer = OfferFacts(sponsorAccredited: false, accepted: false, monthlySalaryRub: 120_000)
        family.principal.entryBan = true
        family.principal.passportExpiresOn = try day("2026-07-15")
        #expect(evaluate(family, rulebook).results(for: 0).map(\.finding).prefix(5) == [
            .sponsorNotAccredited, .offerNotAccepted, .salaryBelowMinimum(monthlyRub: 120_000, minimumRub: 167_000),
            .passportExpiresTooSoon(expiresOn: try day("2026-07-15"), monthsLeft: 4, requiredMonths: 6), .entryBanned,
        ])
        #expect(evaluate(family, rulebook).caseOutcome == .failed)
    }

    @Test func aPassportValidThroughTheRequiredDatePasses() throws {
        let rulebook = try fastTrack()
        var family = try Family(rulebook: rulebook)
        family.principal.passportExpiresOn = try day("2026-09-02")
        #expect(evaluate(family, rulebook).results(for: 0)[3].finding == .satisfied)
        family.principal.passportExpiresOn = try day("2026-09-01")
        #expect(evaluate(family, rulebook).results(for: 0)[3].finding == .passportExpiresTooSoon(expiresOn: try day("2026-09-01"), monthsLeft: 5, requiredMonths: 6))
    }

    @Test func everyResultNamesAKeyTheCatalogueIsAskedFor() throws {
        let rulebook = try fastTrack()
        let keys = Set(rulebook.messageKeys)
        #expect(keys.count == rulebook.messageKeys.count)
        var family = try Family(rulebook: rulebook)
        var produced = Set<String>()
        for variant in 0..<4 {
            family.offer = OfferFacts(sponsorAccredited: [true, false, nil, true][variant], accepted: variant != 1,
                                      monthlySalaryRub: [250_000, 10, nil, 170_000][variant])
            family.principal.entryBan = [false, true, nil, false][variant]
            family.principal.passportExpiresOn = try [day("2030-01-01"), day("2026-04-01"), nil, day("2031-01-01")][variant]
            family.principal.documents = variant == 1 ? [] : rulebook.checklist(relation: nil)
            family.members[0].relation = [.spouse, .sibling, .other, .grandchild][variant]
            family.members[2].isDependent = [false, nil, true, false][variant]
            let report = evaluate(family, rulebook)
            produced.formUnion(report.results.map(rulebook.messageKey(for:)))
        }
        #expect(produced.subtracting(keys).isEmpty, "\(produced.subtracting(keys))")
        #expect(keys.contains("permits.rule.relationEligible.childOverAgeLimit"))
        #expect(keys.contains("permits.ground.falseInformation"))
    }

    /// No timing here (timed unit tests flake on shared machines; `caravan-bench permits` measures). What a test
    /// can pin down is the shape that makes evaluation cheap: every value it reads or writes is plain data (no
    /// strings, no references, so nothing is retained or copied to the heap), and evaluating into a reused
    /// buffer never reallocates it.
    @Test func evaluationWorksOnPlainValuesAndReusesItsBuffer() throws {
        #expect(_isPOD(RuleResult.self))
        #expect(_isPOD(Finding.self))
        #expect(_isPOD(RuleCheck.self))
        #expect(_isPOD(PersonFacts.self))
        #expect(_isPOD(FamilyMemberFacts.self))
        #expect(_isPOD(OfferFacts.self))

        let rulebook = try fastTrack()
        let family = try Family(rulebook: rulebook)
        var buffer: [RuleResult] = []
        Eligibility.evaluate(applicant: family.principal, family: family.members, offer: family.offer, rulebook: rulebook, on: on, into: &buffer)
        let address = buffer.withUnsafeBufferPointer { $0.baseAddress }
        let capacity = buffer.capacity
        for _ in 0..<1_000 {
            Eligibility.evaluate(applicant: family.principal, family: family.members, offer: family.offer, rulebook: rulebook, on: on, into: &buffer)
            #expect(buffer.withUnsafeBufferPointer { $0.baseAddress } == address)
        }
        #expect(buffer.capacity == capacity)
        #expect(buffer == evaluate(family, rulebook).results)
    }
}
