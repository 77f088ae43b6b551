import CaravanDomain
import Testing

@Suite struct ApplicationWorkflowTests {
    @Test func theHappyPathFromApplicationToHire() throws {
        var stage = ApplicationStage.applied
        for (target, party) in [(ApplicationStage.screening, ApplicationParty.employer), (.interview, .employer), (.offer, .employer), (.hired, .specialist)] {
            stage = try ApplicationWorkflow.move(from: stage, to: target, by: party).get()
        }
        #expect(stage == .hired)
    }

    @Test func anInvitationIsAcceptedOrDeclinedByTheSpecialistOnly() {
        #expect(ApplicationWorkflow.allowed(from: .invited, by: .specialist) == [.applied, .declined])
        #expect(ApplicationWorkflow.allowed(from: .invited, by: .employer).isEmpty)
        #expect(!ApplicationStage.invited.sharesContacts)
        #expect(ApplicationStage.applied.sharesContacts)
    }

    @Test(arguments: ApplicationStage.allCases)
    func finalStagesNeverMove(stage: ApplicationStage) {
        guard !stage.isOpen else { return }
        for target in ApplicationStage.allCases {
            for party in [ApplicationParty.employer, .specialist] {
                #expect(ApplicationWorkflow.move(from: stage, to: target, by: party) == .failure(.init(current: stage, attempted: target)))
            }
        }
    }

    @Test func noSkippingAheadAndNoHiringByTheEmployer() {
        #expect(ApplicationWorkflow.move(from: .applied, to: .offer, by: .employer) == .failure(.init(current: .applied, attempted: .offer)))
        #expect(ApplicationWorkflow.move(from: .offer, to: .hired, by: .employer) == .failure(.init(current: .offer, attempted: .hired)))
        #expect(ApplicationWorkflow.move(from: .screening, to: .interview, by: .specialist) == .failure(.init(current: .screening, attempted: .interview)))
    }

    @Test(arguments: ApplicationStage.allCases.filter(\.isOpen))
    func theSpecialistMayWithdrawFromAnyOpenStageButAnInvitation(stage: ApplicationStage) {
        let result = ApplicationWorkflow.move(from: stage, to: .withdrawn, by: .specialist)
        #expect((try? result.get()) == (stage == .invited ? nil : .withdrawn))
    }
}
