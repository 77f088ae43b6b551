import CaravanDomain
import Foundation
import Vapor

/// Which page of a long list a request asks for (`?page=`), read once for every list page.
struct Paging: Sendable {
    /// No list is read deeper than this many pages; a search that deep wants a narrower filter.
    static let maximumPage = 10_000

    let number: Int
    let size: Int

    var offset: Int { (number - 1) * size }
    var range: Range<Int> { offset..<(offset + size) }

    init(number: Int = 1, size: Int) {
        self.number = number
        self.size = size
    }

    /// Reads `page` from the query: absent or empty is the first page; anything but a whole number from 1 to
    /// ``maximumPage`` is refused with `page.invalid`.
    /// `parameter` names it when a page has two lists (`applicationsPage`).
    init(_ req: Request, size: Int, parameter: String = "page") throws {
        self.size = size
        guard let value = Self.number(req.query[String.self, at: parameter], maximum: Self.maximumPage) else {
            throw AppError.validation(ValidationFailure(field: parameter, code: "page.invalid", arguments: ["max": "\(Self.maximumPage)"]))
        }
        number = value
    }

    /// The one reading of a page number, for pages and the API alike: absent or blank is the first page; `nil` when it
    /// is not a whole number from 1 to `maximum`.
    static func number(_ raw: String?, maximum: Int) -> Int? {
        guard let raw = raw?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else { return 1 }
        guard let value = Int(raw), (1...maximum).contains(value) else { return nil }
        return value
    }

    /// How many pages `total` rows fill (at least one, so an empty list is "page 1 of 1").
    func pageCount(of total: Int) -> Int { max(1, (total + size - 1) / size) }
}

/// The links under a long list: where one is, how many there are, and the way to the others. Every link keeps
/// the query the page was asked with (filters, search words, sort), changing only the page.
struct Pager: Encodable {
    struct Link: Encodable {
        let number: Int
        let href: String
        let current: Bool
        /// "Page 3", for a screen reader that reads the link alone.
        let label: String
    }

    /// "Page 2 of 7".
    private(set) var summary: String
    /// The navigation landmark's name ("Pages of the list").
    let label: String
    let previous: String?
    private(set) var next: String?
    private(set) var links: [Link]
    /// Said instead of rows when the page asked for lies past the end, with the way back to the last one.
    let beyond: String?
    let lastHref: String?

    /// Whether the list needs the links at all (more than one page, or a page past the end).
    let shown: Bool
    /// Pages of a ranked list whose length is not counted (the best candidates): "Page 2", the previous page, and the
    /// next one when this page is full and more lie beyond it.
    init(_ req: Request, paging: Paging, hasMore: Bool, path: String? = nil, fragment: String? = nil, parameter: String = "page") {
        self.init(req, paging: paging, total: paging.offset + (hasMore ? paging.size + 1 : paging.size), path: path, fragment: fragment,
                  parameter: parameter)
        summary = req.t("pager.summaryOpen", ["page": "\(paging.number)"])
        links = links.filter { $0.number <= paging.number }
        if !hasMore { next = nil }
    }

    /// `path` is the list's own page when the request's is not (a page drawn again after a refused form was asked for
    /// at the form's action, where a page link would go nowhere).
    init(_ req: Request, paging: Paging, total: Int, path: String? = nil, fragment: String? = nil, parameter: String = "page") {
        let pages = paging.pageCount(of: total)
        let base = path ?? req.url.path
        // A form's query writes a space as `+`: read back as the space it was, so the next page searches the same words.
        let kept = (URLComponents(string: req.url.string)?.queryItems ?? [])
            .map { URLQueryItem(name: $0.name, value: $0.value?.replacingOccurrences(of: "+", with: " ")) }
            .filter { ![parameter, "notice", "csrf", "from"].contains($0.name) && !($0.value ?? "").isEmpty }
        func href(_ page: Int) -> String {
            var components = URLComponents()
            components.path = base
            let items = kept + (page > 1 ? [URLQueryItem(name: parameter, value: "\(page)")] : [])
            components.queryItems = items.isEmpty ? nil : items
            // `+` is a space in a form's query; keep it from being read back as one.
            components.percentEncodedQuery = components.percentEncodedQuery?.replacingOccurrences(of: "+", with: "%2B")
            return (components.string ?? base) + (fragment.map { "#" + $0 } ?? "")
        }
        let current = min(paging.number, pages)
        summary = req.t("pager.summary", ["page": "\(current)", "pages": "\(pages)"])
        label = req.t("pager.label")
        let isBeyond = paging.number > pages
        beyond = isBeyond ? req.t("pager.beyond", ["page": "\(paging.number)", "pages": "\(pages)"]) : nil
        lastHref = isBeyond ? href(pages) : nil
        previous = !isBeyond && paging.number > 1 ? href(paging.number - 1) : nil
        next = paging.number < pages ? href(paging.number + 1) : nil
        // The first, the last, and two either side of the current page.
        let wanted = Set([1, pages] + Array(max(1, current - 2)...min(pages, current + 2))).sorted()
        links = isBeyond ? [] : wanted.map {
            Link(number: $0, href: href($0), current: $0 == paging.number, label: req.t("pager.page", ["page": "\($0)"]))
        }
        shown = pages > 1 || isBeyond
    }
}

/// A pager under its own name, for a page with a second list: `#with(box):#extend("pager")#endwith` reads it as `pager`.
struct PagerBox: Encodable {
    let pager: Pager
}
