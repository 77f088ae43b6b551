import Foundation

/// One signature on an application: who signed, in which role, over which revision.
///
/// The signature itself (the passkey's WebAuthn assertion) lives in a `SignedDocumentFile`; this records what it
/// was over, read from the signed document with `CompanyApplication.revision(ofSigned:)`.
public struct ApplicationSignature: Codable, Hashable, Sendable {
    public enum Role: String, Codable, Hashable, Sendable, CaseIterable {
        /// A founder's signature on the application.
        case founder
        /// The director's consent to be named.
        case director
    }

    /// A founder's `signerID` (user id, or `ogrn:<OGRN>`), or the director's user id.
    public let signerID: String
    public let role: Role
    public let revision: String
    /// ISO 8601.
    public let signedAt: String
    /// The signed document file's id, for the evidence.
    public let evidence: String?

    public init(signerID: String, role: Role, revision: String, signedAt: String, evidence: String? = nil) {
        self.signerID = signerID
        self.role = role
        self.revision = revision
        self.signedAt = signedAt
        self.evidence = evidence
    }
}

extension ApplicationSignature {
    /// Why a signed document cannot stand as a signature on an application.
    public enum DocumentError: Error, Hashable, Sendable {
        /// Not an application's signing document (another kind, or not its canonical lines).
        case notAnApplication
        /// An application's signing document, but for another application id.
        case otherApplication(String)
    }

    /// The signature a signed document stands for, over the revision of the lines that were actually signed —
    /// never the application's current revision, which may have moved on since. Call it with the document of a
    /// `SignedDocumentFile` that `SignedDocumentFile.verify` found valid.
    public init(signedDocument document: SignableDocument, applicationID: String, signerID: String, role: Role, signedAt: String,
                evidence: String? = nil) throws(DocumentError) {
        guard let revision = CompanyApplication.revision(ofSigned: document) else { throw .notAnApplication }
        let idLine = CanonicalLine.line("id", applicationID)
        guard document.text.dropFirst().first == idLine else {
            throw .otherApplication(document.text.dropFirst().first.map { String($0.dropFirst(3)) } ?? "")
        }
        self.init(signerID: signerID, role: role, revision: revision, signedAt: signedAt, evidence: evidence)
    }
}

/// Someone who must sign before the application can be submitted.
public struct RequiredSigner: Hashable, Sendable {
    public let signerID: String
    public let role: ApplicationSignature.Role

    public init(signerID: String, role: ApplicationSignature.Role) {
        self.signerID = signerID
        self.role = role
    }
}

extension CompanyApplication {
    /// Every founder (a company founder through its director) and the director, who consents separately even
    /// when they are also a founder.
    public var requiredSigners: [RequiredSigner] {
        var seen = Set<String>()
        let founders = founders.map(\.signerID).filter { seen.insert($0).inserted }.map { RequiredSigner(signerID: $0, role: .founder) }
        return founders + [RequiredSigner(signerID: director.userID, role: .director)]
    }
}

/// The signatures collected on an application, across its revisions.
public struct SignatureSet: Codable, Hashable, Sendable {
    public private(set) var signatures: [ApplicationSignature]

    public init(_ signatures: [ApplicationSignature] = []) {
        self.signatures = []
        for signature in signatures { record(signature) }
    }

    /// Adds a signature; a signer's later signature in the same role replaces the earlier one.
    public mutating func record(_ signature: ApplicationSignature) {
        signatures.removeAll { $0.signerID == signature.signerID && $0.role == signature.role }
        signatures.append(signature)
    }

    /// Which signatures hold for the application as it is now, and why the others do not. A signature is over
    /// one revision's canonical text; any change of content makes a new revision, so every earlier signature is
    /// void — the page says so, signer by signer.
    public func valid(for application: CompanyApplication) -> SignatureReview {
        let revision = application.revision
        let required = application.requiredSigners
        let requiredKeys = Set(required.map { SignerKey(signerID: $0.signerID, role: $0.role) })
        let entries = required.map { signer -> SignatureReview.Entry in
            guard let signature = signatures.first(where: { $0.signerID == signer.signerID && $0.role == signer.role }) else {
                return SignatureReview.Entry(signer: signer, signature: nil, status: .missing)
            }
            let status: SignatureReview.Status = signature.revision == revision ? .valid : .void(.contentChanged)
            return SignatureReview.Entry(signer: signer, signature: signature, status: status)
        }
        let stray = signatures.filter { !requiredKeys.contains(SignerKey(signerID: $0.signerID, role: $0.role)) }
        return SignatureReview(revision: revision, entries: entries, notSigners: stray)
    }

    private struct SignerKey: Hashable {
        let signerID: String
        let role: ApplicationSignature.Role
    }
}

/// The signatures as they stand against the application's current revision.
public struct SignatureReview: Hashable, Sendable {
    public enum VoidReason: String, Hashable, Sendable {
        /// Signed over an earlier revision: the content changed after this signature.
        case contentChanged = "company.signature.contentChanged"
        /// Signed by someone who is no longer a founder or the director.
        case notASigner = "company.signature.notASigner"
    }

    public enum Status: Hashable, Sendable {
        case valid
        case missing
        case void(VoidReason)
    }

    public struct Entry: Hashable, Sendable {
        public let signer: RequiredSigner
        public let signature: ApplicationSignature?
        public let status: Status
    }

    /// The revision judged against.
    public let revision: String
    /// One per required signer, in the application's order.
    public let entries: [Entry]
    /// Signatures by people who are no longer to sign: void, `.notASigner`.
    public let notSigners: [ApplicationSignature]

    /// Every founder and the director signed the current revision.
    public var isComplete: Bool { entries.allSatisfy { $0.status == .valid } }

    public var validSignatures: [ApplicationSignature] {
        entries.compactMap { $0.status == .valid ? $0.signature : nil }
    }

    /// Every void signature with its reason.
    public var voidSignatures: [(signature: ApplicationSignature, reason: VoidReason)] {
        entries.compactMap { entry in
            if case .void(let reason) = entry.status, let signature = entry.signature { return (signature, reason) }
            return nil
        } + notSigners.map { ($0, .notASigner) }
    }

    public var missing: [RequiredSigner] { entries.filter { $0.status == .missing }.map(\.signer) }
}
