import CaravanDomain
import CaravanPermits
import Testing

@Suite struct CaseWorkflowTests {
    let applicant = CaseActor(id: "u-specialist", role: .specialist)
    let officer = CaseActor(id: "u-officer-1", role: .migrationOfficer)
    let secondOfficer = CaseActor(id: "u-officer-2", role: .migrationOfficer)
    let sponsor = CaseActor(id: "u-employer", role: .employer)

    static let approveAll = CaseDecision([.init(person: "p0", verdict: .approved), .init(person: "p1", verdict: .approved)])
    static let refuseSpouse = CaseDecision([
        .init(person: "p0", verdict: .approved), .init(person: "p1", verdict: .refused(ground: "false_information")),
    ])
    static let refuseAll = CaseDecision([.init(person: "p0", verdict: .refused(ground: "not_eligible"))])
    /// Both persons passed every rule (a report with no results has nothing that did not pass).
    static let allPassed = CaseJudgement(report: EligibilityReport(rulebookVersion: "t", personCount: 2, results: []), persons: ["p0", "p1"])

    /// One state of every status, with payloads where the status has one.
    static let states: [CaseState] = [
        .draft, .submitted, .inReview, .informationRequested, .resubmitted,
        .refusalProposed(refuseSpouse, proposedBy: "u-officer-1"), .decided(approveAll), .permitIssued(approveAll),
        .arrivalRegistered(approveAll), .withdrawn, .cancelled(.graceLapsed),
    ]

    static let events: [CaseEvent] = [
        .submit, .startReview, .requestInformation, .resubmit, .decide(approveAll), .decide(refuseSpouse),
        .confirmRefusal, .returnToReview, .issuePermit, .registerArrival, .withdraw, .cancel(.sponsorLostAccreditation),
    ]

    /// The moves the issue allows, and nothing else.
    static let allowed: [CaseStatus: [CaseEventKind: CaseStatus]] = [
        .draft: [.submit: .submitted, .withdraw: .withdrawn],
        .submitted: [.startReview: .inReview, .withdraw: .withdrawn],
        .inReview: [.requestInformation: .informationRequested, .decide: .decided, .withdraw: .withdrawn],
        .informationRequested: [.resubmit: .resubmitted, .withdraw: .withdrawn],
        .resubmitted: [.startReview: .inReview, .requestInformation: .informationRequested, .decide: .decided, .withdraw: .withdrawn],
        .refusalProposed: [.confirmRefusal: .decided, .returnToReview: .inReview, .withdraw: .withdrawn],
        .decided: [.issuePermit: .permitIssued, .returnToReview: .inReview],
        .permitIssued: [.registerArrival: .arrivalRegistered, .cancel: .cancelled],
        .arrivalRegistered: [.cancel: .cancelled],
    ]

    /// Someone whose role may fire the event (the second officer, so confirming a proposal is not self-confirmation).
    func actor(for event: CaseEvent) -> CaseActor {
        CasePolicy.mayFire(event.kind, role: .specialist) ? applicant : secondOfficer
    }

    @Test func theHappyPathFromDraftToArrival() throws {
        var state = CaseState.draft
        for (event, actor) in [
            (CaseEvent.submit, applicant), (.startReview, officer), (.requestInformation, officer), (.resubmit, applicant),
            (.decide(Self.approveAll), officer), (.issuePermit, officer), (.registerArrival, sponsor),
        ] {
            state = try CaseWorkflow.transition(from: state, event: event, actor: actor, judged: Self.allPassed).get()
        }
        #expect(state == .arrivalRegistered(Self.approveAll))
    }

    @Test(arguments: states)
    func everyOtherMoveIsRefusedWithTheCurrentState(state: CaseState) {
        for event in Self.events {
            let result = CaseWorkflow.transition(from: state, event: event, actor: actor(for: event), judged: Self.allPassed)
            if var target = Self.allowed[state.status]?[event.kind] {
                if case .decide(let decision) = event, decision.refusesAnyone { target = .refusalProposed }
                #expect((try? result.get())?.status == target, "\(state.status) + \(event.kind)")
            } else {
                #expect(result == .failure(TransitionError(current: state, event: event.kind, reason: .notAllowedInState)),
                        "\(state.status) + \(event.kind)")
            }
        }
    }

    @Test func aRefusalTakesEffectOnlyWhenASecondOfficerConfirmsIt() throws {
        let proposed = try CaseWorkflow.transition(from: .inReview, event: .decide(Self.refuseSpouse), actor: officer, judged: Self.allPassed).get()
        #expect(proposed == .refusalProposed(Self.refuseSpouse, proposedBy: officer.id))

        let selfConfirmed = CaseWorkflow.transition(from: proposed, event: .confirmRefusal, actor: officer)
        #expect(selfConfirmed == .failure(TransitionError(current: proposed, event: .confirmRefusal, reason: .sameOfficer)))

        let confirmed = try CaseWorkflow.transition(from: proposed, event: .confirmRefusal, actor: secondOfficer, judged: Self.allPassed).get()
        #expect(confirmed == .decided(Self.refuseSpouse))
        // The approved principal still gets a permit.
        #expect(try CaseWorkflow.transition(from: confirmed, event: .issuePermit, actor: officer, judged: Self.allPassed).get()
            == .permitIssued(Self.refuseSpouse))

        // The proposer may take the proposal back.
        #expect(try CaseWorkflow.transition(from: proposed, event: .returnToReview, actor: officer).get() == .inReview)
    }

    @Test func noPermitWhenEveryoneIsRefusedAndNoEmptyDecisions() throws {
        let decided = CaseState.decided(Self.refuseAll)
        #expect(CaseWorkflow.transition(from: decided, event: .issuePermit, actor: officer)
            == .failure(TransitionError(current: decided, event: .issuePermit, reason: .nothingApproved)))
        #expect(CaseWorkflow.transition(from: .inReview, event: .decide(CaseDecision([])), actor: officer)
            == .failure(TransitionError(current: .inReview, event: .decide, reason: .emptyDecision)))
    }

    @Test func onlyTheRightRolesFireEvents() {
        let expected: [Role: Set<CaseEventKind>] = [
            .specialist: [.submit, .resubmit, .withdraw],
            .migrationOfficer: [.startReview, .requestInformation, .decide, .confirmRefusal, .returnToReview, .issuePermit, .registerArrival, .cancel],
            .employer: [.registerArrival],
            .centreStaff: [], .universityAdmissions: [], .registryOfficer: [], .analyst: [], .admin: [],
        ]
        #expect(Set(expected.keys) == Set(Role.allCases))
        for role in Role.allCases {
            #expect(Set(CaseEventKind.allCases.filter { CasePolicy.mayFire($0, role: role) }) == expected[role], "\(role)")
        }
        #expect(CaseViewer.allCases.filter(CasePolicy.maySeeDocuments) == [.principal, .officer])
    }

    @Test(arguments: Role.allCases)
    func aRoleThatMayNotFireAnEventIsRefusedWhateverTheState(role: Role) {
        let actor = CaseActor(id: "u-\(role.rawValue)", role: role)
        for state in Self.states {
            for event in Self.events where !CasePolicy.mayFire(event.kind, role: role) {
                #expect(CaseWorkflow.transition(from: state, event: event, actor: actor)
                    == .failure(TransitionError(current: state, event: event.kind, reason: .roleNotPermitted(role))))
            }
        }
    }

    @Test func thePageShowsTheMovesAvailableNow() {
        #expect(CaseWorkflow.availableEvents(in: .inReview, for: officer) == [.requestInformation, .decide])
        #expect(CaseWorkflow.availableEvents(in: .decided(Self.approveAll), for: officer, judged: Self.allPassed) == [.returnToReview, .issuePermit])
        #expect(CaseWorkflow.availableEvents(in: .decided(Self.approveAll), for: officer) == [.returnToReview])
        #expect(CaseWorkflow.availableEvents(in: .inReview, for: applicant) == [.withdraw])
        #expect(CaseWorkflow.availableEvents(in: Self.states[5], for: officer) == [.returnToReview])
        #expect(CaseWorkflow.availableEvents(in: Self.states[5], for: secondOfficer, judged: Self.allPassed) == [.confirmRefusal, .returnToReview])
        #expect(CaseWorkflow.availableEvents(in: .withdrawn, for: officer).isEmpty)
    }

    @Test func theClockRunsOnlyWhileTheCaseWaitsForTheAuthority() {
        #expect(Self.states.filter(\.clockRuns).map(\.status) == [.submitted, .inReview, .resubmitted, .refusalProposed])
    }

    @Test func aDecisionMustJudgeEveryPersonOnAKnownGround() throws {
        let rulebook = try fastTrack()
        try Self.refuseSpouse.validate(persons: ["p0", "p1"], rulebook: rulebook)
        let bad = CaseDecision([
            .init(person: "p0", verdict: .refused(ground: "bad_mood")), .init(person: "p0", verdict: .approved),
            .init(person: "p9", verdict: .approved),
        ])
        #expect(throws: ValidationFailure([
            FieldError(field: "decision.p0", code: "decision.unknownGround", arguments: ["ground": "bad_mood"]),
            FieldError(field: "decision.p0", code: "decision.duplicatePerson"),
            FieldError(field: "decision.p9", code: "decision.unknownPerson"),
            FieldError(field: "decision.p1", code: "decision.missingVerdict"),
        ])) {
            try bad.validate(persons: ["p0", "p1"], rulebook: rulebook)
        }
    }

    // MARK: Approval only on passed rules

    /// The spouse's entry-ban check has not answered and the principal's passport is missing.
    static let spouseUnchecked = CaseJudgement(
        report: EligibilityReport(rulebookVersion: "t", personCount: 2, results: [
            RuleResult(rule: 0, person: 0, finding: .satisfied),
            RuleResult(rule: 3, person: 1, finding: .entryBanUnchecked),
            RuleResult(rule: 4, person: 1, finding: .satisfied),
        ]),
        persons: ["p0", "p1"]
    )

    @Test func approvingAPersonWithARuleNotPassedIsRefusedNamingThePersonAndTheRule() {
        let result = CaseWorkflow.transition(from: .inReview, event: .decide(Self.approveAll), actor: officer, judged: Self.spouseUnchecked)
        let blocked = [BlockedApproval(person: "p1", rules: [RuleResult(rule: 3, person: 1, finding: .entryBanUnchecked)])]
        #expect(result == .failure(TransitionError(current: .inReview, event: .decide, reason: .approvalBlocked(blocked))))
        // Refusing that person on a ground is possible: it becomes a proposal for a second officer.
        #expect((try? CaseWorkflow.transition(from: .inReview, event: .decide(Self.refuseSpouse), actor: officer,
                                              judged: Self.spouseUnchecked).get())?.status == .refusalProposed)
    }

    @Test func withoutAJudgementNoApprovalTakesEffect() {
        let result = CaseWorkflow.transition(from: .inReview, event: .decide(Self.approveAll), actor: officer)
        let blocked = [BlockedApproval(person: "p0", rules: []), BlockedApproval(person: "p1", rules: [])]
        #expect(result == .failure(TransitionError(current: .inReview, event: .decide, reason: .approvalBlocked(blocked))))
        // A refusal of everyone needs no facts to be proposed.
        #expect((try? CaseWorkflow.transition(from: .inReview, event: .decide(Self.refuseAll), actor: officer).get())?.status == .refusalProposed)
    }

    @Test func confirmingARefusalAndIssuingThePermitCheckTheApprovalsAgain() throws {
        let proposed = CaseState.refusalProposed(Self.refuseSpouse, proposedBy: officer.id)
        let principalBanned = CaseJudgement(
            report: EligibilityReport(rulebookVersion: "t", personCount: 2, results: [RuleResult(rule: 3, person: 0, finding: .entryBanned)]),
            persons: ["p0", "p1"]
        )
        let blocked = [BlockedApproval(person: "p0", rules: [RuleResult(rule: 3, person: 0, finding: .entryBanned)])]
        #expect(CaseWorkflow.transition(from: proposed, event: .confirmRefusal, actor: secondOfficer, judged: principalBanned)
            == .failure(TransitionError(current: proposed, event: .confirmRefusal, reason: .approvalBlocked(blocked))))
        let decided = CaseState.decided(Self.approveAll)
        #expect(CaseWorkflow.transition(from: decided, event: .issuePermit, actor: officer, judged: principalBanned)
            == .failure(TransitionError(current: decided, event: .issuePermit, reason: .approvalBlocked(blocked))))
        // The officer reopens the decision instead.
        #expect((try? CaseWorkflow.transition(from: decided, event: .returnToReview, actor: officer).get()) == .inReview)
    }

    @Test func aPersonNotOnTheCaseCannotBeApproved() {
        #expect(!Self.allPassed.mayApprove("p7"))
        #expect(Self.allPassed.blockedApprovals(in: CaseDecision([.init(person: "p7", verdict: .approved)])) == [BlockedApproval(person: "p7", rules: [])])
    }

    // MARK: What each viewer is told

    @Test func aProposedRefusalIsInReviewToTheApplicantAndTheSponsorOnly() {
        #expect(CaseStatus.refusalProposed.shown(to: .officer) == .refusalProposed)
        #expect(CaseStatus.refusalProposed.shown(to: .principal) == .inReview)
        #expect(CaseStatus.refusalProposed.shown(to: .sponsor) == .inReview)
        for status in CaseStatus.allCases where status != .refusalProposed {
            for viewer in CaseViewer.allCases { #expect(status.shown(to: viewer) == status) }
        }
    }

    @Test func theNamedStatusSets() {
        #expect(CaseStatus.allCases.filter(\.holdsPermit) == [.permitIssued, .arrivalRegistered])
        #expect(CaseStatus.allCases.filter(\.acceptsUploads) == [.draft, .submitted, .inReview, .informationRequested, .resubmitted])
        #expect(CaseStatus.allCases.filter(\.acceptsReviews) == [.submitted, .inReview, .informationRequested, .resubmitted])
        #expect(CaseStatus.allCases.filter(\.acceptsPersonChanges) == [.draft])
        #expect(CaseStatus.officerQueue == [.submitted, .inReview, .informationRequested, .resubmitted, .refusalProposed, .decided])
    }

    @Test func whetherAMoveIsPossibleLeavesTheRulesAside() {
        #expect(CaseWorkflow.isPossible(.decide(Self.approveAll), from: .inReview, actor: officer, persons: ["p0", "p1"]))
        #expect(!CaseWorkflow.isPossible(.decide(Self.approveAll), from: .draft, actor: officer, persons: ["p0", "p1"]))
        #expect(!CaseWorkflow.isPossible(.startReview, from: .submitted, actor: applicant, persons: ["p0"]))
        #expect(CaseEventKind.allCases.filter(\.asksEntryBanRegistry) == [.startReview, .decide, .confirmRefusal, .issuePermit])
    }

    @Test func aCancellationIsTheSystemsNeverAButton() {
        #expect(CaseEventKind.allCases.filter(\.isSystemOnly) == [.cancel])
        #expect(CaseWorkflow.availableEvents(in: .permitIssued(Self.approveAll), for: officer, judged: Self.allPassed) == [.registerArrival])
    }
}
