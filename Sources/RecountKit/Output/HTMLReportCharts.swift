/// Inline SVG bar charts, generated here so the page needs no charting library and no network.
///
/// Money stays exact everywhere else; only *bar lengths* are Doubles — a display ratio
/// (value ÷ largest value) that never feeds back into any figure. Every printed number on a
/// chart is the exact decimal from `Amounts.format`. Coordinates are written with one decimal
/// by integer arithmetic, so the bytes are the same on every platform.
enum SVGChart {
    struct Series {
        let name: String
        /// A CSS colour (a fixed palette value, never data).
        let color: String
        let values: [Rational]
    }

    static let width = 560.0

    /// Display-only ratio value / maximum in 0…1 (Double: bar geometry only, never money).
    static func displayRatio(_ value: Rational, of maximum: Rational) -> Double {
        guard maximum > .zero, value > .zero else { return 0 }
        let ratio =
            (Double(value.numerator) / Double(value.denominator))
            / (Double(maximum.numerator) / Double(maximum.denominator))
        return min(1, max(0, ratio))
    }

    /// One decimal, deterministic.
    static func n(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        let sign = tenths < 0 ? "-" : ""
        let magnitude = abs(tenths)
        return magnitude % 10 == 0 ? "\(sign)\(magnitude / 10)" : "\(sign)\(magnitude / 10).\(magnitude % 10)"
    }

    static func shortLabel(_ label: String, characters: Int = 22) -> String {
        label.count <= characters ? label : String(label.prefix(characters - 1)) + "…"
    }

    static func legend(_ series: [Series]) -> String {
        "<div class=\"legend\">"
            + series.map { "<span style=\"background:\($0.color)\"></span>" + HTMLEscape.text($0.name) }.joined()
            + "</div>"
    }

    /// Grouped columns, one group per category (days), labels thinned to at most ~12.
    static func columns(categories: [String], series: [Series], format: (Rational) -> String) -> String {
        guard !categories.isEmpty else { return "<p class=\"empty\">No data.</p>" }
        let height = 240.0, left = 56.0, bottom = 34.0, top = 10.0
        let plotWidth = width - left - 8, plotHeight = height - top - bottom
        let maximum = series.flatMap(\.values).max() ?? .zero
        let group = plotWidth / Double(categories.count)
        // Bars at most 36 units wide, so a single day does not fill the whole plot.
        let bar = min(36, max(1, (group * 0.8) / Double(series.count)))
        let groupInset = (group - bar * Double(series.count)) / 2
        var svg = "<svg viewBox=\"0 0 \(n(width)) \(n(height))\" role=\"img\">"
        svg +=
            "<line x1=\"\(n(left))\" y1=\"\(n(top + plotHeight))\" x2=\"\(n(width - 8))\" y2=\"\(n(top + plotHeight))\" stroke=\"#888\"/>"
        svg +=
            "<text x=\"\(n(left - 4))\" y=\"\(n(top + 8))\" text-anchor=\"end\">\(HTMLEscape.text(format(maximum)))</text>"
        svg += "<text x=\"\(n(left - 4))\" y=\"\(n(top + plotHeight))\" text-anchor=\"end\">0</text>"
        let labelEvery = max(1, (categories.count + 11) / 12)
        for (index, category) in categories.enumerated() {
            let x0 = left + Double(index) * group + groupInset
            for (seriesIndex, line) in series.enumerated() {
                let value = line.values[index]
                let barHeight = plotHeight * displayRatio(value, of: maximum)
                svg +=
                    "<rect x=\"\(n(x0 + Double(seriesIndex) * bar))\" y=\"\(n(top + plotHeight - barHeight))\" width=\"\(n(bar))\" height=\"\(n(barHeight))\" fill=\"\(line.color)\">"
                svg +=
                    "<title>\(HTMLEscape.text(category)) · \(HTMLEscape.text(line.name)): \(HTMLEscape.text(format(value)))</title></rect>"
            }
            if index % labelEvery == 0 {
                svg +=
                    "<text x=\"\(n(x0 + bar * Double(series.count) / 2))\" y=\"\(n(height - bottom + 14))\" text-anchor=\"middle\">\(HTMLEscape.text(shortLabel(category, characters: 10)))</text>"
            }
        }
        return svg + "</svg>" + legend(series)
    }

    /// Horizontal bars, one row per label, one bar per series, the exact value printed after.
    static func bars(labels: [String], series: [Series], format: (Rational) -> String) -> String {
        guard !labels.isEmpty else { return "<p class=\"empty\">No data.</p>" }
        let left = 170.0, rowHeight = 14.0 * Double(series.count) + 10, valueWidth = 110.0
        let height = rowHeight * Double(labels.count) + 6
        let plotWidth = width - left - valueWidth
        let maximum = series.flatMap(\.values).max() ?? .zero
        var svg = "<svg viewBox=\"0 0 \(n(width)) \(n(height))\" role=\"img\">"
        for (index, label) in labels.enumerated() {
            let y0 = Double(index) * rowHeight + 4
            svg +=
                "<text x=\"\(n(left - 6))\" y=\"\(n(y0 + rowHeight / 2))\" text-anchor=\"end\" dominant-baseline=\"middle\">"
            svg += "<title>\(HTMLEscape.text(label))</title>\(HTMLEscape.text(shortLabel(label)))</text>"
            for (seriesIndex, line) in series.enumerated() {
                let value = line.values[index]
                let y = y0 + Double(seriesIndex) * 14
                let length = plotWidth * displayRatio(value, of: maximum)
                svg +=
                    "<rect x=\"\(n(left))\" y=\"\(n(y))\" width=\"\(n(length))\" height=\"12\" fill=\"\(line.color)\">"
                svg +=
                    "<title>\(HTMLEscape.text(label)) · \(HTMLEscape.text(line.name)): \(HTMLEscape.text(format(value)))</title></rect>"
                svg += "<text x=\"\(n(left + length + 4))\" y=\"\(n(y + 10))\">\(HTMLEscape.text(format(value)))</text>"
            }
        }
        return svg + "</svg>" + (series.count > 1 ? legend(series) : "")
    }
}
