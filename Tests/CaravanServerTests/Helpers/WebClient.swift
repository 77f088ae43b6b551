@testable import CaravanServer
import Foundation
import Testing
import Vapor
import VaporTesting

/// A small browser for page tests: keeps cookies between requests and finds the form's CSRF token.
final class WebClient: @unchecked Sendable {
    let app: Application
    private(set) var cookies: [String: String] = [:]
    var acceptLanguage: String?

    init(_ app: Application, acceptLanguage: String? = nil) {
        self.app = app
        self.acceptLanguage = acceptLanguage
    }

    @discardableResult
    func get(_ path: String) async throws -> TestingHTTPResponse {
        try await send(.GET, path, form: nil)
    }


    /// Posts a form; the CSRF token of the last page seen is added unless `csrf` says otherwise.
    @discardableResult
    func post(_ path: String, form: [String: String], csrf: String? = nil) async throws -> TestingHTTPResponse {
        var fields = form
        if fields["csrf"] == nil { fields["csrf"] = csrf ?? lastCSRF }
        return try await send(.POST, path, form: fields)
    }

    private(set) var lastCSRF: String?

    /// Posts a multipart form with one file, as a browser's file input does.
    @discardableResult
    func upload(_ path: String, form: [String: String], file: [UInt8], filename: String, contentType: String = "application/octet-stream") async throws -> TestingHTTPResponse {
        let boundary = "caravan-test-\(UUID().uuidString)"
        var body = ByteBuffer()
        var fields = form
        if fields["csrf"] == nil { fields["csrf"] = lastCSRF }
        for (name, value) in fields {
            body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n")
        }
        body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(filename)\"\r\nContent-Type: \(contentType)\r\n\r\n")
        body.writeBytes(file)
        body.writeString("\r\n--\(boundary)--\r\n")
        return try await send(.POST, path, form: nil, raw: body, contentType: "multipart/form-data; boundary=\(boundary)")
    }

    private func send(_ method: HTTPMethod, _ path: String, form: [String: String]?, raw: ByteBuffer? = nil, contentType: String? = nil) async throws -> TestingHTTPResponse {
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .accept, value: "text/html")
        if let acceptLanguage { headers.replaceOrAdd(name: .acceptLanguage, value: acceptLanguage) }
        if !cookies.isEmpty {
            headers.replaceOrAdd(name: .cookie, value: cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; "))
        }
        var body: ByteBuffer?
        if let form {
            headers.contentType = .urlEncodedForm
            var components = URLComponents()
            // In one order, as a browser sends a form's fields in the page's order (a dictionary's order differs per copy).
            components.queryItems = form.sorted { $0.key < $1.key }.map { URLQueryItem(name: $0.key, value: $0.value) }
            let encoded = (components.percentEncodedQuery ?? "").replacingOccurrences(of: "+", with: "%2B")
            body = ByteBuffer(string: encoded)
        }
        if let raw, let contentType {
            headers.replaceOrAdd(name: .contentType, value: contentType)
            body = raw
        }
        let response = try await app.sendRequest(method, path, headers: headers, body: body)
        for header in response.headers[.setCookie] {
            let pair = header.split(separator: ";").first.map(String.init) ?? ""
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { continue }
            if header.lowercased().contains("max-age=0") || header.lowercased().contains("expires=thu, 01 jan 1970") {
                cookies[parts[0]] = nil
            } else {
                cookies[parts[0]] = parts[1]
            }
        }
        if let token = Self.csrfToken(in: response.text) { lastCSRF = token }
        return response
    }

    static func csrfToken(in html: String) -> String? {
        guard let range = html.range(of: #"name="csrf" value="([^"]+)""#, options: .regularExpression) else { return nil }
        let match = html[range]
        return match.split(separator: "\"").dropFirst(3).first.map(String.init)
    }
}
