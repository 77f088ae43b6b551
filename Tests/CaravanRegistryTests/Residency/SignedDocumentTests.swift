import CaravanPermits
import Crypto
import Foundation
import Testing
@testable import CaravanRegistry

/// The residency card and a signed document as anyone checks them offline: signed, then altered one part at a time.
@Suite struct SignedDocumentTests {
    static let registry = Curve25519.Signing.PrivateKey()
    static let today = CalendarDate(year: 2026, month: 12, day: 3)!

    static func card(keys: [ResidencyCard.Key], number: String = ResidencyNumber.make(year: 2026, serial: 7)) -> ResidencyCard {
        ResidencyCard(number: number, name: "TOKTOGULOV AIBEK", citizenship: "KG", issuedOn: "2026-12-03", validUntil: "2031-12-02",
                      revision: 2, keys: keys)
    }

    /// A document signed the way the server has a browser sign it: the challenge is SHA-256(bytes) ‖ nonce.
    static func signedFile(_ device: SyntheticAuthenticator, cardKeys: [ResidencyCard.Key]? = nil, signer: String? = nil) throws -> SignedDocumentFile {
        let key = ResidencyCard.Key(algorithm: device.algorithm.name, fingerprint: device.storedCredential().fingerprint)
        let card = card(keys: cardKeys ?? [key])
        let document = SignableDocument(id: "0b0e2f4c-1111-4222-8333-944455556666", kind: "declaration", title: "Declaration",
                                        signer: signer ?? card.number, createdOn: "2026-12-03", text: ["I sign this.", "Second line"])
        let nonce = Data((0..<16).map { UInt8($0 * 3) })
        var assertion = SyntheticAuthenticator.Assertion()
        assertion.challenge = document.challenge(nonce: nonce)
        let answer = device.assert(assertion)
        return SignedDocumentFile(
            document: document.canonicalText, nonce: Base64URL.encode(nonce), relyingPartyID: SyntheticAuthenticator.rp.id,
            origin: SyntheticAuthenticator.rp.origin,
            credential: .init(id: Base64URL.encode(device.credentialID), publicKey: device.spki.base64EncodedString(), algorithm: device.algorithm.name),
            authenticatorData: Base64URL.encode(answer.authenticatorData), clientDataJSON: Base64URL.encode(answer.clientDataJSON),
            signature: Base64URL.encode(answer.signature), signedAt: "2026-12-03T10:00:00Z", card: try ResidencyCard.sign(card, with: registry)
        )
    }

    static func changed(_ file: SignedDocumentFile, document: String? = nil, signature: String? = nil, authenticatorData: String? = nil,
                        card: ResidencyCard.Signed? = nil) -> SignedDocumentFile {
        SignedDocumentFile(document: document ?? file.document, nonce: file.nonce, relyingPartyID: file.relyingPartyID, origin: file.origin,
                           credential: file.credential, authenticatorData: authenticatorData ?? file.authenticatorData,
                           clientDataJSON: file.clientDataJSON, signature: signature ?? file.signature, signedAt: file.signedAt, card: card ?? file.card)
    }

    @Test(arguments: [SyntheticAuthenticator.es256(), SyntheticAuthenticator.edDSA()])
    func aSignedDocumentVerifiesAndEachAlterationIsNamed(device: SyntheticAuthenticator) throws {
        let file = try Self.signedFile(device)
        let key = Self.registry.publicKey
        #expect(SignedDocumentFile.verify(file, registryKey: key, relyingParty: SyntheticAuthenticator.rp) == .valid)
        // It survives the trip through JSON, as a downloaded file does.
        let reread = try JSONDecoder().decode(SignedDocumentFile.self, from: JSONEncoder().encode(file))
        #expect(SignedDocumentFile.verify(reread, registryKey: key, relyingParty: SyntheticAuthenticator.rp) == .valid)

        let altered = Self.changed(file, document: file.document.replacingOccurrences(of: "I sign this.", with: "I sign that."))
        #expect(SignedDocumentFile.verify(altered, registryKey: key, relyingParty: SyntheticAuthenticator.rp) == .documentAltered)
        var signature = try #require(Base64URL.decode(file.signature))
        signature[signature.count / 2] ^= 0x40
        #expect(SignedDocumentFile.verify(Self.changed(file, signature: Base64URL.encode(signature)), registryKey: key, relyingParty: SyntheticAuthenticator.rp) == .signatureInvalid)
        var authData = try #require(Base64URL.decode(file.authenticatorData))
        authData[authData.count - 1] ^= 0x01
        #expect(SignedDocumentFile.verify(Self.changed(file, authenticatorData: Base64URL.encode(authData)), registryKey: key, relyingParty: SyntheticAuthenticator.rp) == .signatureInvalid)
        // The card: altered, from another registry, without this key, of another person.
        var forgedCard = file.card
        forgedCard = ResidencyCard.Signed(card: Self.card(keys: file.card.card.keys + [.init(algorithm: "ES256", fingerprint: "00")]),
                                          signature: forgedCard.signature, publicKey: forgedCard.publicKey)
        #expect(SignedDocumentFile.verify(Self.changed(file, card: forgedCard), registryKey: key, relyingParty: SyntheticAuthenticator.rp) == .cardInvalid)
        #expect(SignedDocumentFile.verify(file, registryKey: Curve25519.Signing.PrivateKey().publicKey, relyingParty: SyntheticAuthenticator.rp) == .cardInvalid)
        let keyless = try Self.signedFile(device, cardKeys: [.init(algorithm: "ES256", fingerprint: String(repeating: "a", count: 64))])
        #expect(SignedDocumentFile.verify(keyless, registryKey: key, relyingParty: SyntheticAuthenticator.rp) == .keyNotOnCard)
        let otherSigner = try Self.signedFile(device, signer: ResidencyNumber.make(year: 2026, serial: 8))
        #expect(SignedDocumentFile.verify(otherSigner, registryKey: key, relyingParty: SyntheticAuthenticator.rp) == .signerMismatch)
        #expect(SignedDocumentFile.verify(Self.changed(file, document: "caravan-permit/1\nnumber=1"), registryKey: key, relyingParty: SyntheticAuthenticator.rp) == .malformed)
        // Made for another site: the file's own relying party is not trusted.
        #expect(SignedDocumentFile.verify(file, registryKey: key, relyingParty: RelyingParty(id: "evil.example", origin: "https://evil.example")) == .wrongContext)
        // The card is judged on the day inside the signed bytes, not on the file's unsigned `signedAt`.
        let backdated = SignedDocumentFile(document: file.document, nonce: file.nonce, relyingPartyID: file.relyingPartyID, origin: file.origin,
                                           credential: file.credential, authenticatorData: file.authenticatorData, clientDataJSON: file.clientDataJSON,
                                           signature: file.signature, signedAt: "1999-01-01T00:00:00Z", card: file.card)
        #expect(SignedDocumentFile.verify(backdated, registryKey: key, relyingParty: SyntheticAuthenticator.rp) == .valid)
    }

    @Test func theCardIsSignedOverItsCanonicalLines() throws {
        let card = Self.card(keys: [.init(algorithm: "EdDSA", fingerprint: "bb"), .init(algorithm: "ES256", fingerprint: "aa")])
        #expect(String(decoding: card.payload, as: UTF8.self) == """
        caravan-residency-card/1
        number=\(card.number)
        name=TOKTOGULOV AIBEK
        citizenship=KG
        issued=2026-12-03
        valid-until=2031-12-02
        revision=2
        key=ES256:aa
        key=EdDSA:bb
        """)
        let signed = try ResidencyCard.sign(card, with: Self.registry)
        #expect(ResidencyCard.verify(signed, trusting: Self.registry.publicKey, today: Self.today) == .valid)
        #expect(ResidencyCard.verify(signed, trusting: Self.registry.publicKey, today: CalendarDate(year: 2031, month: 12, day: 3)!) == .expired)
        #expect(ResidencyCard.verify(signed, trusting: Curve25519.Signing.PrivateKey().publicKey, today: Self.today) == .unknownKey)
        let renamed = ResidencyCard.Signed(card: ResidencyCard(number: card.number, name: "SOMEONE ELSE", citizenship: "KG", issuedOn: card.issuedOn,
                                                               validUntil: card.validUntil, revision: 2, keys: card.keys),
                                           signature: signed.signature, publicKey: signed.publicKey)
        #expect(ResidencyCard.verify(renamed, trusting: Self.registry.publicKey, today: Self.today) == .badSignature)
    }

    @Test func canonicalTextReadsBackExactlyOrNotAtAll() {
        let document = SignableDocument(id: "x", kind: "declaration", title: "Two\nlines", signer: "DR-2026-000001-9", createdOn: "2026-12-03",
                                        text: ["a\nb", "c=d"])
        #expect(document.title == "Two lines")
        #expect(document.text == ["a", "b", "c=d"])
        #expect(SignableDocument(canonicalText: document.canonicalText) == document)
        #expect(SignableDocument(canonicalText: document.canonicalText + "\nextra=1") == nil)
        #expect(SignableDocument(canonicalText: document.canonicalText.replacingOccurrences(of: "kind=declaration\n", with: "")) == nil)
        #expect(SignableDocument(canonicalText: "caravan-signed-document/1\nid=x\nid=y\nkind=k\ntitle=t\nsigner=s\ncreated=c") == nil)
        // The challenge binds the bytes: another document, or another nonce, is another challenge.
        let nonce = Data(repeating: 1, count: 16)
        #expect(document.challenge(nonce: nonce).count == 48)
        #expect(document.challenge(nonce: nonce) != document.challenge(nonce: Data(repeating: 2, count: 16)))
    }
}
