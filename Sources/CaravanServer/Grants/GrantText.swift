import CaravanAllocation
import CaravanDomain
import Foundation
import Vapor

/// A published round's input and result, decoded once per result digest: the applicant's page and the API read
/// why-not from them on every visit, and a 5,000-applicant input is a megabyte of JSON.
final class GrantRunCache: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [String: (AllocationInput, AllocationResult)] = [:]

    func run(of round: GrantRound) -> (AllocationInput, AllocationResult)? {
        guard let digest = round.resultDigest else { return nil }
        if let hit = lock.withLock({ entries[digest] }) { return hit }
        guard let input = round.publishedInput, let result = round.publishedResult else { return nil }
        lock.withLock {
            // A handful of rounds a year: keeping the last few is enough.
            if entries.count >= 4 { entries.removeAll() }
            entries[digest] = (input, result)
        }
        return (input, result)
    }
}

extension Application {
    private struct GrantRunCacheKey: StorageKey {
        typealias Value = GrantRunCache
    }

    var grantRuns: GrantRunCache {
        if let cache = storage[GrantRunCacheKey.self] { return cache }
        let cache = GrantRunCache()
        storage[GrantRunCacheKey.self] = cache
        return cache
    }
}

extension GrantService {
    /// Why not, for every programme the applicant ranked above their place — from the published files.
    func whyNot(for application: GrantApplication, in round: GrantRound) -> [WhyNot] {
        guard round.status == .published, let (input, result) = app.grantRuns.run(of: round) else { return [] }
        return WhyNot.explain(applicant: application.number, input: input, result: result)
    }
}

extension Request {
    /// "GP-0003 «Программная инженерия», Казанский федеральный университет" — a programme as people name it.
    func grantProgrammeName(_ code: String, _ programmes: [String: GrantProgramme], _ universities: [UUID: University]) -> String {
        guard let programme = programmes[code] else { return code }
        let university = universities[programme.universityID]?.name ?? ""
        return t("grant.programmeName", ["name": programme.name, "university": university])
    }

    /// One reason in a sentence, with the figures.
    func whyNotText(_ reason: WhyNot) -> String {
        switch reason {
        case .cutoff(_, let last, let yours, let lottery):
            lottery ? t("grant.whyNot.lottery", ["yours": "\(yours)"]) : t("grant.whyNot.cutoff", ["last": "\(last)", "yours": "\(yours)"])
        case .countryCeiling(_, let country, let ceiling, let yours):
            t("grant.whyNot.countryCeiling", ["country": countryName(country), "count": "\(ceiling)", "yours": "\(yours)"])
        case .noSeats:
            t("grant.whyNot.noSeats")
        }
    }

    func countryName(_ code: String) -> String {
        CountryCode(rawValue: code)?.name(in: language) ?? code
    }

    func grantStatusText(_ status: GrantStatus) -> String { t("grant.status.\(status.rawValue)") }
    func studyLevelText(_ level: String) -> String { t("grant.level.\(level)") }
    func districtGroupText(_ group: String) -> String { t("grant.district.\(group)") }
    func subjectText(_ subject: String) -> String { t("grant.subject.\(subject)") }
}
