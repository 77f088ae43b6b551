@testable import CaravanServer
import Foundation
import Testing
import Vapor
import VaporTesting

/// A case's checklists as the API returns them.
struct ChecklistBody: Decodable {
    struct Line: Decodable {
        let kind: String
        let state: String
        let documentId: String?
    }

    struct Person: Decodable {
        let person: String
        let documents: [Line]
    }

    let persons: [Person]
}

extension PermitTests {
    /// Uploads a small PDF for every line of every person's checklist that still needs one, through the API.
    func uploadEverything(_ app: Application, case id: String, token: String) async throws {
        let checklist = try await app.api(.GET, "/permit-cases/\(id)/documents", token: token).json(ChecklistBody.self)
        var headers = HTTPHeaders()
        headers.bearerAuthorization = .init(token: token)
        headers.contentType = .binary
        for person in checklist.persons {
            for line in person.documents where ["missing", "rejected"].contains(line.state) {
                let uploaded = try await app.sendRequest(.POST, "/api/v1/permit-cases/\(id)/documents?person=\(person.person)&kind=\(line.kind)",
                                                         headers: headers, body: ByteBuffer(bytes: Self.pdf))
                #expect(uploaded.status == .created, "\(uploaded.text)")
            }
        }
    }

    /// An officer accepts every document awaiting review through the API (each passport valid until 2031).
    func acceptEverything(_ app: Application, case id: String, token: String) async throws {
        let checklist = try await app.api(.GET, "/permit-cases/\(id)/documents", token: token).json(ChecklistBody.self)
        for person in checklist.persons {
            for line in person.documents where line.state == "awaiting_review" {
                let document = try #require(line.documentId)
                let body = line.kind == "passport"
                    ? #"{"decision":"accept","passportNumber":"FA\#(person.person.dropFirst())123456","passportExpiresOn":"2031-01-01"}"#
                    : #"{"decision":"accept"}"#
                let reviewed = try await app.api(.POST, "/permit-cases/\(id)/documents/\(document)/review", raw: body, token: token)
                #expect(reviewed.status == .ok, "\(reviewed.text)")
            }
        }
    }

    /// The tokens of the applicant and the first officer, for a case that is ready for the API's documents.
    func tokens(_ app: Application) async throws -> (applicant: String, officer: String) {
        (try await app.token(email: "aziz@example.uz"), try await app.token(email: "officer1@example.org"))
    }
}
