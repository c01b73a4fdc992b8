import Foundation
import NeuralNet
import ReverseFlow

/// Writing the report: `report.md` with `figures/*.svg`, and `report.html` with the same
/// content and every figure inlined.
extension ExperimentReport {
    /// Writes `report.md` (with `figures/*.svg`) and the self-contained `report.html` into `out`.
    public func write(to out: URL) throws {
        let figures = out.appendingPathComponent("figures")
        try FileManager.default.createDirectory(at: figures, withIntermediateDirectories: true)
        let summary = "\(runs.count) runs, \(tasks.count) task(s), agents: \(labels.joined(separator: ", "))."
        var md = ["# \(title)", "", summary, ""]
        var html = ["<!doctype html><html><head><meta charset=\"utf-8\"><title>\(escape(title))</title>",
                    "<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto;padding:0 1em}table{border-collapse:collapse}"
                        + "td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}td:first-child{text-align:left}svg{max-width:100%;height:auto}</style>",
                    "</head><body>", "<h1>\(escape(title))</h1>", "<p>\(escape(summary))</p>"]
        func section(_ heading: String, table: String? = nil, note: String? = nil) {
            md += ["## \(heading)", ""]
            html.append("<h2>\(escape(heading))</h2>")
            if let table { md += [table, ""]; html.append(htmlTable(table)) }
            if let note { md += [note, ""]; html.append("<p>\(escape(note))</p>") }
        }
        func figure(_ stem: String, alt: String, _ svg: String) throws {
            md += ["![\(alt)](figures/\(try writeFigure(stem, svg, into: figures)))", ""]
            html.append(svg)
        }

        if atSteps.isEmpty {
            section("Final evaluation return (mean ± std over seeds)", table: finalTable, note: tableNote)
        }
        for step in atSteps {
            section("Evaluation return at step \(step) (mean ± std over seeds)", table: stepTable(at: step), note: tableNote)
        }
        section("Learning curves (mean, min–max band over seeds)")
        try figure("curves-all", alt: "all tasks", smallMultiplesSVG())
        for task in tasks { try figure("curve-\(task)", alt: task, curveSVG(task)) }
        let diagnostics = tasks.flatMap { task in diagnosticSVGs(task).map { (task, $0.key, $0.svg) } }
        if !diagnostics.isEmpty {
            section("Estimator diagnostics over training (mean, min–max over seeds)")
            for (task, key, svg) in diagnostics {
                try figure("diag-\(task)-\(key.replacingOccurrences(of: "/", with: "_"))", alt: "\(task) \(key)", svg)
            }
        }
        try videos(into: figures, md: &md, html: &html)
        section("Wall-clock per run", table: wallClockTable)
        section("Runs", table: runTable)
        html.append("</body></html>")
        try AtomicFile.write(Data(md.joined(separator: "\n").utf8), to: out.appendingPathComponent("report.md"))
        try AtomicFile.write(Data(html.joined(separator: "\n").utf8), to: out.appendingPathComponent("report.html"))
    }

    /// "Final policies": each run's `video.gif`, copied next to the figures (Markdown) and inlined
    /// as a data URL (HTML, which stays one self-contained file).
    private func videos(into figures: URL, md: inout [String], html: inout [String]) throws {
        let clips = tasks.flatMap { task in labels.flatMap { runs(task, $0) } }.compactMap { run in run.video.map { (run, $0) } }
        guard !clips.isEmpty else { return }
        md += ["## Final policies", ""]
        html.append("<h2>Final policies</h2><div>")
        for (run, video) in clips {
            let caption = "\(run.task) \(run.label) seed \(run.seed)"
            let data = try Data(contentsOf: video)
            let name = try SafeName.checked("video-\(run.task)-\(run.label)-seed\(run.seed).gif", "video name", in: figures.path)
            try AtomicFile.write(data, to: figures.appendingPathComponent(name))
            md += ["![\(caption)](figures/\(name))", ""]
            html.append("<figure style=\"display:inline-block;margin:0.5em\"><img alt=\"\(escape(caption))\" "
                        + "src=\"data:image/gif;base64,\(data.base64EncodedString())\"><figcaption>\(escape(caption))</figcaption></figure>")
        }
        html.append("</div>")
    }

    /// Writes `figures/<stem>.svg` and returns its file name. The stem is built from task names
    /// and must be a ``SafeName``, so the file can only land inside `figures`.
    private func writeFigure(_ stem: String, _ svg: String, into figures: URL) throws -> String {
        let name = try SafeName.checked(stem + ".svg", "figure name", in: figures.path)
        try AtomicFile.write(Data(svg.utf8), to: figures.appendingPathComponent(name))
        return name
    }

    private func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }

    /// A Markdown pipe table as an HTML table; `**bold**` becomes `<b>bold</b>`.
    private func htmlTable(_ markdown: String) -> String {
        let rows = markdown.split(separator: "\n").filter { !$0.hasPrefix("|---") }
        var out = ["<table>"]
        for (i, row) in rows.enumerated() {
            let cells = row.split(separator: "|", omittingEmptySubsequences: false).dropFirst().dropLast()
                .map { escape($0.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "`", with: "")) }
                .map { cell in
                    cell.components(separatedBy: "**").enumerated().map { $0.offset % 2 == 1 ? "<b>\($0.element)</b>" : $0.element }.joined()
                }
            let tag = i == 0 ? "th" : "td"
            out.append("<tr>" + cells.map { "<\(tag)>\($0)</\(tag)>" }.joined() + "</tr>")
        }
        return (out + ["</table>"]).joined()
    }
}
