import Fluent
import Foundation
import NIOCore
import Vapor

/// A model with personal values stored sealed: it seals what changed since it was read, and fills any blind
/// index from the plain value.
protocol SealsPersonalData: AnyObject {
    func sealPersonalData(with keyring: DataKeyring) throws
}

/// The application's keyring, replaced whole by a rotation (so a running command seals under the new key).
final class DataKeyringBox: @unchecked Sendable {
    private let lock = NSLock()
    private var current: DataKeyring

    init(_ keyring: DataKeyring) {
        current = keyring
        OpeningKeys.shared.add(keyring)
    }

    var keyring: DataKeyring {
        get { lock.withLock { current } }
        set {
            OpeningKeys.shared.add(newValue)
            lock.withLock { current = newValue }
        }
    }
}

/// Seals a model's personal values on every create and update, before Fluent collects what to write — the one
/// place that writes them, so no page, API handler or command has to remember to.
struct SealingMiddleware: AnyModelMiddleware {
    let keys: DataKeyringBox

    func handle(_ event: ModelEvent, _ model: any AnyModel, on db: any Database, chainingTo next: any AnyModelResponder) -> EventLoopFuture<Void> {
        switch event {
        case .create, .update:
            if let sealing = model as? any SealsPersonalData {
                do { try sealing.sealPersonalData(with: keys.keyring) } catch { return db.eventLoop.makeFailedFuture(error) }
            }
        default:
            break
        }
        return next.handle(event, model, on: db)
    }
}

extension Application {
    private struct DataKeysKey: StorageKey {
        typealias Value = DataKeyringBox
    }

    /// Set by `configure` from the configuration; `caravan keys rotate` replaces the keyring in it.
    var dataKeys: DataKeyringBox {
        get {
            guard let keys = storage[DataKeysKey.self] else { preconditionFailure("configure sets the data keys") }
            return keys
        }
        set { storage[DataKeysKey.self] = newValue }
    }

    var dataKeyring: DataKeyring { dataKeys.keyring }
}
