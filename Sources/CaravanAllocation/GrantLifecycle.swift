/// A grant application's life after it is sent: the round places it or not, the applicant accepts or declines the
/// place within the deadline, the university enrols the student, who studies and graduates (or leaves). Who may make
/// each move is decided here once; pages and the API ask.
public enum GrantStatus: String, CaseIterable, Codable, Hashable, Sendable {
    /// Sent in the window; may change until the window closes.
    case applied
    /// The published run gave a place.
    case placed
    /// The published run gave no place among the choices.
    case unplaced
    case accepted
    case declined
    /// The acceptance deadline passed without an answer.
    case lapsed
    case enrolled
    case studying
    case graduated
    /// Left the programme before graduating.
    case left
}

public enum GrantActor: Hashable, Sendable {
    /// The applicant themselves.
    case applicant
    /// Admissions of the university the place is at.
    case admissions
}

public enum GrantLifecycle {
    /// The moves each actor may make; everything else is refused.
    public static func mayMove(from: GrantStatus, to: GrantStatus, by actor: GrantActor) -> Bool {
        switch (actor, from, to) {
        case (.applicant, .placed, .accepted), (.applicant, .placed, .declined): true
        case (.admissions, .accepted, .enrolled), (.admissions, .enrolled, .studying), (.admissions, .studying, .graduated): true
        case (.admissions, .enrolled, .left), (.admissions, .studying, .left): true
        default: false
        }
    }

    /// The statuses admissions may move an application to from `status`.
    public static func admissionsMoves(from status: GrantStatus) -> [GrantStatus] {
        GrantStatus.allCases.filter { mayMove(from: status, to: $0, by: .admissions) }
    }

    /// Took the place up (for a second round, these seats are gone).
    public static func tookPlace(_ status: GrantStatus) -> Bool {
        [.accepted, .enrolled, .studying, .graduated, .left].contains(status)
    }

    /// Was given a place by a published run, whatever became of it.
    public static func wasPlaced(_ status: GrantStatus) -> Bool { status != .applied && status != .unplaced }

    /// A student now: enrolled or studying.
    public static func isStudent(_ status: GrantStatus) -> Bool { status == .enrolled || status == .studying }
}

/// Retention of a round's graduates: of those who graduated, how many were working in Russia through Caravan and how
/// many held a residence permit, one, three and five years after graduating. A horizon not yet reached for a graduate
/// leaves them out of that horizon's count (they are not counted as gone).
public enum Retention {
    public struct Graduate: Hashable, Sendable {
        /// Days since 1970-01-01 (a civil date's number): graduation, and the spans of work and permit.
        public let graduated: Int
        public let working: [ClosedRange<Int>]
        public let permits: [ClosedRange<Int>]

        public init(graduated: Int, working: [ClosedRange<Int>], permits: [ClosedRange<Int>]) {
            self.graduated = graduated
            self.working = working
            self.permits = permits
        }
    }

    public struct Horizon: Hashable, Sendable {
        public let years: Int
        /// Graduates for whom this horizon has passed.
        public let reached: Int
        public let working: Int
        public let holdingPermit: Int
    }

    public static let horizons = [1, 3, 5]

    /// `today` in the same day numbers; a year is 365 days.
    public static func cohort(_ graduates: [Graduate], today: Int) -> [Horizon] {
        horizons.map { years in
            let day = { (graduate: Graduate) in graduate.graduated + 365 * years }
            let reached = graduates.filter { day($0) <= today }
            return Horizon(
                years: years, reached: reached.count,
                working: reached.filter { graduate in graduate.working.contains { $0.contains(day(graduate)) } }.count,
                holdingPermit: reached.filter { graduate in graduate.permits.contains { $0.contains(day(graduate)) } }.count
            )
        }
    }
}
