import CaravanDomain
import Foundation
import LeafKit

/// Horizontal bar charts drawn on the server as SVG: no script, each row's label on its own line and each bar's
/// figure written beside it, a second series told apart by a hatched pattern and named in a legend (so the chart reads
/// without colour and at 375 px); a hidden count draws no bar and says "≤15". The text table under it holds the
/// same figures.
enum ObservatoryChart {
    static let width = 360.0
    static let barHeight = 14.0
    static let labelHeight = 18.0
    static let gap = 10.0
    static let legendHeight = 24.0
    /// Room on the right for the figure written after the longest bar.
    static let figureRoom = 70.0

    static func svg(id: String, title: String, series: [String], rows: [(label: String, cells: [ObservatoryView.Cell])], language: LanguageCode) -> String {
        let maximum = rows.flatMap { $0.cells.compactMap(\.value) }.map { max($0, 0) }.max() ?? 0
        let rowHeight = labelHeight + Double(series.count) * (barHeight + 3) + gap
        let height = Double(rows.count) * rowHeight + 4 + (series.count > 1 ? legendHeight : 0)
        let titleID = "chart-\(id)-title"
        var svg = """
        <svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 \(format(width)) \(format(height))" \
        width="100%" role="img" aria-labelledby="\(titleID)" preserveAspectRatio="xMinYMin meet">\
        <title id="\(titleID)">\(title.htmlEscaped())</title>\
        <defs><pattern id="hatch-\(id)" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">\
        <rect width="6" height="6" fill="#ffffff"/><line x1="0" y1="0" x2="0" y2="6" stroke="#1f3b57" stroke-width="3"/></pattern></defs>
        """
        var y = 0.0
        // Two series: a legend first (a solid and a hatched square, each with its name); each bar then says only its figure.
        if series.count > 1 {
            var x = 0.0
            for (index, name) in series.enumerated() {
                let fill = index == 0 ? "#1f3b57" : "url(#hatch-\(id))"
                svg += "<rect x=\"\(format(x))\" y=\"2\" width=\"12\" height=\"12\" fill=\"\(fill)\" stroke=\"#1f3b57\" stroke-width=\"1\"/>"
                svg += "<text x=\"\(format(x + 16))\" y=\"12\" font-size=\"12\" fill=\"#1b1b1b\">\(name.htmlEscaped())</text>"
                x += 16 + Double(name.count) * 7 + 14
            }
            y = legendHeight
        }
        for row in rows {
            svg += "<text x=\"0\" y=\"\(format(y + 13))\" font-size=\"13\" fill=\"#1b1b1b\">\(row.label.htmlEscaped())</text>"
            var barY = y + labelHeight
            for (index, cell) in row.cells.enumerated() {
                let length = maximum > 0 ? max(0, cell.value ?? 0) / maximum * (width - figureRoom) : 0
                if cell.value != nil, length > 0 {
                    let fill = index == 0 ? "#1f3b57" : "url(#hatch-\(id))"
                    svg += "<rect x=\"0\" y=\"\(format(barY))\" width=\"\(format(max(length, 1)))\" height=\"\(format(barHeight))\" fill=\"\(fill)\" stroke=\"#1f3b57\" stroke-width=\"1\"/>"
                }
                svg += "<text x=\"\(format(length + 4))\" y=\"\(format(barY + barHeight - 3))\" font-size=\"12\" fill=\"#1b1b1b\">\(cell.text.htmlEscaped())</text>"
                barY += barHeight + 3
            }
            y += rowHeight
        }
        return svg + "</svg>"
    }

    static func format(_ value: Double) -> String { String(format: "%.1f", value) }

}
