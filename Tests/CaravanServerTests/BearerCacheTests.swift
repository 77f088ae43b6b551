import CaravanDomain
@testable import CaravanServer
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// "Vacancies for me" reads the bearer token from memory after the first request; these prove that memory
/// never outlives what the database says about the token or the account.
@Suite struct BearerCacheTests {
    @Test func aSignedOutTokenIsRefusedAtOnceEvenAfterItWasCached() async throws {
        try await withTestApp { app in
            try await app.signUp(email: "aziz@example.uz")
            let token = try await app.token(email: "aziz@example.uz")
            #expect(try await app.api(.GET, "/me/vacancy-matches", token: token).status == .ok)
            #expect(try await app.api(.GET, "/me/vacancy-matches", token: token).status == .ok)
            #expect(app.bearerCache.count == 1)

            #expect(try await app.api(.DELETE, "/sessions/current", token: token).status == .noContent)
            let after = try await app.api(.GET, "/me/vacancy-matches", token: token, language: "en")
            #expect(after.status == .unauthorized)
            #expect(try after.json(ProblemBody.self).type == "urn:caravan:problem:token-revoked")
        }
    }

    @Test func aChangedRoleIsSeenAtOnce() async throws {
        try await withTestApp { app in
            let account = try await app.signUp(email: "aziz@example.uz")
            let token = try await app.token(email: "aziz@example.uz")
            #expect(try await app.api(.GET, "/me/vacancy-matches", token: token).status == .ok)

            let user = try #require(try await User.find(UUID(uuidString: account.id), on: app.db))
            user.role = Role.employer.rawValue
            try await user.save(on: app.db)
            #expect(try await app.api(.GET, "/me/vacancy-matches", token: token).status == .forbidden)
        }
    }

    @Test func unknownAndMalformedTokensAreNeverCached() async throws {
        try await withTestApp { app in
            for token in ["", "nonsense", String(repeating: "x", count: 300)] {
                let response = try await app.api(.GET, "/me/vacancy-matches", token: token)
                #expect(response.status == .unauthorized)
            }
            let anonymous = try await app.api(.GET, "/me/vacancy-matches")
            #expect(anonymous.status == .unauthorized)
            #expect(app.bearerCache.count == 0)
        }
    }

    @Test func aLookupThatRacedWithARevocationIsNotStored() {
        let cache = BearerCache()
        let account = BearerAccount(userID: UUID(), role: "specialist", tokenID: UUID(), expiresAt: .distantFuture)
        let before = cache.generation
        cache.forget(tokenHash: "h")            // revoked while the lookup ran
        cache.store(account, forHash: "h", ifGeneration: before, now: Date())
        #expect(cache.account(forHash: "h", now: Date()) == nil)

        cache.store(account, forHash: "h", ifGeneration: cache.generation, now: Date())
        #expect(cache.account(forHash: "h", now: Date()) == account)
        // An entry is asked of the database again after its lifetime.
        #expect(cache.account(forHash: "h", now: Date().addingTimeInterval(cache.lifetime + 1)) == nil)
        cache.store(account, forHash: "h", ifGeneration: cache.generation, now: Date())
        cache.forget(userID: account.userID)
        #expect(cache.account(forHash: "h", now: Date()) == nil)
    }
}
