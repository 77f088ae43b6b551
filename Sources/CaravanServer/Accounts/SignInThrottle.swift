import CaravanDomain
import Foundation

/// Failed sign-ins counted per account and per address, in this process's memory.
///
/// Five failures in 15 minutes lock an account's sign-in for the rest of that window: enough for typos,
/// too few for guessing. An address gets twenty, since a family or an office may share one.
/// (One process serves Caravan today; a second instance would need these counts in the database.)
actor SignInThrottle {
    private var accounts = LoginThrottle(limit: .init(failures: 5, window: 15 * 60))
    private var addresses = LoginThrottle(limit: .init(failures: 20, window: 15 * 60))
    private let now: @Sendable () -> Date

    init(now: @escaping @Sendable () -> Date) {
        self.now = now
    }

    /// The later of the two refusals, or `nil` when an attempt may go ahead.
    func retryAfter(account: String, address: String) -> Int? {
        let time = now().timeIntervalSince1970
        let waits = [accounts.decision(for: account, now: time), addresses.decision(for: address, now: time)]
            .compactMap { decision -> Int? in
                if case .refused(let seconds) = decision { return seconds }
                return nil
            }
        return waits.max()
    }

    func recordFailure(account: String, address: String) {
        let time = now().timeIntervalSince1970
        accounts.recordFailure(for: account, now: time)
        addresses.recordFailure(for: address, now: time)
    }

    func recordSuccess(account: String) {
        accounts.reset(account)
    }
}
