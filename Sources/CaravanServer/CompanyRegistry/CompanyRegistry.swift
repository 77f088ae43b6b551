import CaravanPermits
import CaravanRegistry
import Foundation
import Vapor

/// What the company registry runs on, loaded once at start: the refusal grounds (129-FZ art. 23), the IT
/// accreditation rulebook (Decree No. 1729), the decision term. It signs with the registry's one key (the
/// residency registry's, published at `/.well-known/caravan-registry-key`).
struct CompanyRegistry: Sendable {
    let grounds: CompanyGrounds
    let rulebook: ITAccreditationRulebook
    let decisionWorkingDays: Int

    static func load(configuration: AppConfiguration) throws -> CompanyRegistry {
        CompanyRegistry(grounds: try CompanyGrounds.bundled(), rulebook: try ITAccreditationRulebook.bundled(),
                        decisionWorkingDays: configuration.companyDecisionWorkingDays)
    }
}

extension Application {
    private struct CompanyRegistryKey: StorageKey {
        typealias Value = CompanyRegistry
    }

    var companyRegistry: CompanyRegistry {
        get {
            guard let registry = storage[CompanyRegistryKey.self] else { preconditionFailure("configure loads the company registry") }
            return registry
        }
        set { storage[CompanyRegistryKey.self] = newValue }
    }
}
