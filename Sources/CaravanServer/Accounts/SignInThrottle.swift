import CaravanDomain
import Crypto
import Fluent
import Foundation

/// Failed sign-ins counted per account and per address, in the database, so every instance counts them all.
///
/// Five failures in 15 minutes lock an account's sign-in for the rest of that window: enough for typos,
/// too few for guessing. An address gets twenty, since a family or an office may share one. The rows name a
/// SHA-256 of the e-mail or the address, not the value; the domain's `LoginThrottle` decides from their times.
struct SignInThrottle: Sendable {
    static let account = LoginThrottle.Limit(failures: 5, window: 15 * 60)
    static let address = LoginThrottle.Limit(failures: 20, window: 15 * 60)

    let database: any Database
    let now: @Sendable () -> Date

    /// The later of the two refusals, or `nil` when an attempt may go ahead.
    func retryAfter(account: String, address: String) async throws -> Int? {
        let date = now()
        let keys = [Self.key("account", account), Self.key("address", address)]
        let recent = try await SignInFailure.query(on: database).filter(\.$key ~~ keys)
            .filter(\.$at > date.addingTimeInterval(-Self.account.window)).sort(\.$at, .ascending).all()
        let waits = zip(keys, [Self.account, Self.address]).compactMap { key, limit -> Int? in
            var throttle = LoginThrottle(limit: limit)
            for failure in recent where failure.key == key {
                throttle.recordFailure(for: key, now: failure.at.timeIntervalSince1970)
            }
            if case .refused(let seconds) = throttle.decision(for: key, now: date.timeIntervalSince1970) { return seconds }
            return nil
        }
        return waits.max()
    }

    func recordFailure(account: String, address: String) async throws {
        let date = now()
        let keys = [Self.key("account", account), Self.key("address", address)]
        try await database.writeTransaction { db in
            for key in keys { try await SignInFailure(key: key, at: date).create(on: db) }
            // What has left the window counts no more: the table follows the attacks, not history.
            try await SignInFailure.query(on: db).filter(\.$key ~~ keys)
                .filter(\.$at <= date.addingTimeInterval(-Self.account.window)).delete()
        }
    }

    func recordSuccess(account: String) async throws {
        try await SignInFailure.query(on: database).filter(\.$key == Self.key("account", account)).delete()
    }

    static func key(_ kind: String, _ value: String) -> String {
        SHA256.hash(data: Data("\(kind):\(value)".utf8)).map { String(format: "%02x", $0) }.joined()
    }
}
