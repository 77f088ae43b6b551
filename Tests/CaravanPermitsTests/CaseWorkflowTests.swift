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
        .decided: [.issuePermit: .permitIssued],
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
            state = try CaseWorkflow.transition(from: state, event: event, actor: actor).get()
        }
        #expect(state == .arrivalRegistered(Self.approveAll))
    }

    @Test(arguments: states)
    func everyOtherMoveIsRefusedWithTheCurrentState(state: CaseState) {
        for event in Self.events {
            let result = CaseWorkflow.transition(from: state, event: event, actor: actor(for: event))
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
        let proposed = try CaseWorkflow.transition(from: .inReview, event: .decide(Self.refuseSpouse), actor: officer).get()
        #expect(proposed == .refusalProposed(Self.refuseSpouse, proposedBy: officer.id))

        let selfConfirmed = CaseWorkflow.transition(from: proposed, event: .confirmRefusal, actor: officer)
        #expect(selfConfirmed == .failure(TransitionError(current: proposed, event: .confirmRefusal, reason: .sameOfficer)))

        let confirmed = try CaseWorkflow.transition(from: proposed, event: .confirmRefusal, actor: secondOfficer).get()
        #expect(confirmed == .decided(Self.refuseSpouse))
        // The approved principal still gets a permit.
        #expect(try CaseWorkflow.transition(from: confirmed, event: .issuePermit, actor: officer).get() == .permitIssued(Self.refuseSpouse))

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
        #expect(Role.allCases.filter(CasePolicy.maySeeDocuments) == [.specialist, .migrationOfficer])
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
        #expect(CaseWorkflow.availableEvents(in: .inReview, for: applicant) == [.withdraw])
        #expect(CaseWorkflow.availableEvents(in: Self.states[5], for: officer) == [.returnToReview])
        #expect(CaseWorkflow.availableEvents(in: Self.states[5], for: secondOfficer) == [.confirmRefusal, .returnToReview])
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
}
