/// Who is looking at a case. The principal and the officers see the people on it; the sponsor sees the status.
public enum CaseViewer: String, Sendable, CaseIterable {
    case principal
    case officer
    case sponsor
}

/// The named sets of statuses every caller uses: pages, the API, the queue, the sweeps. Decided here once.
extension CaseStatus {
    /// Waiting for the authority or for the applicant's answer: what an officer's queue holds.
    public static let open: [CaseStatus] = [.submitted, .inReview, .informationRequested, .resubmitted, .refusalProposed]

    /// What the officers' queue shows unless asked for one status: open cases, and decided ones waiting for issue.
    public static let officerQueue: [CaseStatus] = open + [.decided]

    /// A permit was issued and has not been cancelled.
    public var holdsPermit: Bool { self == .permitIssued || self == .arrivalRegistered }

    /// The applicant may upload (or replace) documents until a decision is proposed.
    public var acceptsUploads: Bool {
        [.draft, .submitted, .inReview, .informationRequested, .resubmitted].contains(self)
    }

    /// Officers review documents once the case is filed and until a decision is proposed.
    public var acceptsReviews: Bool {
        [.submitted, .inReview, .informationRequested, .resubmitted].contains(self)
    }

    /// The people on the case are the applicant's to change while it is a draft.
    public var acceptsPersonChanges: Bool { self == .draft }

    /// Whether an officer may take the case into their own work (or give it back).
    public var acceptsAssignment: Bool { Self.officerQueue.contains(self) }

    /// The status as `viewer` is told it. A proposed refusal is an officer's internal step until a second
    /// officer confirms it: the applicant and the sponsor still see "in review".
    public func shown(to viewer: CaseViewer) -> CaseStatus {
        self == .refusalProposed && viewer != .officer ? .inReview : self
    }
}

extension CasePolicy {
    /// Whether `viewer` may read the people on a case, their rules and documents (the sponsor may not).
    public static func maySeePersons(_ viewer: CaseViewer) -> Bool {
        viewer != .sponsor
    }

    /// Whether `viewer` may read the documents of people on a case.
    public static func maySeeDocuments(_ viewer: CaseViewer) -> Bool {
        viewer != .sponsor
    }

    /// Whether `viewer` may read the messages on the history (requests for information and answers).
    public static func maySeeMessages(_ viewer: CaseViewer) -> Bool {
        viewer != .sponsor
    }
}
