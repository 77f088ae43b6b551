import CaravanDomain
import Crypto
import Foundation
import Testing
@testable import CaravanRegistry

/// The canonical text every signature is over, its revision, and signatures voided by any change of content.
@Suite struct ApplicationSigningTests {
    typealias Fx = CompanyFixtures

    @Test func canonicalLinesAreExact() {
        #expect(Fx.application().canonicalLines == [
            "caravan-company-application/1",
            "id=app-1",
            "legal-form=ooo",
            "name.full=Общество с ограниченной ответственностью «Караван Софт»",
            "name.short=ООО «Караван Софт»",
            "name.other=",
            "permission=",
            "address.region=77",
            "address.postcode=101000",
            "address.text=г. Москва, ул. Мясницкая, д. 1, офис 5",
            "capital.kopecks=1000000",
            "founders=2",
            "founder.1.kind=person",
            "founder.1.user=u-aziz",
            "founder.1.name=Азиз Каримов",
            "founder.1.citizenship=KG",
            "founder.1.resident=yes",
            "founder.1.share=1/2",
            "founder.2.kind=person",
            "founder.2.user=u-elena",
            "founder.2.name=Елена Смирнова",
            "founder.2.citizenship=RU",
            "founder.2.resident=no",
            "founder.2.share=1/2",
            "director.user=u-aziz",
            "director.name=Азиз Каримов",
            "director.citizenship=KG",
            "okved.main=62.01",
            "okved.additional=62.02",
            "okved.additional=63.11",
            "simplified-tax=yes",
        ])
        #expect(Fx.application().canonicalText == Fx.application().canonicalLines.joined(separator: "\n"))
    }

    @Test func revisionIsTheTextsHash() {
        let application = Fx.application()
        let expected = SHA256.hash(data: Data(application.canonicalText.utf8)).map { String(format: "%02x", $0) }.joined()
        #expect(application.revision == expected)
        #expect(application.revision.count == 64)
    }

    @Test func orderOfEntryIsNotContent() {
        let base = Fx.application()
        let reordered = Fx.application {
            $0.founders.reverse()
            $0.additionalActivities = ["62.02", "63.11"]
        }
        #expect(reordered.revision == base.revision)
        let spaced = Fx.application { $0.nameCore = "  Караван   Софт " }
        #expect(spaced.revision == base.revision, "the name as registered collapses spaces")
    }

    @Test func everyChangeOfContentChangesTheRevision() {
        let base = Fx.application().revision
        let changes: [(String, (inout CompanyApplication) -> Void)] = [
            ("name", { $0.nameCore = "Караван Софт 2" }),
            ("other name", { $0.otherLanguageName = "Caravan Soft" }),
            ("permission", { $0.permission = "№ 1" }),
            ("region", { $0.address.regionCode = "78" }),
            ("postcode", { $0.address.postcode = "101001" }),
            ("address", { $0.address.text += "А" }),
            ("capital", { $0.capitalKopecks += 1 }),
            ("share", { $0.founders[0].share = Fx.fraction("2/3"); $0.founders[1].share = Fx.fraction("1/3") }),
            ("founder name", { $0.founders[1] = .person(userID: "u-elena", name: "Елена Смирнова-Ли", citizenship: Fx.ru, isResident: false,
                                                        share: Fx.fraction("1/2")) }),
            ("founder residency", { $0.founders[1] = .person(userID: "u-elena", name: "Елена Смирнова", citizenship: Fx.ru, isResident: true,
                                                             share: Fx.fraction("1/2")) }),
            ("director", { $0.director = CompanyDirector(userID: "u-elena", name: "Елена Смирнова", citizenship: Fx.ru) }),
            ("main code", { $0.mainActivity = "62.02"; $0.additionalActivities = ["63.11"] }),
            ("codes", { $0.additionalActivities.append("74.10") }),
            ("tax notice", { $0.simplifiedTaxNotice = false }),
            ("legal form", { $0.legalForm = .ip }),
            ("id", { $0.id = "app-2" }),
        ]
        var seen: Set<String> = [base]
        for (label, change) in changes {
            let revision = Fx.application(change).revision
            #expect(revision != base, "\(label)")
            seen.insert(revision)
        }
        #expect(seen.count == changes.count + 1)
    }

    @Test func aValueCannotForgeALine() {
        let forged = Fx.application { $0.address.text = "Москва\nokved.main=58.29" }
        #expect(forged.canonicalLines.filter { $0.hasPrefix("okved.main=") } == ["okved.main=62.01"])
        #expect(forged.canonicalLines.contains("address.text=Москва\\nokved.main=58.29"))
        #expect(Fx.application { $0.address.text = "a\\nb" }.revision != Fx.application { $0.address.text = "a\nb" }.revision)
    }

    @Test func signableDocumentCarriesTheCanonicalLines() throws {
        let application = Fx.application()
        let document = application.signableDocument(documentID: "doc-1", signer: "DR-2026-000001-7", createdOn: "2026-03-02")
        #expect(document.kind == "company-application")
        #expect(document.text == application.canonicalLines)
        #expect(document.title == "Заявление о государственной регистрации ООО «Караван Софт»")
        #expect(CompanyApplication.revision(ofSigned: document) == application.revision)
        // The signed file carries the document's canonical text; read back, it names the same revision.
        let reread = try #require(SignableDocument(canonicalText: document.canonicalText))
        #expect(CompanyApplication.revision(ofSigned: reread) == application.revision)
        let other = SignableDocument(id: "d", kind: "declaration", title: "t", signer: "s", createdOn: "2026-03-02", text: application.canonicalLines)
        #expect(CompanyApplication.revision(ofSigned: other) == nil)
    }

    @Test func aSignedDocumentBecomesASignatureOverWhatWasSigned() throws {
        let signedVersion = Fx.application()
        let document = signedVersion.signableDocument(documentID: "doc-1", signer: "DR-2026-000001-7", createdOn: "2026-03-02")
        let signature = try ApplicationSignature(signedDocument: document, applicationID: "app-1", signerID: "u-aziz", role: .founder,
                                                 signedAt: "2026-03-02T10:00:00Z", evidence: "file-1")
        #expect(signature.revision == signedVersion.revision)
        // The application changed after the document was signed: the signature names the old revision and is void.
        let current = Fx.application { $0.capitalKopecks = 5_000_000 }
        let review = SignatureSet([signature]).valid(for: current)
        #expect(review.entries.first?.status == .void(.contentChanged))
        #expect(throws: ApplicationSignature.DocumentError.otherApplication("app-1")) {
            try ApplicationSignature(signedDocument: document, applicationID: "app-2", signerID: "u-aziz", role: .founder, signedAt: "")
        }
        let declaration = SignableDocument(id: "d", kind: "declaration", title: "t", signer: "s", createdOn: "2026-03-02", text: ["text"])
        #expect(throws: ApplicationSignature.DocumentError.notAnApplication) {
            try ApplicationSignature(signedDocument: declaration, applicationID: "app-1", signerID: "u-aziz", role: .founder, signedAt: "")
        }
    }

    // MARK: Signatures

    static func signedByAll(_ application: CompanyApplication) -> SignatureSet {
        SignatureSet(application.requiredSigners.map {
            ApplicationSignature(signerID: $0.signerID, role: $0.role, revision: application.revision, signedAt: "2026-03-02T10:00:00Z")
        })
    }

    @Test func everyFounderAndTheDirectorSign() {
        let application = Fx.application()
        #expect(application.requiredSigners == [
            RequiredSigner(signerID: "u-aziz", role: .founder), RequiredSigner(signerID: "u-elena", role: .founder),
            RequiredSigner(signerID: "u-aziz", role: .director),
        ])
        let company = Fx.application { $0.founders[1] = .company(ogrn: "1027700132195", name: "ПАО Сбербанк", share: Fx.fraction("1/2")) }
        #expect(company.requiredSigners.map(\.signerID) == ["u-aziz", "ogrn:1027700132195", "u-aziz"])
    }

    @Test func allSignaturesOverTheCurrentRevisionAreComplete() {
        let application = Fx.application()
        let review = Self.signedByAll(application).valid(for: application)
        #expect(review.isComplete)
        #expect(review.validSignatures.count == 3)
        #expect(review.voidSignatures.isEmpty)
        #expect(review.missing.isEmpty)
    }

    @Test func aMissingSignatureLeavesItIncomplete() {
        let application = Fx.application()
        var set = Self.signedByAll(application)
        set = SignatureSet(set.signatures.filter { $0.role != .director })
        let review = set.valid(for: application)
        #expect(!review.isComplete)
        #expect(review.missing == [RequiredSigner(signerID: "u-aziz", role: .director)])
    }

    @Test func aChangeAfterSigningVoidsEverySignature() {
        let signed = Fx.application()
        let set = Self.signedByAll(signed)
        let changed = Fx.application { $0.capitalKopecks = 2_000_000 }
        let review = set.valid(for: changed)
        #expect(!review.isComplete)
        #expect(review.validSignatures.isEmpty)
        #expect(review.voidSignatures.count == 3)
        #expect(review.voidSignatures.allSatisfy { $0.reason == .contentChanged })
        #expect(review.entries.allSatisfy { $0.status == .void(.contentChanged) })
        #expect(SignatureReview.VoidReason.contentChanged.rawValue == "company.signature.contentChanged")

        // Re-signing by one founder makes that one valid again; the others stay void until they sign too.
        var resigned = set
        resigned.record(ApplicationSignature(signerID: "u-elena", role: .founder, revision: changed.revision, signedAt: "2026-03-03T09:00:00Z"))
        let partial = resigned.valid(for: changed)
        #expect(partial.validSignatures.map(\.signerID) == ["u-elena"])
        #expect(partial.voidSignatures.count == 2)
        #expect(resigned.signatures.count == 3, "the later signature replaced the earlier one")
    }

    @Test func aFounderWhoLeftSignsNothing() {
        let before = Fx.application()
        let set = Self.signedByAll(before)
        let after = Fx.application {
            $0.founders = [.person(userID: "u-aziz", name: "Азиз Каримов", citizenship: Fx.kg, isResident: true, share: .one)]
        }
        var resigned = set
        for signer in after.requiredSigners {
            resigned.record(ApplicationSignature(signerID: signer.signerID, role: signer.role, revision: after.revision, signedAt: "2026-03-04T09:00:00Z"))
        }
        let review = resigned.valid(for: after)
        #expect(review.isComplete)
        #expect(review.notSigners.map(\.signerID) == ["u-elena"])
        #expect(review.voidSignatures.map(\.reason) == [.notASigner])
    }
}
